import { z } from "zod";

const pos = (f: string) => z.number({ error: `${f} must be a number` }).positive(`${f} must be > 0`);
const nonNeg = (f: string) => z.number({ error: `${f} must be a number` }).min(0, `${f} must be >= 0`);
const frac = (f: string) => z.number({ error: `${f} must be a number` }).gt(0, `${f} must be in (0, 1]`).max(1, `${f} must be in (0, 1]`);
const posInt = (f: string) => z.number().int(`${f} must be an integer`).min(1, `${f} must be >= 1`);

/**
 * One GPU as data. The roofline is smoothed: time = overhead + (c^p + m^p)^(1/p) with c the compute time,
 * m the memory time and p = rooflineSharpness (large p = hard max). Kernel energy is dynamic only
 * (FLOPs and HBM bytes); static power is charged separately over wall time (gpuStaticEnergyJoules).
 */
export const GpuSpec = z
  .object({
    name: z.string().min(1),
    /** Dense FP16/BF16 tensor-core peak. */
    peakFp16FlopsPerSec: pos("peakFp16FlopsPerSec"),
    /** Throughput of 4-byte dtypes (TF32 tensor cores) relative to FP16. */
    fp32ThroughputRatio: frac("fp32ThroughputRatio"),
    hbmBandwidthBytesPerSec: pos("hbmBandwidthBytesPerSec"),
    memoryCapacityBytes: pos("memoryCapacityBytes"),
    numSms: posInt("numSms"),
    /** Achievable fraction of peak tensor throughput in large GEMMs. */
    computeEfficiency: frac("computeEfficiency"),
    /** Achievable fraction of HBM bandwidth when streaming GEMM weights. */
    memoryEfficiency: frac("memoryEfficiency"),
    /** GEMM M is rounded up to this tile in the compute term (small-M tensor-core waste). */
    gemmTileM: posInt("gemmTileM"),
    /** Exponent of the smooth roofline; >= 1, large values approach max(compute, memory). */
    rooflineSharpness: z.number().min(1, "rooflineSharpness must be >= 1"),
    /** Fixed time per eagerly launched kernel (host dispatch + launch + ramp), as seen by CUDA events. */
    kernelLaunchOverheadSec: nonNeg("kernelLaunchOverheadSec"),
    /** Fixed time per kernel inside a CUDA graph (no host dispatch). */
    graphKernelOverheadSec: nonNeg("graphKernelOverheadSec"),
    /** Fused (flash) attention: achievable fractions and its own eager overhead (backend dispatch, split-KV combine). */
    attentionComputeEfficiency: frac("attentionComputeEfficiency"),
    attentionMemoryEfficiency: frac("attentionMemoryEfficiency"),
    attentionLaunchOverheadSec: nonNeg("attentionLaunchOverheadSec"),
    /** GPU-side minimum duration of the fused attention (split-KV pass + combine); overlaps with its work. */
    attentionMinSec: nonNeg("attentionMinSec"),
    /** Per direction per GPU. */
    nvlinkBandwidthBytesPerSec: pos("nvlinkBandwidthBytesPerSec"),
    allReduceStepLatencySec: nonNeg("allReduceStepLatencySec"),
    nvlinkEnergyPerByteJoules: nonNeg("nvlinkEnergyPerByteJoules"),
    energyPerFlopJoules: nonNeg("energyPerFlopJoules"),
    hbmEnergyPerByteJoules: nonNeg("hbmEnergyPerByteJoules"),
    staticPowerWatts: nonNeg("staticPowerWatts"),
    /** Board power limit; only checked against static power. */
    tdpWatts: pos("tdpWatts"),
  })
  .superRefine((g, ctx) => {
    if (g.staticPowerWatts >= g.tdpWatts) {
      ctx.addIssue({ code: "custom", path: ["staticPowerWatts"], message: `must be < tdpWatts (${g.tdpWatts})` });
    }
    // dynamic power at full compute and full bandwidth should not exceed the board limit by much
    const dyn = g.peakFp16FlopsPerSec * g.energyPerFlopJoules + g.hbmBandwidthBytesPerSec * g.hbmEnergyPerByteJoules;
    if (g.staticPowerWatts + dyn > 1.5 * g.tdpWatts) {
      ctx.addIssue({
        code: "custom",
        path: ["energyPerFlopJoules"],
        message: `static + peak dynamic power ${(g.staticPowerWatts + dyn).toFixed(0)} W exceeds 1.5 x tdpWatts`,
      });
    }
  });
export type GpuSpec = z.infer<typeof GpuSpec>;
