import { UserError } from "../core/errors.ts";
import { GB } from "../core/units.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import type { LinkSpec } from "../hardware/links/schema.ts";
import { pimStackCapacityBytes } from "../hardware/pim/capacity.ts";
import type { PimDesign } from "../hardware/pim/schema.ts";
import { dtypeBytes, headDim, numKvHeads, type ModelConfig } from "../models/schema.ts";
import { kvCacheBytesPerToken, modelWeightBytes } from "../models/params.ts";
import { resolveSystem, type DeviceCounts, type HardwareOverrides } from "./resolve.ts";
import type { SystemSpec } from "./schema.ts";

/** A system resolved against a model: every spec parsed, capacities checked. Read-only input of the cost functions. */
export interface SystemContext {
  spec: SystemSpec;
  model: ModelConfig;
  gpu: GpuSpec | null;
  fcPim: PimDesign | null;
  attnPim: PimDesign | null;
  links: { gpuGpu: LinkSpec; attention: LinkSpec; pimPim: LinkSpec };
  weightBytes: number;
  /** Bytes available for the KV cache (attention stacks, or GPU memory left after the weights). */
  kvCapacityBytes: number;
  kvBytesPerToken: number;
  /** Model dimensions the per-iteration cost needs, resolved once (hot path). */
  shape: { dtypeBytes: number; numHeads: number; numKvHeads: number; headDim: number };
}

/** Capacity of one FC stack: its PIM design's, or the plain HBM's. */
export function fcStackCapacityBytes(spec: SystemSpec): number {
  return spec.fcStacks.design ? pimStackCapacityBytes(spec.fcStacks.design) : spec.fcStacks.hbm.capacityBytes;
}

/**
 * KV capacity where the KV cache shares GPU memory with the weights: the memory is the FC stacks, but no more
 * than the GPUs can address (numGpus x gpu.memoryCapacityBytes; the presets agree: 5 x 16 GiB = 80 GiB per A100),
 * minus the weights. Without GPUs (a PIM-only system whose KV cache lives on its FC stacks) only the stacks count.
 */
function gpuMemoryKvBytes(spec: SystemSpec, gpu: GpuSpec | null, fcCapacityBytes: number, weightBytes: number): number {
  const memoryBytes = gpu ? Math.min(fcCapacityBytes, spec.gpu.numGpus * gpu.memoryCapacityBytes) : fcCapacityBytes;
  if (weightBytes > memoryBytes) {
    throw new UserError(`the weights (${(weightBytes / GB).toFixed(1)} GB) do not fit system ${spec.name}'s GPU memory (${(memoryBytes / GB).toFixed(1)} GB = min(FC stacks, numGpus x gpu.memoryCapacityBytes))`);
  }
  return memoryBytes - weightBytes;
}

/** Builds the context of a resolved system for a model; checks that the weights and some KV cache fit. */
export function buildContext(spec: SystemSpec, model: ModelConfig): SystemContext {
  const gpu = spec.gpu.numGpus > 0 ? spec.gpu.device : null;
  const fcPim = spec.fcStacks.design;
  const attnPim = spec.attnStacks.numStacks === 0 ? null : spec.attnStacks.design;
  const links = { gpuGpu: spec.links.gpuGpu, attention: spec.links.attention, pimPim: spec.links.pimPim };
  const weightBytes = modelWeightBytes(model);
  const fcCapacityBytes = fcStackCapacityBytes(spec) * spec.fcStacks.numStacks;
  const gb = (b: number) => (b / GB).toFixed(1);
  if (weightBytes > fcCapacityBytes) {
    throw new UserError(
      `${model.name} needs ${gb(weightBytes)} GB of weights but system ${spec.name}'s ${spec.fcStacks.numStacks} FC stacks ` +
        `hold ${gb(fcCapacityBytes)} GB; raise --fc-stacks or pick a smaller model`,
    );
  }
  const kvCapacityBytes = attnPim ? pimStackCapacityBytes(attnPim) * spec.attnStacks.numStacks : gpuMemoryKvBytes(spec, gpu, fcCapacityBytes, weightBytes);
  const shape = { dtypeBytes: dtypeBytes(model), numHeads: model.num_attention_heads, numKvHeads: numKvHeads(model), headDim: headDim(model) };
  return { spec, model, gpu, fcPim, attnPim, links, weightBytes, kvCapacityBytes, kvBytesPerToken: kvCacheBytesPerToken(model), shape };
}

/** Resolves a system block (with a run's overrides) and builds its context for a model. */
export function buildSystem(system: unknown, model: ModelConfig, hardware: HardwareOverrides = {}, counts: DeviceCounts = {}): SystemContext {
  return buildContext(resolveSystem(system, hardware, counts), model);
}
