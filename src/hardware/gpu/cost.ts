import type { KernelCost } from "../cost-types.ts";
import type { GpuSpec } from "./schema.ts";

/**
 * GPU kernel costs: pure functions of (spec, shape), O(1), one allocation (the returned record).
 *
 * time   = overhead + smoothMax(computeSec, memorySec), smoothMax(a, b) = (a^p + b^p)^(1/p),
 *          p = gpu.rooflineSharpness; so time >= max(computeSec, memorySec) >= the ideal roofline.
 * energy = flops · energyPerFlopJoules + bytes · hbmEnergyPerByteJoules (dynamic only; static power is
 *          charged over wall time by gpuStaticEnergyJoules so overlapped kernels are not double counted).
 */
export type GpuKernelCost = KernelCost & { computeSec: number; memorySec: number; flops: number; bytes: number };

function smoothMax(a: number, b: number, p: number): number {
  const hi = a > b ? a : b;
  if (hi <= 0) return 0;
  const lo = a > b ? b : a;
  return hi * Math.pow(1 + Math.pow(lo / hi, p), 1 / p);
}

function flopsPerSec(gpu: GpuSpec, dtypeBytes: number, efficiency: number): number {
  return gpu.peakFp16FlopsPerSec * efficiency * (dtypeBytes >= 4 ? gpu.fp32ThroughputRatio : 1);
}

function gemm(gpu: GpuSpec, m: number, k: number, n: number, dtypeBytes: number, overheadSec: number): GpuKernelCost {
  if (m <= 0 || k <= 0 || n <= 0) return { timeSec: 0, energyJoules: 0, computeSec: 0, memorySec: 0, flops: 0, bytes: 0 };
  const tile = gpu.gemmTileM;
  const mQuantized = Math.ceil(m / tile) * tile;
  const flops = 2 * m * k * n;
  const bytes = (m * k + k * n + m * n) * dtypeBytes;
  const computeSec = (2 * mQuantized * k * n) / flopsPerSec(gpu, dtypeBytes, gpu.computeEfficiency);
  const memorySec = bytes / (gpu.hbmBandwidthBytesPerSec * gpu.memoryEfficiency);
  return {
    timeSec: overheadSec + smoothMax(computeSec, memorySec, gpu.rooflineSharpness),
    energyJoules: flops * gpu.energyPerFlopJoules + bytes * gpu.hbmEnergyPerByteJoules,
    computeSec,
    memorySec,
    flops,
    bytes,
  };
}

/** One GEMM X[m,k] @ W[k,n]; bytes = weights + inputs + outputs. m = 0 (no tokens) costs nothing. */
export function gpuGemmCost(gpu: GpuSpec, g: { m: number; k: number; n: number; dtypeBytes: number }): GpuKernelCost {
  return gemm(gpu, g.m, g.k, g.n, g.dtypeBytes, gpu.kernelLaunchOverheadSec);
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
): GpuKernelCost {
  const parts = numGpus >= 1 ? Math.floor(numGpus) : 1;
  const c = gemm(gpu, g.m, g.k, Math.ceil(g.n / parts), g.dtypeBytes, gpu.kernelLaunchOverheadSec);
  c.energyJoules *= parts;
  c.flops *= parts;
  c.bytes *= parts;
  return c;
}

/**
 * Fused (flash) attention of numRequests requests, each with tlp query tokens, over totalContextTokens KV
 * entries in all (sum of the requests' KV lengths). FLOPs: score and context 2·H·T·L·d each, softmax
 * 5·H·T·L. Bytes: K and V caches (numKvHeads·L·d each) plus Q and the output. The work is smooth-maxed
 * with attentionMinSec (a GPU-side floor that overlaps with it), then the launch overhead is added.
 */
export function gpuAttentionCost(
  gpu: GpuSpec,
  a: { numRequests: number; numHeads: number; numKvHeads: number; headDim: number; tlp: number; totalContextTokens: number; dtypeBytes: number },
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
      gpu.attentionLaunchOverheadSec +
      smoothMax(smoothMax(computeSec, memorySec, gpu.rooflineSharpness), gpu.attentionMinSec, gpu.rooflineSharpness),
    energyJoules: flops * gpu.energyPerFlopJoules + bytes * gpu.hbmEnergyPerByteJoules,
    computeSec,
    memorySec,
    flops,
    bytes,
  };
}

/** A memory-bound elementwise kernel (norm, activation, residual, KV write) moving `bytes` in total. */
export function gpuElementwiseCost(gpu: GpuSpec, bytes: number): GpuKernelCost {
  if (bytes <= 0) return { timeSec: 0, energyJoules: 0, computeSec: 0, memorySec: 0, flops: 0, bytes: 0 };
  const memorySec = bytes / (gpu.hbmBandwidthBytesPerSec * gpu.memoryEfficiency);
  return {
    timeSec: gpu.kernelLaunchOverheadSec + memorySec,
    energyJoules: bytes * gpu.hbmEnergyPerByteJoules,
    computeSec: 0,
    memorySec,
    flops: 0,
    bytes,
  };
}

/**
 * Ring all-reduce of `bytes` over numGpus GPUs on NVLink: 2(N−1) steps, each moving bytes/N per GPU:
 * time = 2(N−1)/N · bytes / nvlinkBandwidth + 2(N−1) · allReduceStepLatencySec; energy counts every byte
 * every GPU sends (2(N−1)·bytes in all) at nvlinkEnergyPerByteJoules. Zero for one GPU or no data.
 */
export function gpuAllReduceCost(gpu: GpuSpec, a: { bytes: number; numGpus: number }): KernelCost {
  const N = a.numGpus;
  if (N <= 1 || a.bytes <= 0) return { timeSec: 0, energyJoules: 0 };
  const steps = 2 * (N - 1);
  return {
    timeSec: ((steps / N) * a.bytes) / gpu.nvlinkBandwidthBytesPerSec + steps * gpu.allReduceStepLatencySec,
    energyJoules: steps * a.bytes * gpu.nvlinkEnergyPerByteJoules,
  };
}

/** Static (leakage + idle) energy of one GPU over timeSec. */
export function gpuStaticEnergyJoules(gpu: GpuSpec, timeSec: number): number {
  return gpu.staticPowerWatts * timeSec;
}
