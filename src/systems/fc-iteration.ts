import type { KernelCost } from "../hardware/cost-types.ts";
import { collectiveCost } from "../hardware/links/collective.ts";
import type { LinkSpec } from "../hardware/links/schema.ts";
import { pimFcCost } from "../hardware/pim/cost.ts";
import { fcShapesPerLayer, finalNormKernel, lmHeadShape, type ElementwiseKernel, type FcShape } from "../models/kernels.ts";
import type { SystemContext } from "./build.ts";
import { gpuElementwiseKernelsCost, gpuFcShapeCost, hostLayerElementwiseKernels } from "./layer-kernels.ts";
import type { FcUnit } from "./schema.ts";

/**
 * FC work of an iteration and the communication its layout implies (docs/assumptions.md, "Topology").
 *
 * Layout. The FC weights are split Megatron-style over G groups: the G GPUs (each with its own FC stacks, which
 * hold its 1/G of every weight, so weights never move whichever unit runs FC), or, without GPUs, the
 * numPimPimLinks groups of FC stacks behind one PIM-PIM port each. qkv and ffn_up are column-parallel, proj and
 * ffn_down row-parallel, the MoE router replicated, the LM head vocabulary-parallel. Within a group, FC-PIM runs
 * its block on floor(numFcStacks / G) stacks (pimFcCost splits it further over those stacks).
 *
 * Communication per layer: the row-parallel proj and ffn_down leave partial sums of the whole m x hidden output
 * in every group, so two all-reduces of m x hidden values among the G groups, on links.gpuGpu (GPUs; also when
 * FC runs on FC-PIM: the partial sums land in each GPU's memory) or links.pimPim (PIM-only). Per iteration,
 * the LM head's vocabulary slices are all-gathered (m x vocab values). Everything is memoized per
 * (context, unit, tokens): the serving loop asks for the same few token counts millions of times.
 */
export interface FcCost {
  fc: KernelCost;
  comm: KernelCost;
  other: KernelCost;
}

const ZERO: KernelCost = Object.freeze({ timeSec: 0, energyJoules: 0 });
const sum = (a: KernelCost, b: KernelCost): KernelCost => ({ timeSec: a.timeSec + b.timeSec, energyJoules: a.energyJoules + b.energyJoules });
const scale = (a: KernelCost, times: number): KernelCost => ({ timeSec: a.timeSec * times, energyJoules: a.energyJoules * times });

/** Tensor-parallel groups the FC weights are split over: the GPUs, or the PIM-PIM ports of a PIM-only system. */
export function numFcGroups(ctx: SystemContext): number {
  return ctx.spec.gpu.numGpus > 0 ? ctx.spec.gpu.numGpus : ctx.spec.links.numPimPimLinks;
}

/** The link the groups exchange activations over. */
export function tensorParallelLink(ctx: SystemContext): LinkSpec {
  return ctx.spec.gpu.numGpus > 0 ? ctx.links.gpuGpu : ctx.links.pimPim;
}

/**
 * One FC shape on FC-PIM: every group runs its block (k/G rows or n/G columns, or all of it if replicated) on
 * its stacks, in parallel. Dynamic energy only: the stacks' static and refresh power is charged over the whole
 * run (staticEnergyJoules), so the kernel's background share is taken out here.
 */
function pimFcShapeCost(ctx: SystemContext, s: FcShape): KernelCost {
  const g = numFcGroups(ctx);
  const c = pimFcCost(ctx.fcPim!, {
    m: s.m,
    k: s.tpSplit === "k" ? Math.ceil(s.k / g) : s.k,
    n: s.tpSplit === "n" ? Math.ceil(s.n / g) : s.n,
    numStacks: Math.floor(ctx.spec.fcStacks.numStacks / g),
    dtypeBytes: ctx.shape.dtypeBytes,
  });
  const dynamicJoules = c.energyJoules - c.energyBreakdownJoules.background;
  return { timeSec: c.timeSec * s.numInstances, energyJoules: dynamicJoules * g * s.numInstances };
}

function fcShapeCost(ctx: SystemContext, unit: FcUnit, s: FcShape): KernelCost {
  return unit === "gpu" ? gpuFcShapeCost(ctx.gpu!, s, ctx.spec.gpu.numGpus, ctx.shape.dtypeBytes) : pimFcShapeCost(ctx, s);
}

/**
 * Elementwise kernels on the host unit. GPUs: layer-kernels.ts. PIM-only (ASSUMPTION; AttAcc leaves them out):
 * the buffer dies of each group's stacks stream the bytes at their external bandwidth (sharded kernels 1/G of
 * them, the others in full in every group), energy at the PIM-PIM fabric's energy per bit.
 */
export function hostElementwiseCost(ctx: SystemContext, kernels: readonly ElementwiseKernel[]): KernelCost {
  if (ctx.spec.hostUnit === "gpu") return gpuElementwiseKernelsCost(ctx.gpu!, kernels, ctx.spec.gpu.numGpus);
  const g = numFcGroups(ctx);
  const bytesPerSec = ctx.fcPim!.hbm.externalBandwidthBytesPerSec * Math.floor(ctx.spec.fcStacks.numStacks / g);
  let timeSec = 0;
  let energyJoules = 0;
  for (const k of kernels) {
    const perGroupBytes = (k.bytesRead + k.bytesWritten) / (k.sharded ? g : 1);
    timeSec += perGroupBytes / bytesPerSec;
    energyJoules += perGroupBytes * g * 8 * ctx.links.pimPim.energyPerBitJoules;
  }
  return { timeSec, energyJoules };
}

type Memo = WeakMap<SystemContext, Map<number, FcCost>>;
const layersMemo: Memo = new WeakMap();
const headMemo: Memo = new WeakMap();
const iterationMemo: Memo = new WeakMap();

// Memo lookups first, the cost builders (and their closures) only on a miss: the hot path allocates nothing.
function lookup(memo: Memo, ctx: SystemContext, unit: FcUnit, numTokens: number): FcCost | undefined {
  return memo.get(ctx)?.get(unit === "gpu" ? numTokens : -numTokens);
}

function store(memo: Memo, ctx: SystemContext, unit: FcUnit, numTokens: number, cost: FcCost): FcCost {
  let byTokens = memo.get(ctx);
  if (!byTokens) memo.set(ctx, (byTokens = new Map()));
  byTokens.set(unit === "gpu" ? numTokens : -numTokens, cost);
  return cost;
}

/** All decoder layers for `numTokens` tokens with FC on `unit`: FC, the two all-reduces per layer, elementwise. */
export function fcLayersCost(ctx: SystemContext, unit: FcUnit, numTokens: number): FcCost {
  return lookup(layersMemo, ctx, unit, numTokens) ?? store(layersMemo, ctx, unit, numTokens, buildLayersCost(ctx, unit, numTokens));
}

function buildLayersCost(ctx: SystemContext, unit: FcUnit, numTokens: number): FcCost {
  let fc = ZERO;
  for (const s of fcShapesPerLayer(ctx.model, numTokens)) fc = sum(fc, fcShapeCost(ctx, unit, s));
  const activationBytes = numTokens * ctx.model.hidden_size * ctx.shape.dtypeBytes;
  const allReduce = collectiveCost(tensorParallelLink(ctx), "all-reduce", activationBytes, numFcGroups(ctx));
  const other = hostElementwiseCost(ctx, hostLayerElementwiseKernels(ctx.model, numTokens, ctx.attnPim === null));
  const layers = ctx.model.num_hidden_layers;
  return { fc: scale(fc, layers), comm: scale(allReduce, 2 * layers), other: scale(other, layers) };
}

/** Final norm, LM head on `unit` and the all-gather of its vocabulary slices, for `numTokens` tokens. */
export function lmHeadCost(ctx: SystemContext, unit: FcUnit, numTokens: number): FcCost {
  const hit = lookup(headMemo, ctx, unit, numTokens);
  if (hit) return hit;
  const logitsBytes = numTokens * ctx.model.vocab_size * ctx.shape.dtypeBytes;
  return store(headMemo, ctx, unit, numTokens, {
    fc: fcShapeCost(ctx, unit, lmHeadShape(ctx.model, numTokens)),
    comm: collectiveCost(tensorParallelLink(ctx), "all-gather", logitsBytes, numFcGroups(ctx)),
    other: hostElementwiseCost(ctx, [finalNormKernel(ctx.model, numTokens)]),
  });
}

/** FC of one decode iteration (all layers + LM head for every token) on `unit`, with its communication. */
export function fcIterationCost(ctx: SystemContext, unit: FcUnit, numTokens: number): FcCost {
  const hit = lookup(iterationMemo, ctx, unit, numTokens);
  if (hit) return hit;
  const l = fcLayersCost(ctx, unit, numTokens);
  const h = lmHeadCost(ctx, unit, numTokens);
  return store(iterationMemo, ctx, unit, numTokens, { fc: sum(l.fc, h.fc), comm: sum(l.comm, h.comm), other: sum(l.other, h.other) });
}
