import { deepMerge } from "../core/merge.ts";
import { COLLECTIVE_PRESETS } from "../fabric/collective-spec.ts";
import type { Fabric, FabricName } from "../fabric/schema.ts";
import { resolveAssumptions } from "../systems/profiles.ts";
import { fcRoleFabric, fcRoleUnit, type SystemSpec } from "../systems/schema.ts";
import { roleDevices } from "../systems/devices.ts";
import type { Assumptions } from "../units/assumptions.ts";
import { UNIT_KINDS } from "../units/index.ts";
import { hashOf } from "../core/hash.ts";
import { applySetup, setupSystem, type ReportSetup, type SetupPoint } from "./setup.ts";

/**
 * Structural choices of the sensitivity study: not a scalar scaled, but a mechanism switched to another sourced
 * alternative (an assumption of src/units/assumptions.ts, or how a fabric moves bytes). Each option is what a user
 * writes in a run config (`assumptions:`, `hardware.fabrics.NAME:`), with its source; the study runs the Fig. 8 grid
 * (and Fig. 11's PIM-only PAPI) once per option that differs from the setup's and reports how every headline moves.
 */
export interface StructuralOption {
  /** the value as the report prints it */
  label: string;
  source: string;
  assumptions?: Partial<Assumptions>;
  /** patches of the systems' fabrics by name (as `hardware.fabrics` of a run config) */
  fabrics?: Partial<Record<FabricName, Record<string, unknown>>>;
}

export interface StructuralChoice {
  name: string;
  description: string;
  /** how a user sets it (`--set ...`) */
  override: string;
  options: readonly StructuralOption[];
  /**
   * Prefixes of the resolved run config (RunResult.config) the choice may change: an option changes nothing else
   * (test/report/sensitivity-structural.test.ts checks it).
   */
  touches: readonly string[];
  /**
   * The choice changes only power drawn whether or not devices work (static, refresh): no time and no decision moves,
   * so a run under an option is the setup's run with (idle watts under the option - idle watts) x latency added.
   */
  idlePowerOnly?: boolean;
  /** whether the choice can change the runs of a system (as the setup resolves it); other systems are not rerun */
  affects(spec: SystemSpec): boolean;
  /** what of a resolved run the choice sets; options whose view equals the setup's are the setup's own value */
  view(spec: SystemSpec, a: Assumptions): unknown;
}

/** A fabric as its costs see it (a preset's regime and the same numbers written out compare equal). */
function fabricView(f: Fabric | undefined): unknown {
  if (f === undefined) return null;
  const c = f.collective;
  return {
    topology: f.topology, switchLatencySec: f.switchLatencySec, numLinks: f.numLinks, transfers: f.transfers, algorithm: c.algorithm,
    messageLatencySec: c.messageLatencySec ?? f.link.latencySec, callOverheadSec: c.callOverheadSec ?? 0, bandwidthEfficiency: c.bandwidthEfficiency ?? 1,
  };
}

const hasGpus = (s: SystemSpec) => roleDevices(s).numGpus > 0;
const hasPim = (s: SystemSpec) => Object.values(s.units).some((u) => u.kind === "pim");
const reducesOn = (s: SystemSpec, f: FabricName) => s.tensorParallel > 1 && s.roles.fc.some((r) => fcRoleFabric(r) === f);
const fcInPlace = (s: SystemSpec) => s.roles.fc.some((r) => UNIT_KINDS.get(s.units[fcRoleUnit(r)].kind).capabilities.computesInPlace);
const preset = (name: string) => COLLECTIVE_PRESETS[name];
/** The PIM units of the report's systems (src/systems/presets.ts names them so in every system) */
const PIM_UNITS = ["fc-pim", "attn-pim"] as const;

const RING = "ring at the link's latency (AttAcc's A100 fit on NVLink 3, = attacc-a100)";
const RING_SOURCE = preset("attacc-a100").source;
const IN_SWITCH_SOURCE = "NVIDIA H100 whitepaper (NVLink SHARP in NVSwitch 3); NCCL NVLS; Klenk et al., ISCA 2020 (src/fabric/collectives/in-switch.ts); a what-if: the paper's A100s have no in-switch reduction";
const BANDWIDTH_ONLY_SOURCE = "AttAcc simulator src/devices.py PIM._io_time_energy: traffic / (INTERFACE_BW / 2), no latency";

export const STRUCTURAL_CHOICES: readonly StructuralChoice[] = [
  {
    name: "FC mapping on PIM",
    description: "how FC weights are laid out over a stack's channels, bank groups and banks",
    override: "assumptions.fcMapping",
    options: [
      { label: "n-split", assumptions: { fcMapping: "n-split" }, source: "PAPI §6.4 (weights split like K^T: columns over pseudo-channels and bank groups, rows over banks); AttAcc gen_trace_attacc_bank.py" },
      { label: "k-split", assumptions: { fcMapping: "k-split" }, source: "papi's alternative (docs/pim-model.md, \"FC layout\"): k over the pseudo-channel buses, partial sums added on the buffer die" },
      { label: "auto", assumptions: { fcMapping: "auto" }, source: "the faster of n-split and k-split per call (docs/pim-model.md); by time, not energy" },
    ],
    touches: ["assumptions.fcMapping", ...PIM_UNITS.map((u) => `system.units.${u}.design.fcMapping`)],
    // Stryker disable next-line ConditionalExpression: the view is null without FC-PIM, so such a system is never rerun either way (affects only saves resolving it twice)
    affects: (s) => roleDevices(s).fcPim !== null,
    view: (s) => roleDevices(s).fcPim?.fcMapping ?? null,
  },
  {
    name: "PIM token reuse",
    description: "how a PIM FPU reuses a latched column for several tokens (time and column-read energy)",
    override: "assumptions.pimReuseReads",
    options: [
      { label: "latched", assumptions: { pimReuseReads: "latched" }, source: "PAPI Fig. 7: DRAM access falls from 96.7 % (reuse 1) to 33.1 % (reuse 64) of 4P1B energy, so a column is read once and held" },
      { label: "per-command", assumptions: { pimReuseReads: "per-command" }, source: "AttAcc: one MACAB per (column, query vector), each charged its array read (src/devices.py PIM._get_energy)" },
      { label: "latched-relaxed", assumptions: { pimReuseReads: "latched-relaxed" }, source: "ASSUMPTION: commands that only reuse the latch read no array, so the power spacing does not apply (docs/pim-model.md, \"Token reuse\")" },
    ],
    touches: ["assumptions.pimReuseReads", ...PIM_UNITS.map((u) => `system.units.${u}.design.reuseReads`)],
    affects: hasPim,
    view: (s) => { const d = roleDevices(s); return [d.fcPim?.reuseReads ?? null, d.attnPim?.reuseReads ?? null]; },
  },
  {
    name: "PIM refresh energy",
    description: "PIM stacks' refresh power over the whole run",
    override: "assumptions.pimRefreshEnergy",
    options: [
      { label: "charged", assumptions: { pimRefreshEnergy: true }, source: "JEDEC HBM3: a DRAM refreshes (REFab every tREFI) busy or idle" },
      { label: "not charged", assumptions: { pimRefreshEnergy: false }, source: "AttAcc's energy is dynamic only (ENERGY_TABLE has no refresh term)" },
    ],
    touches: ["assumptions.pimRefreshEnergy"],
    idlePowerOnly: true,
    affects: hasPim,
    view: (_s, a) => a.pimRefreshEnergy,
  },
  {
    name: "PIM elementwise kernel overhead",
    description: "fixed time of one norm, activation or residual kernel on a PIM unit's buffer dies (PIM-only systems)",
    override: "assumptions.pimElementwiseOverheadSec",
    options: [
      { label: "2 us", assumptions: { pimElementwiseOverheadSec: 2e-6 }, source: "ASSUMPTION: one command message from the host per kernel, priced like one PCIe/CXL DMA message (src/systems/profiles.ts)" },
      { label: "0", assumptions: { pimElementwiseOverheadSec: 0 }, source: "AttAcc leaves it out" },
    ],
    touches: ["assumptions.pimElementwiseOverheadSec"],
    affects: (s) => s.units[s.roles.elementwise].kind === "pim",
    view: (_s, a) => a.pimElementwiseOverheadSec,
  },
  {
    name: "GPU static power",
    description: "GPUs' static power charged over the whole run",
    override: "assumptions.gpuStaticPower",
    options: [
      { label: "charged", assumptions: { gpuStaticPower: true }, source: "nvidia-smi idle readings, 15 % of TDP (docs/assumptions.md, \"Static power\")" },
      { label: "not charged", assumptions: { gpuStaticPower: false }, source: "AttAcc models none" },
    ],
    touches: ["assumptions.gpuStaticPower"],
    idlePowerOnly: true,
    affects: hasGpus,
    view: (_s, a) => a.gpuStaticPower,
  },
  {
    name: "GPU on-chip energy",
    description: "GPUs' register, L1 and L2 traffic energy on top of FLOP and HBM energy",
    override: "assumptions.gpuOnChipEnergy",
    options: [
      { label: "not charged", assumptions: { gpuOnChipEnergy: false }, source: "the A100 presets' per-FLOP energy is AttAcc's ALU figure; Hopper's is a TDP bound that includes it (src/systems/profiles.ts)" },
      { label: "charged", assumptions: { gpuOnChipEnergy: true }, source: "AttAcc: ENERGY_TABLE['GPU'] reg/l1/l2 (src/config.py), charged per tile traffic (src/devices.py)" },
    ],
    touches: ["assumptions.gpuOnChipEnergy"],
    affects: hasGpus,
    view: (_s, a) => a.gpuOnChipEnergy,
  },
  {
    name: "GPU collectives",
    description: "how the GPUs' tensor-parallel all-reduces and all-gathers run (gpuGpu fabric)",
    override: "hardware.fabrics.gpuGpu.collective, .topology",
    options: [
      { label: RING, fabrics: { gpuGpu: { topology: "point-to-point", collective: { algorithm: "ring" } } }, source: RING_SOURCE },
      { label: "nccl-graph", fabrics: { gpuGpu: { topology: "point-to-point", collective: "nccl-graph" } }, source: preset("nccl-graph").source },
      { label: "one-shot-custom", fabrics: { gpuGpu: { topology: "point-to-point", collective: "one-shot-custom" } }, source: preset("one-shot-custom").source },
      { label: "in-switch on a switch", fabrics: { gpuGpu: { topology: "switch", collective: { algorithm: "in-switch" } } }, source: IN_SWITCH_SOURCE },
    ],
    touches: ["system.fabrics.gpuGpu.collective.", "system.fabrics.gpuGpu.topology"],
    affects: (s) => reducesOn(s, "gpuGpu"),
    view: (s) => fabricView(s.fabrics.gpuGpu),
  },
  {
    name: "PIM-side transfers",
    description: "how transfers to and from PIM devices are priced (attention and pimPim fabrics)",
    override: "hardware.fabrics.attention.transfers, hardware.fabrics.pimPim.transfers",
    options: [
      { label: "alpha-beta", fabrics: { attention: { transfers: "alpha-beta" }, pimPim: { transfers: "alpha-beta" } }, source: "latency per message + bytes / bandwidth; PCIe 2 us per message (ASSUMPTION, src/hardware/links/presets.ts)" },
      { label: "bandwidth-only", fabrics: { attention: { transfers: "bandwidth-only" }, pimPim: { transfers: "bandwidth-only" } }, source: BANDWIDTH_ONLY_SOURCE },
    ],
    touches: ["system.fabrics.attention.transfers", "system.fabrics.pimPim.transfers"],
    affects: (s) => s.roles.attentionVia.length > 0,
    view: (s) => [s.fabrics.attention?.transfers ?? null, s.fabrics.pimPim?.transfers ?? null],
  },
  {
    name: "Attention links",
    description: "links between the FC side and the 60 attention stacks",
    override: "hardware.fabrics.attention.numLinks",
    options: [
      { label: "6 links", fabrics: { attention: { numLinks: 6 } }, source: "ASSUMPTION: 6 devices of 10 stacks, each behind one PCIe 5.0 x16 link (PAPI §4.1 gives no bandwidth)" },
      { label: "2 buses", fabrics: { attention: { numLinks: 2 } }, source: "PAPI §4.1: PCIe allows at most 32 devices, so 60 attention devices need 2 buses" },
    ],
    touches: ["system.fabrics.attention.numLinks"],
    affects: (s) => s.roles.attentionVia.includes("attention"),
    view: (s) => s.fabrics.attention?.numLinks ?? null,
  },
  {
    name: "PIM-only collectives",
    description: "how the FC stack groups of PIM-only systems run their tensor-parallel collectives (pimPim fabric)",
    override: "hardware.fabrics.pimPim.collective, .topology",
    options: [
      { label: "ring at the link's latency", fabrics: { pimPim: { topology: "point-to-point", collective: { algorithm: "ring" } } }, source: "ASSUMPTION: the groups run the GPUs' collective over their NVLink-class ports (src/systems/presets.ts)" },
      { label: "bandwidth-only", fabrics: { pimPim: { topology: "point-to-point", collective: { algorithm: "bandwidth-only" } } }, source: BANDWIDTH_ONLY_SOURCE },
      { label: "in-switch on a switch", fabrics: { pimPim: { topology: "switch", collective: { algorithm: "in-switch" } } }, source: IN_SWITCH_SOURCE },
    ],
    touches: ["system.fabrics.pimPim.collective.", "system.fabrics.pimPim.topology"],
    affects: (s) => reducesOn(s, "pimPim"),
    view: (s) => fabricView(s.fabrics.pimPim),
  },
  {
    name: "FC-PIM partial sums",
    description: "where FC run on PIM reduces its tensor-parallel partial sums (with pimPim: also the PIM-only systems' collective)",
    override: "assumptions.pimPartialSums (+ hardware.fabrics.pimPim)",
    options: [
      { label: "as described", assumptions: { pimPartialSums: "as-described" }, source: "each system's roles: PAPI's FC-PIM partial sums land in its GPU's memory and the GPUs all-reduce them (src/systems/presets.ts)" },
      { label: "host", assumptions: { pimPartialSums: "host" }, source: "ASSUMPTION: the host CPU reduces them over one PCIe 5.0 x16 link per group (src/systems/legacy.ts HOST_FABRIC)" },
      {
        label: "pimPim, in-switch",
        assumptions: { pimPartialSums: "pimPim" },
        fabrics: { pimPim: { topology: "switch", collective: { algorithm: "in-switch" } } },
        source: IN_SWITCH_SOURCE,
      },
      {
        label: "pimPim, bandwidth-only",
        assumptions: { pimPartialSums: "pimPim" },
        fabrics: { pimPim: { topology: "point-to-point", collective: { algorithm: "bandwidth-only" } } },
        source: BANDWIDTH_ONLY_SOURCE,
      },
    ],
    touches: ["assumptions.pimPartialSums", "system.roles.fc", "system.fabrics.pimPim.collective.", "system.fabrics.pimPim.topology"],
    affects: fcInPlace,
    view: (s, a) => [a.pimPartialSums, s.roles.fc, fabricView(s.fabrics.pimPim)],
  },
];

/**
 * The point with the option applied on top of its own (and, through applySetup, the setup's) choices. A fabric patch
 * is written out in full, every field of the fabric as the setup resolves it with the option's on top (its collective
 * replaced whole), so that it changes exactly what the option names whatever defaults a patch would otherwise take.
 */
export function withOption<P extends SetupPoint>(p: P, o: StructuralOption, setup: ReportSetup): P {
  const out: P = { ...p };
  if (o.assumptions !== undefined) out.assumptions = { ...(p.assumptions ?? {}), ...o.assumptions };
  if (o.fabrics !== undefined) {
    const fabrics = setupSystem(p, setup).fabrics;
    const patch: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(o.fabrics)) {
      const base = fabrics[name as FabricName];
      if (base === undefined) continue;
      patch[name] = { numLinks: base.numLinks, topology: base.topology, switchLatencySec: base.switchLatencySec, transfers: base.transfers, collective: base.collective, ...f };
    }
    out.hardware = deepMerge(p.hardware ?? {}, { fabrics: patch }) as P["hardware"];
  }
  return out;
}

/** A point's system and assumptions as the setup resolves them. */
export function resolvedChoice(p: SetupPoint, setup: ReportSetup): { spec: SystemSpec; assumptions: Assumptions } {
  const q = applySetup(p, setup);
  return { spec: setupSystem(p, setup), assumptions: resolveAssumptions(q.profile, q.assumptions) };
}

/** Whether the option leaves the choice as the setup has it at this point (nothing to rerun). */
export function isSetupsOwn(c: StructuralChoice, o: StructuralOption, p: SetupPoint, setup: ReportSetup): boolean {
  const base = resolvedChoice(p, setup);
  const alt = resolvedChoice(withOption(p, o, setup), setup);
  return hashOf(c.view(base.spec, base.assumptions)) === hashOf(c.view(alt.spec, alt.assumptions));
}

/**
 * Whether the option is the setup's own value of the choice: the same view on every system of `systems` the choice
 * affects (PAPI and AttAcc-only between them use every fabric and assumption a choice sets).
 */
export function isSetupsChoice(c: StructuralChoice, o: StructuralOption, setup: ReportSetup, systems: readonly string[] = ["papi", "attacc-only"]): boolean {
  return systems.every((system) => !optionChanges(c, o, { system, model: "llama-65b" }, setup));
}

/** Whether a system's runs change under the option (the choice affects it and the option is not its own). */
export function optionChanges(c: StructuralChoice, o: StructuralOption, p: SetupPoint, setup: ReportSetup): boolean {
  return c.affects(setupSystem(p, setup)) && !isSetupsOwn(c, o, p, setup);
}
