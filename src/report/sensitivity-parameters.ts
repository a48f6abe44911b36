import { resolveGpu } from "../hardware/gpu/presets.ts";
import { resolveLink } from "../hardware/links/presets.ts";
import { resolvePimDesign } from "../hardware/pim/presets.ts";
import { calibratedAlpha } from "../scheduling/calibrate.ts";
import { parseRunConfig, systemOf } from "../serving/run.ts";
import { SYSTEM_PRESETS } from "../systems/presets.ts";
import type { RunResult } from "../serving/run.ts";
import type { Experiments, PointSpec } from "./experiments.ts";
import type { PointResult } from "./figures/fig8.ts";

/** One documented parameter the sensitivity study scales, applied to a grid point's run config. */
export interface SensitivityParameter {
  name: string;
  description: string;
  apply(p: PointSpec, factor: number, exp: Experiments): PointSpec;
  /** For a parameter whose effect is exact arithmetic on a finished run (no rerun needed). */
  adjust?(r: RunResult, factor: number): PointResult;
  /** `adjust` is exact only when no request waits for an arrival (static batches that start at time 0). */
  adjustNeedsNoArrivals?: boolean;
}

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

const merge = (p: PointSpec, hardware: Record<string, unknown>): PointSpec => ({
  ...p,
  hardware: { ...(p.hardware ?? {}), ...hardware },
});

/** Scales the FPU clock of the FC stacks of every system whose FC stacks are built as `design`. */
function fpuClock(design: string, name: string, description: string): SensitivityParameter {
  return {
    name,
    description,
    apply: (p, f) => {
      if (f === 1 || SYSTEM_PRESETS[p.system]?.fcStacks.design !== design) return p;
      return merge(p, { fcPim: { fpuClockHz: resolvePimDesign(design).fpuClockHz * f } });
    },
  };
}

export const SENSITIVITY_PARAMETERS: readonly SensitivityParameter[] = [
  fpuClock("fc-pim", "FC-PIM FPU clock", "PIM FC throughput of PAPI's 4P1B stacks (fcPim.fpuClockHz)"),
  fpuClock("attacc", "AttAcc FPU clock", "PIM FC throughput of AttAcc-only's 1P1B FC stacks (fcPim.fpuClockHz)"),
  {
    name: "attention link bandwidth",
    description: "host/GPU <-> attention-stack link (links.attention.bandwidthBytesPerSec)",
    apply: (p, f) => (f === 1 ? p : merge(p, { links: { attention: { bandwidthBytesPerSec: resolveLink(SYSTEM_PRESETS[p.system].links.attention).bandwidthBytesPerSec * f } } })),
    adjust: scaleAttentionLinkBandwidth,
    adjustNeedsNoArrivals: true,
  },
  {
    name: "GPU efficiency",
    description: "achievable fraction of A100 peak FLOP/s and HBM bandwidth (capped at 1)",
    apply: (p, f) => {
      if (f === 1 || SYSTEM_PRESETS[p.system]?.gpu.numGpus === 0) return p;
      const g = resolveGpu(SYSTEM_PRESETS[p.system].gpu.device);
      return merge(p, { gpu: { computeEfficiency: Math.min(1, g.computeEfficiency * f), memoryEfficiency: Math.min(1, g.memoryEfficiency * f) } });
    },
  },
  {
    name: "GPU all-reduce latency",
    description: "per-message latency of the GPU-GPU link, i.e. of every tensor-parallel collective step (links.gpuGpu.latencySec)",
    apply: (p, f) => {
      if (f === 1 || !(SYSTEM_PRESETS[p.system]?.gpu.numGpus > 1)) return p;
      return merge(p, { links: { gpuGpu: { latencySec: resolveLink(SYSTEM_PRESETS[p.system].links.gpuGpu).latencySec * f } } });
    },
  },
  {
    name: "GPU static power",
    description: "static power per GPU, charged over the whole run (gpu.staticPowerWatts; AttAcc models none)",
    apply: (p) => p,
    // Static energy is power x run time and nothing else depends on it, so scaling it needs no rerun.
    adjust: (r, f) => ({ ...r, energyJoules: r.energyJoules + (f - 1) * r.staticJoulesBySource.gpu }),
  },
  {
    name: "alpha",
    description: "PAPI's threshold, as a multiple of the calibrated one",
    apply: (p, f) => {
      if (f === 1 || p.system !== "papi") return p;
      return { ...p, alpha: calibratedAlpha(systemOf(parseRunConfig({ system: p.system, model: p.model }))) * f };
    },
  },
];
