import { z } from "zod";

const pos = (f: string) => z.number({ error: `${f} must be a number` }).positive(`${f} must be > 0`);
const nonNeg = (f: string) => z.number({ error: `${f} must be a number` }).min(0, `${f} must be >= 0`);
const frac = (f: string) => z.number({ error: `${f} must be a number` }).gt(0, `${f} must be in (0, 1]`).max(1, `${f} must be in (0, 1]`);
const posInt = (f: string) => z.number().int(`${f} must be an integer`).min(1, `${f} must be >= 1`);

/** One CTA output tile of a GEMM kernel (rows of X x columns of W). */
export const GemmTileShape = z.object({ m: posInt("gemmTileShapes[].m"), n: posInt("gemmTileShapes[].n") });
export type GemmTileShape = z.infer<typeof GemmTileShape>;

/**
 * CTA tiles of 16-bit tensor-core GEMMs as instantiated by CUTLASS's kernel generator
 * (tools/library/scripts/generator.py, GenerateSM90_TensorOp_16b_WGMMA_gemm and GenerateSM80_TensorOp_16816:
 * tiles built from 64-row wgmma / 16-row mma instructions, 64..256 rows x 128..256 columns); cuBLAS kernel
 * names show the same sizes (e.g. sm90_xmma_gemm_..._128x256x64). ASSUMPTION: this five-tile subset stands
 * for the library's kernel set on both Hopper and Ampere.
 */
export const DEFAULT_GEMM_TILE_SHAPES: readonly GemmTileShape[] = Object.freeze([
  { m: 64, n: 128 },
  { m: 64, n: 256 },
  { m: 128, n: 128 },
  { m: 128, n: 256 },
  { m: 256, n: 128 },
]);

/**
 * One GPU as data. GEMMs are priced tile by tile (src/hardware/gpu/gemm-tiling.ts): waves of CTA tiles on
 * numSms SMs, compute and memory combined by a smooth max (c^p + m^p)^(1/p), p = rooflineSharpness (large
 * p = hard max). Kernel energy is dynamic only (FLOPs and HBM bytes); static power is charged separately
 * over wall time (gpuStaticEnergyJoules).
 */
export const GpuSpec = z
  .object({
    name: z.string().min(1),
    /** Dense FP16/BF16 tensor-core peak. */
    peakFp16FlopsPerSec: pos("peakFp16FlopsPerSec"),
    /** Throughput of 4-byte dtypes (TF32 tensor cores) relative to FP16. */
    fp32ThroughputRatio: frac("fp32ThroughputRatio"),
    hbmBandwidthBytesPerSec: pos("hbmBandwidthBytesPerSec"),
    /** Device memory of one GPU; bounds weights + KV cache where the KV cache lives in GPU memory (gpu-only). */
    memoryCapacityBytes: pos("memoryCapacityBytes"),
    numSms: posInt("numSms"),
    /** Achievable fraction of peak tensor throughput in large GEMMs. */
    computeEfficiency: frac("computeEfficiency"),
    /** Achievable fraction of HBM bandwidth when streaming GEMM weights. */
    memoryEfficiency: frac("memoryEfficiency"),
    /** CTA tile shapes the GEMM library may pick from (the model picks the fastest). */
    gemmTileShapes: z.array(GemmTileShape).min(1, "gemmTileShapes must list at least one tile").default(() => DEFAULT_GEMM_TILE_SHAPES.map((t) => ({ ...t }))),
    /** K depth of one main-loop iteration of a GEMM tile (CUTLASS 16-bit sm80/sm90 tiles: 64 = 128 B of bf16). */
    gemmTileK: posInt("gemmTileK").default(64),
    /** Whether the library has stream-K (persistent, K-split) GEMM kernels besides data-parallel ones. */
    gemmStreamK: z.boolean({ error: "gemmStreamK must be true or false" }).default(true),
    /** HBM bandwidth one SM can draw on its own (outstanding-request bound); limits GEMMs with few CTAs. */
    smBandwidthBytesPerSec: pos("smBandwidthBytesPerSec"),
    /** L2 -> SM operand bandwidth of the whole chip (feeds the GEMM tiles). */
    l2BandwidthBytesPerSec: pos("l2BandwidthBytesPerSec"),
    /** Exponent of the smooth roofline; >= 1, large values approach max(compute, memory). */
    rooflineSharpness: z.number().min(1, "rooflineSharpness must be >= 1"),
    /** Fixed time per eagerly launched kernel (host dispatch + launch + ramp), as seen by CUDA events. */
    kernelLaunchOverheadSec: nonNeg("kernelLaunchOverheadSec"),
    /** Fixed time per kernel inside a CUDA graph (no host dispatch). */
    graphKernelOverheadSec: nonNeg("graphKernelOverheadSec"),
    /** Fixed time of the fused attention inside a CUDA graph (its split-KV pass + combine launches). */
    attentionGraphOverheadSec: nonNeg("attentionGraphOverheadSec"),
    /** Fused (flash) attention: achievable fractions and its own eager overhead (SDPA backend dispatch + launches). */
    attentionComputeEfficiency: frac("attentionComputeEfficiency"),
    attentionMemoryEfficiency: frac("attentionMemoryEfficiency"),
    attentionLaunchOverheadSec: nonNeg("attentionLaunchOverheadSec"),
    /** GPU-side minimum duration of the fused attention (split-KV pass + combine); overlaps with its work. */
    attentionMinSec: nonNeg("attentionMinSec"),
    /**
     * Achievable fraction of peak tensor throughput in prefill (causal flash) attention, where the query block
     * is full (T = prompt length), unlike decode attention's attentionComputeEfficiency.
     */
    prefillAttentionComputeEfficiency: frac("prefillAttentionComputeEfficiency"),
    energyPerFlopJoules: nonNeg("energyPerFlopJoules"),
    hbmEnergyPerByteJoules: nonNeg("hbmEnergyPerByteJoules"),
    staticPowerWatts: nonNeg("staticPowerWatts"),
    /** Board power limit; only checked against static power. */
    tdpWatts: pos("tdpWatts"),
  })
  // GPU-GPU bandwidth, latency and energy live in the system's links.gpuGpu (src/hardware/links), not here.
  .strict()
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
