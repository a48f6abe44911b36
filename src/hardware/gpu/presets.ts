import { defineBlock, resolveBlock } from "../../core/blocks.ts";
import { GiB } from "../../core/units.ts";
import { GpuSpec } from "./schema.ts";
import { lazyRecord } from "../../core/lazy-record.ts";

/**
 * GPU presets. Sources:
 *  [A100-WP]  NVIDIA A100 Tensor Core GPU Architecture whitepaper (2020), Table 1 / Table 3 (108 SMs,
 *             312 TFLOPS dense FP16 tensor, 156 TFLOPS TF32, 600 GB/s NVLink total).
 *  [A100-DS]  NVIDIA A100 datasheet (80GB SXM: 2,039 GB/s HBM2e, 400 W TDP).
 *  [H100-DS]  NVIDIA H100 Tensor Core GPU datasheet, SXM column (FP16 tensor 1,979 TFLOPS with sparsity,
 *             dense = half; TF32 989 sparse; 3.35 TB/s; 80 GB; NVLink 900 GB/s; up to 700 W).
 *  [H100-WP]  NVIDIA H100 Tensor Core GPU Architecture whitepaper: H100 SXM5 has 132 SMs.
 *  [H200-PB]  NVIDIA H200 Tensor Core GPU product brief / datasheet, SXM column (141 GB HBM3e, 4.8 TB/s,
 *             FP16 tensor 1,979 TFLOPS with sparsity, NVLink 900 GB/s, up to 700 W).
 *  [ATTACC]   AttAcc (ASPLOS'24) public simulator (scale-snu/attacc_simulator src/config.py), as digested in
 *             PAPI.md §7: "A100a" = A100 with 5 HBM3 stacks (3,352 GB/s), MEM_CAPACITY_PER_DEVICE
 *             80 x 1024^3 B, caps 0.8 compute / 0.85 bandwidth, 0.32 pJ per FP16 MAC, GPU HBM access
 *             28.7 pJ/B (FGDRAM, MICRO'17). Its NVLink figures live in the links (src/hardware/links/presets.ts).
 *  [SMI]      nvidia-smi on an A100-SXM4-80GB reports 81920 MiB: NVIDIA's memory "GB" are GiB (5 stacks x
 *             16 GiB), so an "80 GB" GPU holds exactly five 16-GiB stacks.
 *  [FA2]      T. Dao, FlashAttention-2 (arXiv 2307.08691), abstract: forward pass "reaching 50-73% of the
 *             theoretical maximum FLOPs/s on A100".
 *  [H200-MEAS] data/measurements/h200 (meta.json and the fc/attn/layer CSVs), fitted by
 *             src/systems/fit-gpu.ts (npm run calibrate:h200); see docs/gpu-validation.md.
 *  [VIDUR]    Vidur's per-operation profiles (microsoft/vidur data/profiling/compute/{a100,h100}/, MIT; shipped in
 *             data/measurements/vidur-profiles): GPU kernel durations of a Llama-70B layer's operations, 1-32,768
 *             tokens, TP 1-8, fitted by src/systems/fit-vidur.ts (`papi validate gpu --vidur --refit`); see
 *             docs/gpu-validation.md, "A100 and H100 (Vidur's profiles)".
 *  [NEUPIMS]  Heo et al., "NeuPIMs: NPU-PIM Heterogeneous Acceleration for Batched LLM Inferencing", ASPLOS 2024, and
 *             its artifact casys-kaist/NeuPIMs: configs/systolic_ws_128x128_dev.json (systolic_array_count 8,
 *             core_width = core_height = 128, core_freq 1000 MHz, precision 2 B), configs/memory_configs/
 *             neupims.json (dram_channels 32, dram_freq 1000 MHz, HBM_size 32 GB) and extern/NewtonSim/configs/
 *             HBM2_8Gb_x128_dualpim.ini (HBM2, tCK 1 ns, bus_width 128 bits per channel, channel_size 1024 MB).
 *  [TPUV4]    Google Cloud TPU v4 documentation, as summarized at glennklockwood.com/garden/tpuv4: 8 MXUs of
 *             128 x 128, 275 TFLOPS BF16, 32 GB HBM2 at 1.2 TB/s, 192 W maximum: the chip class [NEUPIMS]'s NPU models.
 */

// [ATTACC]: FGDRAM per-bit energies summed over the GPU access path (0.11+0.44+1.01+1.23+0.5+0.3 pJ/bit
// ≈ 3.59 pJ/bit ≈ 28.7 pJ/B).
const HBM_ENERGY_PER_BYTE_J = 28.7e-12;
// [ATTACC]: 0.32 pJ per FP16 MAC = 2 FLOPs.
const ATTACC_ENERGY_PER_FLOP_J = 0.16e-12;
// ASSUMPTION: static (idle, context-resident) power = 15 % of TDP, a common rule of thumb consistent with
// third-party nvidia-smi idle readings of ~60-100 W for 400-700 W parts. Override staticPowerWatts.
const STATIC_FRACTION_OF_TDP = 0.15;
/**
 * ASSUMPTION for Hopper (no published per-FLOP energy): the part of TDP left after static power and HBM at
 * full bandwidth, spread over the dense FP16 peak. An upper bound (it includes on-chip data movement).
 */
function tdpDerivedEnergyPerFlop(tdpWatts: number, peakFlops: number, hbmBytesPerSec: number): number {
  return (tdpWatts * (1 - STATIC_FRACTION_OF_TDP) - hbmBytesPerSec * HBM_ENERGY_PER_BYTE_J) / peakFlops;
}

/**
 * [H200-MEAS] Efficiency and overhead values fitted on all rows of the H200 measurements by
 * src/systems/fit-gpu.ts (pattern search over fixed grids from a fixed start; objective: per-file mean
 * squared log error, summed; see docs/gpu-validation.md). test/systems/fit-gpu.test.ts checks that the fit
 * still lands on these values. Hopper presets share them; the GEMM tile set is the schema default
 * (DEFAULT_GEMM_TILE_SHAPES), gemmTileK 64.
 */
const HOPPER_FIT = {
  computeEfficiency: 0.81, // fitted: MMA efficiency inside a tile; the modeled 8192^3 GEMM reaches 720 TFLOPS (meta.json: 750)
  memoryEfficiency: 0.88, // fitted; meta.json: copy 4,149 GB/s (read + write) = 0.86 of 4.8 TB/s
  smBandwidthBytesPerSec: 65e9, // fitted (grid 20..200 GB/s): HBM bandwidth one SM draws alone
  l2BandwidthBytesPerSec: 11e12, // fitted (grid 4..32 TB/s); no NVIDIA figure for Hopper (A100-WP: 5,120 B/clk)
  gemmStreamK: true, // fitted (data-parallel-only fits worse); cuBLAS 12 / CUTLASS 3 ship stream-K kernels
  rooflineSharpness: 4, // fitted
  kernelLaunchOverheadSec: 23e-6, // fitted on fc.csv: PyTorch eager dispatch + launch, as seen by CUDA events
  graphKernelOverheadSec: 4e-6, // fitted on layer.csv (CUDA graph)
  attentionGraphOverheadSec: 8e-6, // ASSUMPTION: 2 x graphKernelOverheadSec (split-KV pass + combine kernel)
  attentionComputeEfficiency: 0.06, // fitted; decode attention fills <= T of the 64 MMA rows (T <= 8)
  attentionMemoryEfficiency: 0.89, // fitted (read-only KV streaming)
  attentionLaunchOverheadSec: 37e-6, // fitted on attn.csv: SDPA backend dispatch + launches in eager mode
  attentionMinSec: 0, // fitted (grid 0..50 us): no GPU-side floor beyond the launch overheads
} as const;

// ASSUMPTION: [FA2]'s low end (50 %) for prefill attention (all presets but the AttAcc replica): prompts are short (Dolly: ~100-200
// tokens) and causal, which keeps flash attention at the low end of its measured range. The H200 measurements
// have no prefill rows to fit it on. Override prefillAttentionComputeEfficiency.
const PREFILL_ATTENTION_COMPUTE_EFFICIENCY = 0.5;

// [A100-WP] "L2 cache read bandwidth 5120 Bytes/clk" x 1.41 GHz boost clock (Table 1)
const A100_L2_BW = 5120 * 1.41e9;
const h200Peak = 989.5e12; // [H200-PB] 1,979 TFLOPS FP16 with sparsity / 2
const h200Bw = 4.8e12; // [H200-PB]
const h100Bw = 3.35e12; // [H100-DS]

/**
 * [VIDUR] Fitted on every A100 row (Llama-2-70B and Llama-3-70B, 2,868 rows): the GEMM and elementwise knobs that
 * price kernels in a CUDA graph. The profiles hold GPU kernel durations without host dispatch, so they fit
 * graphKernelOverheadSec (a GEMM's fixed GPU time; the residual add's is 1-2 us, so elementwise kernels are
 * over-charged by ~7 us each) and say nothing about eager dispatch (kernelLaunchOverheadSec) or attention (not
 * profiled here): those stay ASSUMPTIONs from the H200 fit. L2 bandwidth is A100-WP's figure (not fitted).
 * test/systems/validate-vidur-fit.test.ts checks that no single grid step of a fitted value lowers the objective.
 */
const A100_VIDUR_FIT = {
  computeEfficiency: 0.75, // fitted (grid 0.50-0.95): MMA efficiency inside a tile; GEMMs of >= 2,048 tokens measure 0.66-0.77 of peak (10th-90th percentile)
  memoryEfficiency: 0.87, // fitted (0.60-0.95): 1.77 TB/s; a one-token 8192 x 57,344 up-projection streams 1.62 TB/s incl. its fixed time
  smBandwidthBytesPerSec: 60e9, // fitted (10-200 GB/s): one SM alone
  gemmStreamK: true, // fitted (true / false)
  rooflineSharpness: 2.5, // fitted (1.5-32)
  graphKernelOverheadSec: 9e-6, // fitted (0-12 us): a GEMM's fixed GPU-side time (one-token TP-8 GEMMs of 2-21 MB take 15-19 us)
} as const;

/**
 * [VIDUR] Fitted on the H100 rows (Llama-2-70B only, 1,044 rows); computeEfficiency is not identifiable from them
 * (the L2 feed and the sharpness trade against it: objective within 0.1 % from 0.81 to 0.95), so it keeps the H200
 * fit (same Hopper SM). Same scope as A100_VIDUR_FIT otherwise.
 */
const H100_VIDUR_FIT = {
  computeEfficiency: HOPPER_FIT.computeEfficiency, // [H200-MEAS], see above
  memoryEfficiency: 0.95, // fitted (0.60-0.95: at the grid's upper bound): 3.18 TB/s
  smBandwidthBytesPerSec: 70e9, // fitted (10-200 GB/s)
  l2BandwidthBytesPerSec: 9e12, // fitted (2-32 TB/s); no NVIDIA figure for Hopper
  gemmStreamK: true, // fitted
  rooflineSharpness: 5, // fitted
  graphKernelOverheadSec: 8e-6, // fitted (0-12 us): a GEMM's fixed GPU-side time
} as const;

/**
 * [NEUPIMS] The NPU of a NeuPIMs device, as a GPU block (the GPU cost model's tiled GEMM fits a weight-stationary
 * systolic array: a CTA tile is one 128 x 128 array pass, an SM is one array). Its memory is the 32 channels of HBM2
 * the artifact gives it; inside a neupims unit (src/units/neupims.ts) it streams from its PIM stacks instead.
 */
const NPU_CLOCK_HZ = 1e9; // [NEUPIMS] core_freq 1000 (MHz)
const NPU_ARRAYS = 8; // [NEUPIMS] systolic_array_count 8
const NPU_ARRAY_EDGE = 128; // [NEUPIMS] core_width = core_height = 128
const npuPeak = NPU_ARRAYS * NPU_ARRAY_EDGE * NPU_ARRAY_EDGE * 2 * NPU_CLOCK_HZ; // 262.1 TFLOPS FP16 (TPUv4: 275 at 1.05 GHz)
const npuBw = 32 * (128 / 8) * 2e9; // [NEUPIMS] 32 channels x 128 bits x 2 Gb/s (DDR at tCK 1 ns) = 1,024 GB/s
// ASSUMPTION: fill + drain of one 128 x 128 array (2 x 128 clocks) per kernel: an NPU runs a compiled program, with
// no host launch per kernel, so a kernel's fixed time is its pipeline's ramp.
const NPU_KERNEL_OVERHEAD_SEC = (2 * NPU_ARRAY_EDGE) / NPU_CLOCK_HZ;

const raw: Record<string, Record<string, unknown>> = {
  "a100-80gb": {
    peakFp16FlopsPerSec: 312e12, // [A100-WP] Table 1
    fp32ThroughputRatio: 0.5, // [A100-WP] TF32 156 / FP16 312
    hbmBandwidthBytesPerSec: 2.039e12, // [A100-DS] 80GB SXM
    memoryCapacityBytes: 80 * GiB, // [A100-DS] 80 GB, [SMI] 81920 MiB
    numSms: 108, // [A100-WP]
    ...A100_VIDUR_FIT, // [VIDUR] computeEfficiency, memoryEfficiency, smBandwidthBytesPerSec, gemmStreamK, rooflineSharpness, graphKernelOverheadSec
    // gemmTileShapes: schema default (CUTLASS sm80 tiles of the same sizes)
    l2BandwidthBytesPerSec: A100_L2_BW, // [A100-WP]
    kernelLaunchOverheadSec: HOPPER_FIT.kernelLaunchOverheadSec, // ASSUMPTION: as measured on H200 (host-bound; [VIDUR] has no host dispatch)
    attentionGraphOverheadSec: HOPPER_FIT.attentionGraphOverheadSec, // ASSUMPTION: as on H200
    // ASSUMPTION: the H200 fit. Decode attention pads its T <= 8 query rows to the kernel's query block
    // (FlashAttention-2 on sm80 also uses >= 64-row blocks), so the waste is the same on Ampere.
    attentionComputeEfficiency: HOPPER_FIT.attentionComputeEfficiency,
    attentionMemoryEfficiency: 0.85, // [ATTACC] cap
    attentionLaunchOverheadSec: HOPPER_FIT.attentionLaunchOverheadSec, // ASSUMPTION: as measured on H200
    attentionMinSec: HOPPER_FIT.attentionMinSec, // ASSUMPTION: as fitted on H200
    prefillAttentionComputeEfficiency: PREFILL_ATTENTION_COMPUTE_EFFICIENCY,
    energyPerFlopJoules: ATTACC_ENERGY_PER_FLOP_J,
    hbmEnergyPerByteJoules: HBM_ENERGY_PER_BYTE_J,
    staticPowerWatts: 400 * STATIC_FRACTION_OF_TDP,
    tdpWatts: 400, // [A100-DS]
  },
  "a100-hbm3": {
    // [ATTACC] "A100a": the PAPI/AttAcc baseline GPU, an A100 fed by 5 HBM3 stacks
    peakFp16FlopsPerSec: 312e12,
    fp32ThroughputRatio: 0.5, // [A100-WP]
    hbmBandwidthBytesPerSec: 3.352e12, // [ATTACC] 5 x 670.4 GB/s
    memoryCapacityBytes: 80 * GiB, // [ATTACC] 80 x 1024^3 = 5 stacks x 16 GiB
    numSms: 108,
    computeEfficiency: 0.8, // [ATTACC]
    memoryEfficiency: 0.85, // [ATTACC]
    // gemmTileShapes: schema default (AttAcc prices GEMMs untiled; tiles are our addition)
    smBandwidthBytesPerSec: HOPPER_FIT.smBandwidthBytesPerSec, // ASSUMPTION: as fitted on H200
    l2BandwidthBytesPerSec: A100_L2_BW, // [A100-WP]
    rooflineSharpness: 1000, // [ATTACC] uses a hard max(compute, memory)
    kernelLaunchOverheadSec: HOPPER_FIT.kernelLaunchOverheadSec, // ASSUMPTION: as measured on H200
    graphKernelOverheadSec: HOPPER_FIT.graphKernelOverheadSec, // ASSUMPTION: as fitted on H200
    attentionGraphOverheadSec: HOPPER_FIT.attentionGraphOverheadSec, // ASSUMPTION: as on H200
    // [ATTACC] cap, kept because this preset reproduces AttAcc's GPU baseline; it is optimistic for decode
    // attention (the H200 measurements fit 0.08, used by the a100-80gb and Hopper presets).
    attentionComputeEfficiency: 0.8,
    attentionMemoryEfficiency: 0.85, // [ATTACC] cap
    attentionLaunchOverheadSec: HOPPER_FIT.attentionLaunchOverheadSec, // ASSUMPTION
    attentionMinSec: HOPPER_FIT.attentionMinSec, // ASSUMPTION: as fitted on H200
    prefillAttentionComputeEfficiency: 0.8, // [ATTACC] cap, as for every kernel of this AttAcc-baseline replica
    energyPerFlopJoules: ATTACC_ENERGY_PER_FLOP_J,
    hbmEnergyPerByteJoules: HBM_ENERGY_PER_BYTE_J,
    staticPowerWatts: 400 * STATIC_FRACTION_OF_TDP, // AttAcc models none: override with 0 to match it
    tdpWatts: 400, // [A100-DS]
  },
  "h100-sxm": {
    peakFp16FlopsPerSec: 989.5e12, // [H100-DS] 1,979 with sparsity / 2
    fp32ThroughputRatio: 0.5, // [H100-DS] TF32 989 / FP16 1,979 (both with sparsity)
    hbmBandwidthBytesPerSec: h100Bw,
    memoryCapacityBytes: 80 * GiB, // [H100-DS] 80 GB, in GiB as [SMI]
    numSms: 132, // [H100-WP]
    // ASSUMPTION: eager launch, attention and the rest as the measured H200 (same Hopper SM); the GEMM and
    // elementwise knobs [VIDUR] fitted on the H100's own profiles
    ...HOPPER_FIT,
    ...H100_VIDUR_FIT,
    prefillAttentionComputeEfficiency: PREFILL_ATTENTION_COMPUTE_EFFICIENCY,
    energyPerFlopJoules: tdpDerivedEnergyPerFlop(700, 989.5e12, h100Bw),
    hbmEnergyPerByteJoules: HBM_ENERGY_PER_BYTE_J,
    staticPowerWatts: 700 * STATIC_FRACTION_OF_TDP,
    tdpWatts: 700, // [H100-DS]
  },
  "h200-sxm": {
    peakFp16FlopsPerSec: h200Peak,
    fp32ThroughputRatio: 0.5, // [H200-PB] TF32 989 / FP16 1,979 (both with sparsity)
    hbmBandwidthBytesPerSec: h200Bw,
    memoryCapacityBytes: 141 * GiB, // [H200-PB] 141 GB, in GiB as [SMI] (ASSUMPTION: same convention)
    numSms: 132, // [H200-MEAS] meta.json sm_count
    ...HOPPER_FIT, // [H200-MEAS] fitted
    prefillAttentionComputeEfficiency: PREFILL_ATTENTION_COMPUTE_EFFICIENCY,
    energyPerFlopJoules: tdpDerivedEnergyPerFlop(700, h200Peak, h200Bw),
    hbmEnergyPerByteJoules: HBM_ENERGY_PER_BYTE_J,
    staticPowerWatts: 700 * STATIC_FRACTION_OF_TDP,
    tdpWatts: 700, // [H200-PB]
  },
  "neupims-npu": {
    peakFp16FlopsPerSec: npuPeak, // [NEUPIMS] 8 arrays x 128 x 128 MACs x 2 FLOPs x 1 GHz
    // ASSUMPTION: half rate for 4-byte dtypes, as the GPU presets ([NEUPIMS] runs FP16 only: precision 2)
    fp32ThroughputRatio: 0.5,
    hbmBandwidthBytesPerSec: npuBw,
    memoryCapacityBytes: 32 * GiB, // [NEUPIMS] 32 channels x channel_size 1024 MB
    numSms: NPU_ARRAYS, // [NEUPIMS] the arrays take tiles in parallel, as SMs take CTAs
    // [NEUPIMS] a weight-stationary array computes one 128-column output tile per pass (core_width 128); ASSUMPTION:
    // a pass takes up to 128 rows (core_height), and a partial pass costs a whole one (its fill and drain)
    gemmTileShapes: [{ m: NPU_ARRAY_EDGE, n: NPU_ARRAY_EDGE }],
    gemmStreamK: true, // ASSUMPTION: the compiler splits K over idle arrays when there are fewer tiles than arrays
    computeEfficiency: 0.8, // ASSUMPTION: [ATTACC]'s cap, as the a100-hbm3 baseline it is compared with
    memoryEfficiency: 0.85, // ASSUMPTION: [ATTACC]'s cap, as above
    // ASSUMPTION: one array's DMA can draw the whole memory (the artifact's interconnect joins every core to every
    // channel): no per-array bound below the chip's
    smBandwidthBytesPerSec: npuBw,
    // ASSUMPTION: the scratchpad feeds every array at full rate: 8 arrays x (128 + 128) operands x 2 B per clock
    l2BandwidthBytesPerSec: NPU_ARRAYS * 2 * NPU_ARRAY_EDGE * 2 * NPU_CLOCK_HZ,
    rooflineSharpness: 1000, // ASSUMPTION: double-buffered DMA overlaps loads with compute (hard max, as [ATTACC])
    kernelLaunchOverheadSec: NPU_KERNEL_OVERHEAD_SEC,
    graphKernelOverheadSec: NPU_KERNEL_OVERHEAD_SEC,
    attentionGraphOverheadSec: NPU_KERNEL_OVERHEAD_SEC,
    attentionLaunchOverheadSec: NPU_KERNEL_OVERHEAD_SEC,
    attentionMinSec: 0, // ASSUMPTION: no floor beyond the ramp
    // ASSUMPTION: decode attention is a GEMV per head: one query row fills 1 of the array's 128 rows ([NEUPIMS],
    // abstract: NPUs "are less efficient for GEMV computations"), the reason NeuPIMs moves it into PIM
    attentionComputeEfficiency: 1 / NPU_ARRAY_EDGE,
    attentionMemoryEfficiency: 0.85, // ASSUMPTION: as memoryEfficiency
    prefillAttentionComputeEfficiency: 0.8, // ASSUMPTION: a prompt's query block fills the array like a GEMM
    energyPerFlopJoules: ATTACC_ENERGY_PER_FLOP_J, // ASSUMPTION: [ATTACC]'s 0.32 pJ per FP16 MAC ([NEUPIMS] gives no energy)
    hbmEnergyPerByteJoules: HBM_ENERGY_PER_BYTE_J, // ASSUMPTION: [ATTACC]'s HBM access path, as the GPUs'
    staticPowerWatts: 192 * STATIC_FRACTION_OF_TDP,
    tdpWatts: 192, // ASSUMPTION: [TPUV4]'s 192 W maximum ([NEUPIMS] gives no power)
  },
};

export const GPU_PRESETS: Readonly<Record<string, GpuSpec>> = lazyRecord(raw, (g, name) => Object.freeze(GpuSpec.parse({ name, ...g })));

/** A GPU block of a config: a preset name, `{ preset, ...overrides }`, or a full description. */
export const GpuBlock = defineBlock<GpuSpec>("GPU", GpuSpec, () => GPU_PRESETS);

/** A GPU by preset name or block value (overriding `base` when given); one-line UserError on bad input. */
export function resolveGpu(value: unknown, base?: unknown, path = "gpu"): GpuSpec {
  return resolveBlock(GpuBlock, value, base, path);
}

/** One line per preset: what it is and where its numbers come from (the per-field comments above give detail). */
export const GPU_PRESET_SOURCES: Readonly<Record<string, string>> = {
  "a100-80gb": "NVIDIA A100 80GB SXM (HBM2e): A100 whitepaper + datasheet; GEMM/elementwise efficiencies fitted on Vidur's A100 profiles",
  "a100-hbm3": "AttAcc's A100a: A100 with 5 HBM3 stacks (3,352 GB/s), the PAPI baseline [AttAcc simulator]",
  "h100-sxm": "NVIDIA H100 SXM5: H100 datasheet + whitepaper; GEMM/elementwise efficiencies fitted on Vidur's H100 profiles, the rest from the H200 fit",
  "h200-sxm": "NVIDIA H200 SXM: H200 product brief; efficiencies fitted on the shipped H200 measurements",
  "neupims-npu": "the NPU of NeuPIMs (ASPLOS 2024): 8 x 128x128 systolic arrays at 1 GHz, 32 GB HBM2 at 1,024 GB/s [NeuPIMs artifact configs]; efficiencies and energy ASSUMPTIONs",
};
