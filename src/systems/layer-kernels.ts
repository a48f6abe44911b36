import type { KernelCost } from "../hardware/cost-types.ts";
import { gpuAttentionCost, gpuElementwiseCost, gpuTensorParallelGemmCost } from "../hardware/gpu/cost.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { elementwiseKernelsPerLayer, fcShapesPerLayer, type ElementwiseKernel, type FcShape } from "../models/kernels.ts";
import { dtypeBytes, headDim, numKvHeads, type ModelConfig } from "../models/schema.ts";

/**
 * The one decoder-layer model. `papi validate gpu` (predictLayerSec) and the serving loop (step-cost.ts,
 * prefill-cost.ts) price a layer's GPU kernels with these functions and nothing else, so the layer validated
 * against the H200 measurements is the layer the serving loop charges. A layer is: the FC GEMMs of
 * fcShapesPerLayer, the attention, and the elementwise kernels of elementwiseKernelsPerLayer (RMSNorm, KV
 * write when the KV cache lives in the host's memory, residual, RMSNorm, activation, residual). Under tensor
 * parallelism over N GPUs: GEMMs split by their tpSplit, attention heads split over the GPUs, sharded
 * elementwise kernels split, the others replicated (every GPU runs them in full); time is one GPU's, energy
 * all GPUs'.
 */

/** The elementwise kernels the host unit runs per layer; the KV write only where the KV cache is in its memory. */
export function hostLayerElementwiseKernels(model: ModelConfig, numTokens: number, kvCacheOnHost: boolean): ElementwiseKernel[] {
  const all = elementwiseKernelsPerLayer(model, numTokens);
  return kvCacheOnHost ? all : all.filter((k) => k.name !== "kv_write");
}

/** One FC shape (all its instances) on N tensor-parallel GPUs. */
export function gpuFcShapeCost(gpu: GpuSpec, s: FcShape, numGpus: number, bytesPerValue: number): KernelCost {
  const c = gpuTensorParallelGemmCost(gpu, { m: s.m, k: s.k, n: s.n, dtypeBytes: bytesPerValue }, numGpus, "graph", s.tpSplit);
  return { timeSec: c.timeSec * s.numInstances, energyJoules: c.energyJoules * s.numInstances };
}

/** Elementwise kernels on N GPUs, one after another: sharded ones on 1/N of the bytes, the others in full. */
export function gpuElementwiseKernelsCost(gpu: GpuSpec, kernels: readonly ElementwiseKernel[], numGpus: number): KernelCost {
  let timeSec = 0;
  let energyJoules = 0;
  for (const k of kernels) {
    const bytes = k.bytesRead + k.bytesWritten;
    const c = gpuElementwiseCost(gpu, k.sharded ? bytes / numGpus : bytes);
    timeSec += c.timeSec;
    energyJoules += c.energyJoules * numGpus;
  }
  return { timeSec, energyJoules };
}

/** Decode attention of a batch on N GPUs (heads split over the GPUs; the KV cache of its heads on each). */
export function gpuDecodeAttentionCost(
  gpu: GpuSpec,
  model: ModelConfig,
  numGpus: number,
  batch: { numRequests: number; tlp: number; totalContextTokens: number },
): KernelCost {
  const c = gpuAttentionCost(gpu, {
    numRequests: batch.numRequests,
    numHeads: Math.ceil(model.num_attention_heads / numGpus),
    numKvHeads: Math.ceil(numKvHeads(model) / numGpus),
    headDim: headDim(model),
    tlp: batch.tlp,
    totalContextTokens: batch.totalContextTokens,
    dtypeBytes: dtypeBytes(model),
  });
  return { timeSec: c.timeSec, energyJoules: c.energyJoules * numGpus };
}

export interface GpuLayerCost {
  fc: KernelCost;
  attention: KernelCost;
  elementwise: KernelCost;
}

/**
 * One decode layer entirely on N GPUs (FC, attention, elementwise incl. the KV write), as gpu-only runs it and
 * as the H200 layer measurements timed it (N = 1). The tensor-parallel collectives are not included.
 */
export function gpuDecoderLayerCost(
  gpu: GpuSpec,
  model: ModelConfig,
  numGpus: number,
  batch: { numRequests: number; tlp: number; totalContextTokens: number },
): GpuLayerCost {
  const numTokens = batch.numRequests * batch.tlp;
  const b = dtypeBytes(model);
  let fcSec = 0;
  let fcJoules = 0;
  for (const s of fcShapesPerLayer(model, numTokens)) {
    const c = gpuFcShapeCost(gpu, s, numGpus, b);
    fcSec += c.timeSec;
    fcJoules += c.energyJoules;
  }
  return {
    fc: { timeSec: fcSec, energyJoules: fcJoules },
    attention: gpuDecodeAttentionCost(gpu, model, numGpus, batch),
    elementwise: gpuElementwiseKernelsCost(gpu, hostLayerElementwiseKernels(model, numTokens, true), numGpus),
  };
}
