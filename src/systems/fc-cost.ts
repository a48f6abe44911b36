import { fabricCollectiveCost } from "../fabric/cost.ts";
import { fcShapesPerLayer, finalNormKernel, lmHeadShape, type ElementwiseKernel, type FcShape } from "../models/kernels.ts";
import { scaleSplit, sumSplit, unitCost, ZERO_UNIT_COST, type UnitCost } from "../units/unit.ts";
import { fcPlacement, type FcPlacement, type SystemContext } from "./build.ts";
import { hostLayerElementwiseKernels } from "./layer-kernels.ts";

/**
 * FC work of an iteration and the communication its layout implies (docs/assumptions.md, "Topology").
 *
 * Layout. The FC weights are split Megatron-style over the system's G tensor-parallel groups (each GPU with its own
 * stacks, or, without GPUs, the groups of FC stacks): qkv and ffn_up column-parallel, proj and ffn_down row-parallel,
 * the MoE router replicated, the LM head vocabulary-parallel. The unit that runs FC runs each group's block on its
 * count / G devices (a GPU, or 5 of 30 stacks); weights never move.
 *
 * Communication per layer: the row-parallel proj and ffn_down leave partial sums of the whole m x hidden output in
 * every group, so two all-reduces of m x hidden values among the G groups on the fabric the FC unit's role names
 * (reduceOn); per iteration the LM head's vocabulary slices are all-gathered (m x vocab values) on the same fabric.
 * Everything is memoized per (context, unit, tokens): the serving loop asks for the same few token counts millions of
 * times.
 */
export interface FcCost {
  fc: UnitCost;
  comm: UnitCost;
  other: UnitCost;
}

/** One FC shape (all its instances) on every group of the placement's unit: time of one group, energy of all. */
function fcShapeCost(ctx: SystemContext, p: FcPlacement, s: FcShape): UnitCost {
  const g = ctx.numGroups;
  const c = p.unit.fc!({
    m: s.m,
    k: s.tpSplit === "k" ? Math.ceil(s.k / g) : s.k,
    n: s.tpSplit === "n" ? Math.ceil(s.n / g) : s.n,
    numDevices: Math.floor(p.unit.numDevices / g),
    dtypeBytes: ctx.shape.dtypeBytes,
  });
  return unitCost(c.timeSec * s.numInstances, scaleSplit(c.split, g * s.numInstances));
}

/** Elementwise kernels on the system's elementwise unit, over its tensor-parallel groups. */
export function elementwiseCost(ctx: SystemContext, kernels: readonly ElementwiseKernel[]): UnitCost {
  return ctx.elementwise.elementwise!(kernels, ctx.numGroups);
}

/** The elementwise kernels of one layer; the KV write only where the elementwise unit also runs attention. */
function layerElementwiseKernels(ctx: SystemContext, numTokens: number): ElementwiseKernel[] {
  return hostLayerElementwiseKernels(ctx.model, numTokens, ctx.kvWriteOnHost);
}

/** A collective on the placement's fabric among the G groups (nothing with one group or no fabric). */
function collective(ctx: SystemContext, p: FcPlacement, kind: "all-reduce" | "all-gather", bytes: number): UnitCost {
  if (p.fabric === null || ctx.numGroups <= 1) return ZERO_UNIT_COST;
  const c = fabricCollectiveCost(p.fabric, kind, bytes, ctx.numGroups);
  return unitCost(c.timeSec, { compute: 0, dram: 0, transfer: c.energyJoules });
}

const scale = (c: UnitCost, f: number): UnitCost => unitCost(c.timeSec * f, scaleSplit(c.split, f));
const sum = (a: UnitCost, b: UnitCost): UnitCost => unitCost(a.timeSec + b.timeSec, sumSplit(a.split, b.split));

/** per system: [layers, LM head, whole iteration] memos, each by (placement, tokens) key */
type Memos = [Map<number, FcCost>, Map<number, FcCost>, Map<number, FcCost>];
const LAYERS = 0;
const HEAD = 1;
const ITERATION = 2;
const memos = new WeakMap<SystemContext, Memos>();
/** the last system's memos (the serving loop asks about one system at a time): no WeakMap lookup per call */
let lastCtx: SystemContext | null = null;
let lastMemos: Memos = [new Map(), new Map(), new Map()];

function memosOf(ctx: SystemContext): Memos {
  if (ctx !== lastCtx) {
    let m = memos.get(ctx);
    if (m === undefined) memos.set(ctx, (m = [new Map(), new Map(), new Map()]));
    lastCtx = ctx;
    lastMemos = m;
  }
  return lastMemos;
}

/** A memo key per (placement, tokens): placements are few, so tokens x 16 + the placement's index in ctx.fc. */
function keyOf(ctx: SystemContext, p: FcPlacement, numTokens: number): number {
  const i = p === ctx.fc[0] ? 0 : ctx.fc.indexOf(p);
  return numTokens * 16 + (i < 0 ? 15 : i);
}

// Memo lookups first, the cost builders (and their closures) only on a miss: the hot path allocates nothing.
function lookup(memo: number, ctx: SystemContext, p: FcPlacement, numTokens: number): FcCost | undefined {
  return memosOf(ctx)[memo].get(keyOf(ctx, p, numTokens));
}

function store(memo: number, ctx: SystemContext, p: FcPlacement, numTokens: number, cost: FcCost): FcCost {
  memosOf(ctx)[memo].set(keyOf(ctx, p, numTokens), cost);
  return cost;
}

/** All decoder layers for `numTokens` tokens with FC on `unit`: FC, the two all-reduces per layer, elementwise. */
export function fcLayersCost(ctx: SystemContext, unit: string | FcPlacement, numTokens: number): FcCost {
  const p = typeof unit === "string" ? fcPlacement(ctx, unit) : unit;
  return lookup(LAYERS, ctx, p, numTokens) ?? store(LAYERS, ctx, p, numTokens, buildLayersCost(ctx, p, numTokens));
}

function buildLayersCost(ctx: SystemContext, p: FcPlacement, numTokens: number): FcCost {
  let fc = ZERO_UNIT_COST;
  for (const s of fcShapesPerLayer(ctx.model, numTokens)) fc = sum(fc, fcShapeCost(ctx, p, s));
  const activationBytes = numTokens * ctx.model.hidden_size * ctx.shape.dtypeBytes;
  const allReduce = collective(ctx, p, "all-reduce", activationBytes);
  const other = elementwiseCost(ctx, layerElementwiseKernels(ctx, numTokens));
  const layers = ctx.model.num_hidden_layers;
  return { fc: scale(fc, layers), comm: scale(allReduce, 2 * layers), other: scale(other, layers) };
}

/** Final norm, LM head on `unit` and the all-gather of its vocabulary slices, for `numTokens` tokens. */
export function lmHeadCost(ctx: SystemContext, unit: string | FcPlacement, numTokens: number): FcCost {
  const p = typeof unit === "string" ? fcPlacement(ctx, unit) : unit;
  const hit = lookup(HEAD, ctx, p, numTokens);
  if (hit) return hit;
  const logitsBytes = numTokens * ctx.model.vocab_size * ctx.shape.dtypeBytes;
  return store(HEAD, ctx, p, numTokens, {
    fc: numTokens > 0 ? fcShapeCost(ctx, p, lmHeadShape(ctx.model, numTokens)) : ZERO_UNIT_COST,
    comm: collective(ctx, p, "all-gather", logitsBytes),
    other: numTokens > 0 ? elementwiseCost(ctx, [finalNormKernel(ctx.model, numTokens)]) : ZERO_UNIT_COST,
  });
}

/** FC of one decode iteration (all layers + LM head for every token) on `unit`, with its communication. */
export function fcIterationCost(ctx: SystemContext, unit: string | FcPlacement, numTokens: number): FcCost {
  const p = typeof unit === "string" ? fcPlacement(ctx, unit) : unit;
  const hit = lookup(ITERATION, ctx, p, numTokens);
  if (hit) return hit;
  const l = fcLayersCost(ctx, p, numTokens);
  const h = lmHeadCost(ctx, p, numTokens);
  return store(ITERATION, ctx, p, numTokens, { fc: sum(l.fc, h.fc), comm: sum(l.comm, h.comm), other: sum(l.other, h.other) });
}
