import type { z } from "zod";
import { UserError, formatZodIssues } from "../core/errors.ts";
import { GB } from "../core/units.ts";
import { GpuSpec } from "../hardware/gpu/schema.ts";
import { resolveGpu } from "../hardware/gpu/presets.ts";
import { PimDesign } from "../hardware/pim/schema.ts";
import { resolvePimDesign } from "../hardware/pim/presets.ts";
import { pimStackCapacityBytes } from "../hardware/pim/capacity.ts";
import { LinkSpec } from "../hardware/links/schema.ts";
import { resolveLink } from "../hardware/links/presets.ts";
import { dtypeBytes, headDim, numKvHeads, type ModelConfig } from "../models/schema.ts";
import { kvCacheBytesPerToken, modelWeightBytes } from "../models/params.ts";
import { SystemSpec } from "./schema.ts";
import { SYSTEM_PRESETS } from "./presets.ts";

/** Partial overrides of a system preset and of the hardware specs it names (from CLI flags or a run config). */
export interface SystemOverrides {
  numGpus?: number;
  numFcStacks?: number;
  numAttnStacks?: number;
  gpu?: Record<string, unknown>;
  fcPim?: Record<string, unknown>;
  attnPim?: Record<string, unknown>;
  links?: { gpuGpu?: Record<string, unknown>; attention?: Record<string, unknown>; pimPim?: Record<string, unknown> };
}

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

export function resolveSystemSpec(name: string): SystemSpec {
  const hit = Object.prototype.hasOwnProperty.call(SYSTEM_PRESETS, name) ? SYSTEM_PRESETS[name] : undefined;
  if (!hit) throw new UserError(`unknown system "${name}"; known: ${Object.keys(SYSTEM_PRESETS).join(", ")}`);
  return hit;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Applies a partial override to a parsed spec and re-validates it; errors name the field. */
export function overrideSpec<S extends z.ZodType>(schema: S, base: z.infer<S>, patch: unknown, label: string): z.infer<S> {
  if (patch === undefined) return base;
  const r = schema.safeParse(deepMerge(base, patch));
  if (!r.success) throw new UserError(formatZodIssues(r.error.issues, `${label}.`));
  return r.data;
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

export function buildSystem(specOrName: SystemSpec | string, model: ModelConfig, o: SystemOverrides = {}): SystemContext {
  let spec = typeof specOrName === "string" ? resolveSystemSpec(specOrName) : specOrName;
  spec = overrideSpec(SystemSpec, spec, {
    gpu: o.numGpus === undefined ? undefined : { numGpus: o.numGpus },
    fcStacks: o.numFcStacks === undefined ? undefined : { numStacks: o.numFcStacks },
    attnStacks: o.numAttnStacks === undefined ? undefined : { numStacks: o.numAttnStacks },
  }, "system");
  const gpu = spec.gpu.numGpus > 0 ? overrideSpec(GpuSpec, resolveGpu(spec.gpu.preset), o.gpu, "gpu") : null;
  const fcPim = spec.fcStacks.design === null ? null
    : overrideSpec(PimDesign, resolvePimDesign(spec.fcStacks.design), o.fcPim, "fcPim");
  const attnPim = spec.attnStacks.numStacks === 0 || spec.attnStacks.design === null ? null
    : overrideSpec(PimDesign, resolvePimDesign(spec.attnStacks.design), o.attnPim, "attnPim");
  const link = (which: "gpuGpu" | "attention" | "pimPim") => {
    const patch = o.links?.[which];
    const base = resolveLink(spec.links[which]);
    // A new one-way bandwidth makes the preset's quoted bidirectional figure stale: drop it unless also given.
    const stale = patch && "bandwidthBytesPerSec" in patch && !("aggregateBandwidthBytesPerSec" in patch);
    return overrideSpec(LinkSpec, stale ? { ...base, aggregateBandwidthBytesPerSec: undefined } : base, patch, `links.${which}`);
  };
  const links = { gpuGpu: link("gpuGpu"), attention: link("attention"), pimPim: link("pimPim") };

  const weightBytes = modelWeightBytes(model);
  const fcStackBytes = fcPim ? pimStackCapacityBytes(fcPim) : spec.fcStacks.plainCapacityBytesPerStack;
  const fcCapacityBytes = fcStackBytes * spec.fcStacks.numStacks;
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
