import type { KernelCost } from "../cost-types.ts";
import type { GpuSpec } from "./schema.ts";
import { type GemmPlan, planGemm, smoothMax } from "./gemm-tiling.ts";

/**
 * GPU kernel costs: pure functions of (spec, shape), O(1), one allocation (the returned record).
 *
 * GEMM   time = overhead + the best tile/split-K plan of gemm-tiling.ts (waves of CTA tiles, smooth max of
 *        quantized compute and memory), so time >= max(computeSec, memorySec) >= the ideal roofline.
 * energy = flops · energyPerFlopJoules + bytes · hbmEnergyPerByteJoules (dynamic only; static power is
 *          charged over wall time by gpuStaticEnergyJoules so overlapped kernels are not double counted).
 *
 * Launch mode (last, optional argument): "graph" (default; decode inside a CUDA graph as in vLLM and
 * TensorRT-LLM) charges graphKernelOverheadSec per kernel and attentionGraphOverheadSec per attention;
 * "eager" (PyTorch eager, as the fc.csv/attn.csv measurements) charges kernelLaunchOverheadSec and
 * attentionLaunchOverheadSec.
 */
export type GpuKernelCost = KernelCost & {
  computeSec: number;
  memorySec: number;
  flops: number;
  bytes: number;
  /** GEMMs only: the chosen CTA tile and whether the stream-K schedule won. */
  tileM?: number;
  tileN?: number;
  streamK?: boolean;
};

export type GpuLaunchMode = "eager" | "graph";

const kernelOverhead = (gpu: GpuSpec, launch: GpuLaunchMode): number =>
  launch === "eager" ? gpu.kernelLaunchOverheadSec : gpu.graphKernelOverheadSec;

function flopsPerSec(gpu: GpuSpec, dtypeBytes: number, efficiency: number): number {
  return gpu.peakFp16FlopsPerSec * efficiency * (dtypeBytes >= 4 ? gpu.fp32ThroughputRatio : 1);
}

function gemm(gpu: GpuSpec, m: number, k: number, n: number, dtypeBytes: number, overheadSec: number): GpuKernelCost {
  if (!(m > 0 && k > 0 && n > 0)) return { timeSec: 0, energyJoules: 0, computeSec: 0, memorySec: 0, flops: 0, bytes: 0 };
  const flops = 2 * m * k * n;
  const bytes = (m * k + k * n + m * n) * dtypeBytes;
  const out: GpuKernelCost & GemmPlan = {
    timeSec: 0,
    energyJoules: flops * gpu.energyPerFlopJoules + bytes * gpu.hbmEnergyPerByteJoules,
    computeSec: 0,
    memorySec: 0,
    flops,
    bytes,
    tileM: 0,
    tileN: 0,
    // Stryker disable next-line BooleanLiteral: equivalent, planGemm always overwrites out.streamK before gemm returns
    streamK: false,
  };
  planGemm(gpu, m, k, n, dtypeBytes, out);
  out.timeSec += overheadSec;
  return out;
}

/** One GEMM X[m,k] @ W[k,n]; bytes = weights + inputs + outputs. m = 0 (no tokens) costs nothing. */
export function gpuGemmCost(
  gpu: GpuSpec,
  g: { m: number; k: number; n: number; dtypeBytes: number },
  launch: GpuLaunchMode = "graph",
): GpuKernelCost {
  return gemm(gpu, g.m, g.k, g.n, g.dtypeBytes, kernelOverhead(gpu, launch));
}

/**
 * Tensor parallelism over numGpus GPUs: `split` "n" gives each GPU ceil(n / N) output columns (column-parallel),
 * "k" gives it ceil(k / N) input rows (row-parallel: every GPU produces a partial sum of the whole output),
 * "none" runs the whole GEMM on every GPU (replicated). The GPUs run in parallel: time is one GPU's; energy,
 * flops and bytes are totals over all GPUs. The collective that follows is not included
 * (src/hardware/links/collective.ts prices it on the GPU-GPU link).
 */
export function gpuTensorParallelGemmCost(
  gpu: GpuSpec,
  g: { m: number; k: number; n: number; dtypeBytes: number },
  numGpus: number,
  launch: GpuLaunchMode = "graph",
  split: "n" | "k" | "none" = "n",
): GpuKernelCost {
  // floor(numGpus) GPUs, at least one (NaN too); on [1, 2) the floor is 1 already, hence the threshold 2
  const parts = numGpus >= 2 ? Math.floor(numGpus) : 1;
  const k = split === "k" ? Math.ceil(g.k / parts) : g.k;
  const n = split === "n" ? Math.ceil(g.n / parts) : g.n;
  const c = gemm(gpu, g.m, k, n, g.dtypeBytes, kernelOverhead(gpu, launch));
  c.energyJoules *= parts;
  c.flops *= parts;
  c.bytes *= parts;
  return c;
}

/**
 * Fused (flash) attention of numRequests requests, each with tlp query tokens, over totalContextTokens KV
 * entries in all (sum of the requests' KV lengths). FLOPs: score and context 2·H·T·L·d each, softmax
 * 5·H·T·L. Bytes: K and V caches (numKvHeads·L·d each) plus Q and the output. The work is smooth-maxed
 * with attentionMinSec (a GPU-side floor that overlaps with it), then the launch overhead is added
 * (attentionLaunchOverheadSec eager, attentionGraphOverheadSec in a CUDA graph).
 */
export function gpuAttentionCost(
  gpu: GpuSpec,
  a: { numRequests: number; numHeads: number; numKvHeads: number; headDim: number; tlp: number; totalContextTokens: number; dtypeBytes: number },
  launch: GpuLaunchMode = "graph",
): GpuKernelCost {
  if (a.numRequests <= 0 || a.totalContextTokens <= 0) {
    return { timeSec: 0, energyJoules: 0, computeSec: 0, memorySec: 0, flops: 0, bytes: 0 };
  }
  const qTimesL = a.numHeads * a.tlp * a.totalContextTokens;
  const flops = (4 * a.headDim + 5) * qTimesL;
  const bytes = (2 * a.numKvHeads * a.totalContextTokens * a.headDim + 2 * a.numRequests * a.numHeads * a.tlp * a.headDim) * a.dtypeBytes;
  const computeSec = flops / flopsPerSec(gpu, a.dtypeBytes, gpu.attentionComputeEfficiency);
  const memorySec = bytes / (gpu.hbmBandwidthBytesPerSec * gpu.attentionMemoryEfficiency);
  return {
    timeSec:
      (launch === "eager" ? gpu.attentionLaunchOverheadSec : gpu.attentionGraphOverheadSec) +
      smoothMax(smoothMax(computeSec, memorySec, gpu.rooflineSharpness), gpu.attentionMinSec, gpu.rooflineSharpness),
    energyJoules: flops * gpu.energyPerFlopJoules + bytes * gpu.hbmEnergyPerByteJoules,
    computeSec,
    memorySec,
    flops,
    bytes,
  };
}

/**
 * Causal (flash) attention over one prompt chunk of `numPromptTokens` tokens, as in prefill: query i attends to the
 * `numCachedTokens` keys cached before the chunk (0 for a whole prompt; earlier chunks under chunked prefill) and
 * causally to keys 1..i of the chunk, so L C + L(L+1)/2 query-key pairs per head; FLOPs (4·d + 5) per pair and head
 * (score, context, softmax, as gpuAttentionCost). Bytes: Q, K, V of the chunk read and its output written once,
 * plus the cached K and V read (the tiles stay on chip). Unlike decode attention the query block is full, so the
 * compute side runs at prefillAttentionComputeEfficiency.
 */
export function gpuPrefillAttentionCost(
  gpu: GpuSpec,
  a: { numHeads: number; numKvHeads: number; headDim: number; numPromptTokens: number; numCachedTokens?: number; dtypeBytes: number },
  launch: GpuLaunchMode = "graph",
): GpuKernelCost {
  const L = a.numPromptTokens;
  const C = a.numCachedTokens ?? 0;
  if (!(L > 0) || !(a.numHeads > 0)) return { timeSec: 0, energyJoules: 0, computeSec: 0, memorySec: 0, flops: 0, bytes: 0 };
  const flops = (4 * a.headDim + 5) * a.numHeads * (L * C + (L * (L + 1)) / 2);
  const bytes = (2 * (a.numHeads + a.numKvHeads) * L + 2 * a.numKvHeads * C) * a.headDim * a.dtypeBytes;
  const computeSec = flops / flopsPerSec(gpu, a.dtypeBytes, gpu.prefillAttentionComputeEfficiency);
  const memorySec = bytes / (gpu.hbmBandwidthBytesPerSec * gpu.attentionMemoryEfficiency);
  return {
    timeSec: (launch === "eager" ? gpu.attentionLaunchOverheadSec : gpu.attentionGraphOverheadSec) + smoothMax(computeSec, memorySec, gpu.rooflineSharpness),
    energyJoules: flops * gpu.energyPerFlopJoules + bytes * gpu.hbmEnergyPerByteJoules,
    computeSec,
    memorySec,
    flops,
    bytes,
  };
}

/** A memory-bound elementwise kernel (norm, activation, residual, KV write) moving `bytes` in total. */
export function gpuElementwiseCost(gpu: GpuSpec, bytes: number, launch: GpuLaunchMode = "graph"): GpuKernelCost {
  if (bytes <= 0) return { timeSec: 0, energyJoules: 0, computeSec: 0, memorySec: 0, flops: 0, bytes: 0 };
  const memorySec = bytes / (gpu.hbmBandwidthBytesPerSec * gpu.memoryEfficiency);
  return {
    timeSec: kernelOverhead(gpu, launch) + memorySec,
    energyJoules: bytes * gpu.hbmEnergyPerByteJoules,
    computeSec: 0,
    memorySec,
    flops: 0,
    bytes,
  };
}

/** Static (leakage + idle) energy of one GPU over timeSec. */
export function gpuStaticEnergyJoules(gpu: GpuSpec, timeSec: number): number {
  return gpu.staticPowerWatts * timeSec;
}
