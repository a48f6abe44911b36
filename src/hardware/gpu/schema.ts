import { z } from "zod";
import { count, quantity, RANGES } from "../../core/quantity.ts";

/** Fields a GPU description may give; ranges: src/core/quantity.ts RANGES (ASSUMPTION there). */
const bw = (what: string) => quantity(what, "B/s", RANGES.bandwidthBytesPerSec);
const frac = (what: string) => quantity(what, "fraction of peak", RANGES.fraction);
const sec = (what: string) => quantity(what, "s", RANGES.latencySec);
/** ASSUMPTION: a CTA tile edge or K depth beyond 4,096 is no GEMM library's (CUTLASS tiles are <= 256). */
const tileEdge = (what: string) => count(what, 1, 4096);

/** One CTA output tile of a GEMM kernel (rows of X x columns of W). */
export const GemmTileShape = z.object({ m: tileEdge("rows of X per CTA tile"), n: tileEdge("columns of W per CTA tile") }).strict();
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
    name: z.string().min(1).describe("GPU name"),
    /** Dense FP16/BF16 tensor-core peak. */
    peakFp16FlopsPerSec: quantity("dense FP16/BF16 tensor-core peak", "FLOP/s", RANGES.flopsPerSec),
    /** Throughput of 4-byte dtypes (TF32 tensor cores) relative to FP16. */
    fp32ThroughputRatio: quantity("throughput of 4-byte dtypes (TF32 tensor cores) relative to FP16", "ratio", RANGES.fraction),
    hbmBandwidthBytesPerSec: bw("peak bandwidth of the GPU's own HBM"),
    /** Device memory of one GPU; bounds weights + KV cache where the KV cache lives in GPU memory (gpu-only). */
    memoryCapacityBytes: quantity("device memory of one GPU", "bytes", RANGES.capacityBytes),
    // ASSUMPTION: <= 10,000 SMs (an H100 has 132)
    numSms: count("streaming multiprocessors", 1, 10_000),
    /** Achievable fraction of peak tensor throughput in large GEMMs. */
    computeEfficiency: frac("achievable fraction of peak tensor throughput in large GEMMs"),
    /** Achievable fraction of HBM bandwidth when streaming GEMM weights. */
    memoryEfficiency: frac("achievable fraction of HBM bandwidth when streaming GEMM weights"),
    /** CTA tile shapes the GEMM library may pick from (the model picks the fastest). */
    gemmTileShapes: z.array(GemmTileShape).min(1, "gemmTileShapes must list at least one tile").max(64, "gemmTileShapes must list at most 64 tiles").describe("CTA tile shapes the GEMM library may pick from").default(() => DEFAULT_GEMM_TILE_SHAPES.map((t) => ({ ...t }))),
    /** K depth of one main-loop iteration of a GEMM tile (CUTLASS 16-bit sm80/sm90 tiles: 64 = 128 B of bf16). */
    gemmTileK: tileEdge("K depth of one main-loop iteration of a GEMM tile").default(64),
    /** Whether the library has stream-K (persistent, K-split) GEMM kernels besides data-parallel ones. */
    gemmStreamK: z.boolean({ error: "must be true or false" }).default(true).describe("the library has stream-K (K-split) GEMM kernels"),
    /** HBM bandwidth one SM can draw on its own (outstanding-request bound); limits GEMMs with few CTAs. */
    smBandwidthBytesPerSec: bw("HBM bandwidth one SM can draw on its own"),
    /** L2 -> SM operand bandwidth of the whole chip (feeds the GEMM tiles). */
    l2BandwidthBytesPerSec: bw("L2 -> SM operand bandwidth of the whole chip"),
    /** Exponent of the smooth roofline; >= 1, large values approach max(compute, memory). */
    // ASSUMPTION: <= 10,000; p = 1,000 already equals a hard max to 0.07 %
    rooflineSharpness: quantity("exponent p of the smooth roofline (c^p + m^p)^(1/p)", "", { min: 1, max: 1e4 }),
    /** Fixed time per eagerly launched kernel (host dispatch + launch + ramp), as seen by CUDA events. */
    kernelLaunchOverheadSec: sec("fixed time per eagerly launched kernel"),
    /** Fixed time per kernel inside a CUDA graph (no host dispatch). */
    graphKernelOverheadSec: sec("fixed time per kernel inside a CUDA graph"),
    /** Fixed time of the fused attention inside a CUDA graph (its split-KV pass + combine launches). */
    attentionGraphOverheadSec: sec("fixed time of the fused attention inside a CUDA graph"),
    /** Fused (flash) attention: achievable fractions and its own eager overhead (SDPA backend dispatch + launches). */
    attentionComputeEfficiency: frac("achievable fraction of peak tensor throughput in decode attention"),
    attentionMemoryEfficiency: frac("achievable fraction of HBM bandwidth in decode attention"),
    attentionLaunchOverheadSec: sec("eager overhead of the fused attention (dispatch + launches)"),
    /** GPU-side minimum duration of the fused attention (split-KV pass + combine); overlaps with its work. */
    attentionMinSec: sec("GPU-side minimum duration of the fused attention"),
    /**
     * Achievable fraction of peak tensor throughput in prefill (causal flash) attention, where the query block
     * is full (T = prompt length), unlike decode attention's attentionComputeEfficiency.
     */
    prefillAttentionComputeEfficiency: frac("achievable fraction of peak tensor throughput in prefill attention"),
    energyPerFlopJoules: quantity("dynamic energy per FLOP", "J", RANGES.energyPerOpJoules),
    hbmEnergyPerByteJoules: quantity("dynamic energy per byte of HBM traffic", "J/B", RANGES.energyPerByteJoules),
    staticPowerWatts: quantity("static power of one GPU, charged over wall time", "W", RANGES.powerWatts),
    // On-chip data movement, charged only under the assumption gpuOnChipEnergy (src/units/assumptions.ts).
    // [AttAcc] scale-snu/attacc_simulator src/config.py ENERGY_TABLE['GPU']: reg 0.0675, l1 0.16 x 8, l2 0.3 x 8
    // (pJ per byte; its register term is charged per operand access, 3 per MAC, in src/devices.py _get_traffic).
    registerEnergyPerAccessJoules: quantity("register-file energy per operand access (3 per MAC)", "J", RANGES.energyPerOpJoules).default(0.0675e-12),
    l1EnergyPerByteJoules: quantity("L1/shared-memory energy per byte moved to the registers", "J/B", RANGES.energyPerByteJoules).default(1.28e-12),
    l2EnergyPerByteJoules: quantity("L2 energy per byte moved to the SMs", "J/B", RANGES.energyPerByteJoules).default(2.4e-12),
    // [AttAcc] src/devices.py _get_traffic: register tiles of 16 x 16 (reg_tm, reg_tn) set the L1 traffic of a GEMM
    registerTileEdge: count("edge of the register tile that sets a GEMM's L1 traffic", 1, 4096).default(16),
    /** Board power limit; only checked against static power. */
    tdpWatts: quantity("board power limit (checked against static power)", "W", { ...RANGES.powerWatts, minExclusive: true }),
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
