import { GPU_PRESET_SOURCES, GPU_PRESETS } from "../../hardware/gpu/presets.ts";
import { LINK_PRESETS } from "../../hardware/links/presets.ts";
import { HBM_PRESET_SOURCES, HBM_PRESETS } from "../../hardware/pim/hbm-presets.ts";
import { PIM_DESIGNS } from "../../hardware/pim/presets.ts";
import { pimStackCapacityBytes } from "../../hardware/pim/schema.ts";
import { MODEL_PRESETS } from "../../models/registry.ts";
import { modelParamCount } from "../../models/params.ts";
import { COLLECTIVE_PRESETS } from "../../fabric/collective-spec.ts";
import { PROFILES } from "../../systems/profiles.ts";
import { SYSTEM_PRESETS } from "../../systems/presets.ts";

export interface PresetTable {
  title: string;
  rows: { name: string; summary: string; source: string }[];
  /** name -> full description (valid as a config block) */
  specs: Record<string, unknown>;
}

const g = (x: number, unit: string, scale: number, digits = 0) => `${(x / scale).toFixed(digits)} ${unit}`;

/** The presets of one kind, as a table for `papi presets`. */
export function presetTable(kind: string): PresetTable {
  switch (kind) {
    case "gpu":
      return {
        title: "GPUs (gpu.device in a system, hardware.gpu in a run)",
        rows: Object.values(GPU_PRESETS).map((s) => ({
          name: s.name,
          summary: `${g(s.peakFp16FlopsPerSec, "TFLOP/s FP16", 1e12)}, ${g(s.hbmBandwidthBytesPerSec, "GB/s", 1e9)}, ${g(s.memoryCapacityBytes, "GB", 1e9)}, ${s.numSms} SMs, ${s.tdpWatts} W`,
          source: GPU_PRESET_SOURCES[s.name] ?? "",
        })),
        specs: { ...GPU_PRESETS },
      };
    case "hbm":
      return {
        title: "HBM stacks (hbm in a PIM design or plain stacks, hardware.hbm in a run)",
        rows: Object.values(HBM_PRESETS).map((s) => ({
          name: s.name,
          summary: `${s.timing.dataRateBitsPerSecPerPin / 1e9} Gb/s per pin, ${g(s.externalBandwidthBytesPerSec, "GB/s", 1e9, 1)}, ${g(s.capacityBytes, "GiB", 2 ** 30)}, ${s.org.numChannels} channels`,
          source: HBM_PRESET_SOURCES[s.name] ?? "",
        })),
        specs: { ...HBM_PRESETS },
      };
    case "pim":
      return {
        title: "PIM designs (units.NAME.design of a pim unit; hardware.fcPim / hardware.attnPim in a run)",
        rows: Object.values(PIM_DESIGNS).map((d) => ({
          name: d.name,
          summary: `${d.numFpus}P${d.numBanksPerFpuGroup}B, ${d.numEnabledBankGroups} bank groups, ${g(pimStackCapacityBytes(d), "GiB", 2 ** 30)}, FPU ${d.fpuClockHz / 1e6} MHz, on ${d.hbm.name}`,
          source: d.description,
        })),
        specs: { ...PIM_DESIGNS },
      };
    case "link":
      return {
        title: "Links (fabrics.NAME.link in a system; hardware.fabrics.NAME.link or hardware.links.NAME in a run)",
        rows: Object.values(LINK_PRESETS).map((l) => ({
          name: l.name,
          summary: `${g(l.bandwidthBytesPerSec, "GB/s per direction", 1e9)}, ${+(l.latencySec * 1e6).toPrecision(4)} us per message, ${+(l.energyPerBitJoules * 1e12).toPrecision(4)} pJ/bit`,
          source: l.description,
        })),
        specs: { ...LINK_PRESETS },
      };
    case "collective":
      return {
        title: "Collectives (fabrics.NAME.collective: how tensor-parallel all-reduces and all-gathers run)",
        rows: Object.entries(COLLECTIVE_PRESETS).map(([name, c]) => ({ name, summary: c.description, source: c.source })),
        specs: Object.fromEntries(Object.entries(COLLECTIVE_PRESETS).map(([name, c]) => [name, c.spec])),
      };
    case "profile":
      return {
        title: "Assumption profiles (profile: in a run config, --profile; assumptions: overrides one choice)",
        rows: PROFILES.names.map((name) => ({ name, summary: PROFILES.entries[name].description, source: "docs/assumptions.md, \"Structural choices\"" })),
        specs: { ...PROFILES.entries },
      };
    case "system":
      return {
        title: "Systems (system: in a run config)",
        rows: Object.values(SYSTEM_PRESETS).map((s) => ({ name: s.name, summary: s.description, source: "PAPI paper §6.1 (device counts); see docs/assumptions.md" })),
        specs: { ...SYSTEM_PRESETS },
      };
    default:
      return {
        title: "Models (model: in a run config; or a Hugging Face config.json)",
        rows: Object.values(MODEL_PRESETS).map((m) => ({ name: m.name, summary: `${(modelParamCount(m) / 1e9).toFixed(1)} B parameters, ${m.num_hidden_layers} layers, hidden ${m.hidden_size}`, source: m.source })),
        specs: { ...MODEL_PRESETS },
      };
  }
}
