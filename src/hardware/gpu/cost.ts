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
 * Tensor parallelism: the N dimension (output columns) is split evenly over numGpus, each GPU runs its
 * slice in parallel. Time is one slice's; energy, flops and bytes are totals over all GPUs. The
 * all-reduce/all-gather that follows is not included (use gpuAllReduceCost).
 */
export function gpuTensorParallelGemmCost(
  gpu: GpuSpec,
  g: { m: number; k: number; n: number; dtypeBytes: number },
  numGpus: number,
  launch: GpuLaunchMode = "graph",
): GpuKernelCost {
  const parts = numGpus >= 1 ? Math.floor(numGpus) : 1;
  const c = gemm(gpu, g.m, g.k, Math.ceil(g.n / parts), g.dtypeBytes, kernelOverhead(gpu, launch));
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

/**
 * All-reduce of `bytes` over numGpus GPUs on NVLink. Bandwidth term of a ring (each GPU sends
 * 2(N−1)/N · bytes); latency term (N−1) · allReduceStepLatencySec, the form AttAcc's simulator fits to
 * measured A100 all-reduce latencies (src/devices.py get_nvlink_time: 6.06 µs per step, N−1 steps).
 * time = 2(N−1)/N · bytes / nvlinkBandwidth + (N−1) · allReduceStepLatencySec; energy counts every byte
 * every GPU sends (2(N−1)·bytes in all) at nvlinkEnergyPerByteJoules. Zero for one GPU or no data.
 */
export function gpuAllReduceCost(gpu: GpuSpec, a: { bytes: number; numGpus: number }): KernelCost {
  const N = a.numGpus;
  if (N <= 1 || a.bytes <= 0) return { timeSec: 0, energyJoules: 0 };
  const steps = 2 * (N - 1);
  return {
    timeSec: ((steps / N) * a.bytes) / gpu.nvlinkBandwidthBytesPerSec + (N - 1) * gpu.allReduceStepLatencySec,
    energyJoules: steps * a.bytes * gpu.nvlinkEnergyPerByteJoules,
  };
}

/** Static (leakage + idle) energy of one GPU over timeSec. */
export function gpuStaticEnergyJoules(gpu: GpuSpec, timeSec: number): number {
  return gpu.staticPowerWatts * timeSec;
}
