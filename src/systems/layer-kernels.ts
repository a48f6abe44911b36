import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { elementwiseKernelsPerLayer, fcShapesPerLayer, type ElementwiseKernel } from "../models/kernels.ts";
import { dtypeBytes, headDim, numKvHeads, type ModelConfig } from "../models/schema.ts";
import { resolveAssumptions } from "./profiles.ts";
import { makeUnit, type Unit, type UnitCost } from "../units/index.ts";

/**
 * The one decoder-layer model. `papi validate gpu` (predictLayerSec) and the serving loop price a layer's GPU kernels
 * through the same GPU unit (src/units/gpu.ts), so the layer validated against the H200 measurements is the layer the
 * serving loop charges. A layer is: the FC GEMMs of fcShapesPerLayer, the attention, and the elementwise kernels of
 * elementwiseKernelsPerLayer (RMSNorm, KV write when the KV cache lives in the host's memory, residual, RMSNorm,
 * activation, residual). Under tensor parallelism over N GPUs: GEMMs split by their tpSplit, attention heads split
 * over the GPUs, sharded elementwise kernels split, the others replicated (every GPU runs them in full); time is one
 * GPU's, energy all GPUs'.
 */

/** The elementwise kernels the host unit runs per layer; the KV write only where the KV cache is in its memory. */
export function hostLayerElementwiseKernels(model: ModelConfig, numTokens: number, kvCacheOnHost: boolean): ElementwiseKernel[] {
  const all = elementwiseKernelsPerLayer(model, numTokens);
  return kvCacheOnHost ? all : all.filter((k) => k.name !== "kv_write");
}

/** N GPUs as the unit the systems build, under the default assumptions (dynamic energy: no static power inside). */
export function gpuUnitOf(gpu: GpuSpec, numGpus: number): Unit {
  return makeUnit("gpu", { kind: "gpu", device: gpu, count: numGpus }, resolveAssumptions());
}

export interface GpuLayerCost {
  fc: UnitCost;
  attention: UnitCost;
  elementwise: UnitCost;
}

/**
 * One decode layer entirely on N GPUs (FC, attention, elementwise incl. the KV write), as gpu-only runs it and as the
 * H200 layer measurements timed it (N = 1). The tensor-parallel collectives are not included.
 */
export function gpuDecoderLayerCost(
  gpu: GpuSpec,
  model: ModelConfig,
  numGpus: number,
  batch: { numRequests: number; tlp: number; totalContextTokens: number },
): GpuLayerCost {
  const unit = gpuUnitOf(gpu, numGpus);
  const numTokens = batch.numRequests * batch.tlp;
  const b = dtypeBytes(model);
  let fcSec = 0;
  let compute = 0;
  let dram = 0;
  for (const s of fcShapesPerLayer(model, numTokens)) {
    const c = unit.fc!({
      m: s.m,
      k: s.tpSplit === "k" ? Math.ceil(s.k / numGpus) : s.k,
      n: s.tpSplit === "n" ? Math.ceil(s.n / numGpus) : s.n,
      numDevices: 1,
      dtypeBytes: b,
    });
    fcSec += c.timeSec * s.numInstances;
    compute += c.split.compute * numGpus * s.numInstances;
    dram += c.split.dram * numGpus * s.numInstances;
  }
  const shape = { numHeads: model.num_attention_heads, numKvHeads: numKvHeads(model), headDim: headDim(model), dtypeBytes: b };
  return {
    fc: { timeSec: fcSec, energyJoules: compute + dram, split: { compute, dram, transfer: 0 } },
    attention: unit.decodeAttention!({ shape, numRequests: batch.numRequests, tlp: batch.tlp, contextLens: [], totalContextTokens: batch.totalContextTokens }),
    elementwise: unit.elementwise!(hostLayerElementwiseKernels(model, numTokens, true), numGpus),
  };
}
