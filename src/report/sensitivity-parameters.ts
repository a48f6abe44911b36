import { deepMerge } from "../core/merge.ts";
import { calibratedAlpha } from "../scheduling/calibrate.ts";
import { parseRunConfig, systemOf } from "../serving/run.ts";
import type { RunResult } from "../serving/run.ts";
import { SYSTEM_PRESETS } from "../systems/presets.ts";
import type { SystemSpec } from "../systems/schema.ts";
import type { Experiments, PointSpec } from "./experiments.ts";
import type { PointResult } from "./figures/fig8.ts";
import { applySetup, presetDevices, setupSystem } from "./setup.ts";
import { roleDevices, type RoleDevices } from "../systems/devices.ts";

/** One documented parameter the sensitivity study scales, applied to a grid point's run config. */
export interface SensitivityParameter {
  name: string;
  description: string;
  /** Multipliers tried (1 = as documented, always included), ascending. */
  factors: readonly number[];
  /** The value at a factor, for the report ("6 tCK"); default: the factor itself. */
  valueAt?(factor: number, exp: Experiments): string;
  apply(p: PointSpec, factor: number, exp: Experiments): PointSpec;
  /** For a parameter whose effect is exact arithmetic on a finished run (no rerun needed). */
  adjust?(r: RunResult, factor: number): PointResult;
  /** `adjust` is exact only when no request waits for an arrival (static batches that start at time 0). */
  adjustNeedsNoArrivals?: boolean;
}

/** Multipliers of the parameters without a reason for others (1 = as documented). */
export const DEFAULT_FACTORS = [0.25, 0.5, 1, 2, 4] as const;

/**
 * The attention links' bandwidth only stretches or shrinks the time spent moving bytes over them: with static
 * batches that start at 0, no decision depends on time, so the run at factor f is the documented run with that
 * time divided by f (and the GPUs' static energy following the latency). Exact; checked against reruns in tests.
 */
export function scaleAttentionLinkBandwidth(r: RunResult, f: number): PointResult {
  const latencySec = r.latencySec - r.attentionLinkBandwidthSec * (1 - 1 / f);
  const staticJoules = r.breakdownJoules.static * (latencySec / r.latencySec);
  return { ...r, latencySec, energyJoules: r.energyJoules - r.breakdownJoules.static + staticJoules };
}

/** The point with `patch` merged into its hardware overrides (over the setup's, see setup.ts applySetup). */
const withHardware = (p: PointSpec, patch: Record<string, unknown>): PointSpec => ({ ...p, hardware: deepMerge(p.hardware ?? {}, patch) as PointSpec["hardware"] });

/** The point's system as the study's setup resolves it (base values of the what-ifs). */
const systemOfPoint = (p: PointSpec, exp: Experiments): SystemSpec => setupSystem(p, exp.setup);
const devicesOfPoint = (p: PointSpec, exp: Experiments): RoleDevices => roleDevices(systemOfPoint(p, exp));
const linkOfPoint = (p: PointSpec, exp: Experiments, fabric: "gpuGpu" | "attention" | "pimPim") => systemOfPoint(p, exp).fabrics[fabric]!.link;

/** The PIM MAC spacing (tCK) a factor gives: the documented spacing scaled and rounded, never below nCCDAB. */
function macSpacing(s: SystemSpec, f: number): number | null {
  const r = roleDevices(s);
  const d = r.fcPim ?? r.attnPim;
  if (d === null) return null;
  return Math.max(d.hbm.timing.nCCDAB, Math.round(d.hbm.timing.nCCDABPowerConstrained * f));
}

/** PAPI's system under the study's setup (for values printed in the report). */
// Stryker disable next-line ObjectLiteral: papi and llama-65b are also the run config's defaults, so {} names the same point
const papiOf = (exp: Experiments): RoleDevices => roleDevices(setupSystem({ system: "papi", model: "llama-65b" }, exp.setup));

export const SENSITIVITY_PARAMETERS: readonly SensitivityParameter[] = [
  {
    name: "PIM MAC spacing",
    description: "tCK between MAC commands under the power limit, every PIM stack of every system (hardware.hbm.timing.nCCDABPowerConstrained; AttAcc: 6, 4 without the limit)",
    // Whole clocks: 4 (nCCDAB, no power limit), 6 (documented), 8, 12.
    factors: [2 / 3, 1, 4 / 3, 2],
    valueAt: (f, exp) => `${macSpacing(setupSystem({ system: "papi", model: "llama-65b" }, exp.setup), f)} tCK`,
    apply: (p, f, exp) => {
      if (f === 1) return p;
      const v = macSpacing(systemOfPoint(p, exp), f);
      return v === null ? p : withHardware(p, { hbm: { timing: { nCCDABPowerConstrained: v } } });
    },
  },
  {
    name: "FC-PIM FPUs per bank",
    description: "FPUs per bank of PAPI's FC-PIM stacks (hardware.fcPim.numFpus; 4P1B documented, 8P1B breaks the area rule)",
    factors: [0.25, 0.5, 1],
    valueAt: (f, exp) => `${Math.max(1, Math.round(papiOf(exp).fcPim!.numFpus * f))}P${papiOf(exp).fcPim!.numBanksPerFpuGroup}B`,
    apply: (p, f, exp) => {
      if (f === 1 || SYSTEM_PRESETS[p.system] === undefined || presetDevices(p.system).fcPim?.name !== "fc-pim") return p;
      return withHardware(p, { fcPim: { numFpus: Math.max(1, Math.round(devicesOfPoint(p, exp).fcPim!.numFpus * f)) } });
    },
  },
  {
    name: "PIM-side collective latency",
    description: "per-message latency of the links between PIM devices in systems without GPUs, i.e. of AttAcc-only's tensor-parallel collectives (hardware.links.pimPim.latencySec)",
    factors: DEFAULT_FACTORS,
    apply: (p, f, exp) => {
      if (f === 1 || SYSTEM_PRESETS[p.system] === undefined || presetDevices(p.system).numGpus !== 0) return p;
      return withHardware(p, { links: { pimPim: { latencySec: linkOfPoint(p, exp, "pimPim").latencySec * f } } });
    },
  },
  {
    name: "attention link bandwidth",
    description: "host/GPU <-> attention-stack link (hardware.links.attention.bandwidthBytesPerSec)",
    factors: DEFAULT_FACTORS,
    apply: (p, f, exp) => (f === 1 ? p : withHardware(p, { links: { attention: { bandwidthBytesPerSec: linkOfPoint(p, exp, "attention").bandwidthBytesPerSec * f } } })),
    adjust: scaleAttentionLinkBandwidth,
    adjustNeedsNoArrivals: true,
  },
  {
    name: "GPU efficiency",
    description: "achievable fraction of the GPU's peak FLOP/s and HBM bandwidth (capped at 1: x1.25 reaches it from AttAcc's 0.8 and 0.85)",
    factors: [0.25, 0.5, 1, 1.25],
    apply: (p, f, exp) => {
      if (f === 1 || SYSTEM_PRESETS[p.system] === undefined || presetDevices(p.system).numGpus === 0) return p;
      const g = devicesOfPoint(p, exp).gpu!;
      return withHardware(p, { gpu: { computeEfficiency: Math.min(1, g.computeEfficiency * f), memoryEfficiency: Math.min(1, g.memoryEfficiency * f) } });
    },
  },
  {
    name: "GPU all-reduce latency",
    description: "per-message latency of the GPU-GPU link, i.e. of every tensor-parallel collective step (hardware.links.gpuGpu.latencySec)",
    factors: DEFAULT_FACTORS,
    apply: (p, f, exp) => {
      // Stryker disable next-line EqualityOperator: every system preset has 0 or 6 GPUs, so > 1 and >= 1 agree on all of them
      if (f === 1 || SYSTEM_PRESETS[p.system] === undefined || !(presetDevices(p.system).numGpus > 1)) return p;
      return withHardware(p, { links: { gpuGpu: { latencySec: linkOfPoint(p, exp, "gpuGpu").latencySec * f } } });
    },
  },
  {
    name: "GPU static power",
    description: "static power per GPU, charged over the whole run (hardware.gpu.staticPowerWatts; AttAcc models none)",
    factors: DEFAULT_FACTORS,
    apply: (p) => p,
    // Static energy is power x run time and nothing else depends on it, so scaling it needs no rerun.
    adjust: (r, f) => ({ ...r, energyJoules: r.energyJoules + (f - 1) * r.staticJoulesBySource.gpu }),
  },
  {
    name: "alpha",
    description: "PAPI's threshold, as a multiple of the calibrated one (the first crossover)",
    factors: DEFAULT_FACTORS,
    apply: (p, f, exp) => {
      if (f === 1 || p.system !== "papi") return p;
      return { ...p, alpha: calibratedAlpha(systemOf(parseRunConfig(applySetup({ system: p.system, model: p.model }, exp.setup)))) * f };
    },
  },
];
