import type { KernelCost } from "../hardware/cost-types.ts";
import { gpuAllReduceCost, gpuAttentionCost, gpuElementwiseCost, gpuStaticEnergyJoules, gpuTensorParallelGemmCost } from "../hardware/gpu/cost.ts";
import { pimAttentionCost, pimFcCost } from "../hardware/pim/cost.ts";
import { linkTransferCost } from "../hardware/links/cost.ts";
import { fcShapesPerLayer, lmHeadShape, type FcShape } from "../models/kernels.ts";
import { dtypeBytes } from "../models/schema.ts";
import type { FcUnit } from "./schema.ts";
import type { SystemContext } from "./build.ts";

/**
 * Cost of one decode iteration (all layers + LM head) on a system. Pure: depends only on the system context
 * and the batch summary. Layers are identical in decoding, so one layer is costed and multiplied by the layer
 * count; FC costs depend only on (unit, tokens) and are memoized, so an iteration costs O(requests) for
 * attention on PIM and O(1) otherwise. Kernels within a layer run one after another (each depends on the last).
 */
export interface PhaseCost {
  fcSec: number;
  attentionSec: number;
  communicationSec: number;
  otherSec: number;
  fcJoules: number;
  attentionJoules: number;
  communicationJoules: number;
  otherJoules: number;
  /** The part of communicationSec spent moving bytes over the attention links (latency excluded). */
  attentionLinkBwSec: number;
}

export const phaseTimeSec = (p: PhaseCost): number => p.fcSec + p.attentionSec + p.communicationSec + p.otherSec;
export const phaseEnergyJoules = (p: PhaseCost): number =>
  p.fcJoules + p.attentionJoules + p.communicationJoules + p.otherJoules;

/** The batch of one decode iteration, as the serving loop sees it. */
export interface DecodeBatch {
  /** Requests in the batch (RLP). */
  numRequests: number;
  /** Tokens per request this iteration (TLP). */
  tokensPerRequest: number;
  /** KV length of each active request, including this iteration's tokens (first numRequests entries used). */
  contextLens: ArrayLike<number>;
  /** Sum of the first numRequests contextLens. */
  totalContextTokens: number;
}

interface FcCost { fc: KernelCost; comm: KernelCost; other: KernelCost }

const memo = new WeakMap<SystemContext, Map<number, FcCost>>();
const add = (a: KernelCost, b: KernelCost, times = 1): KernelCost => ({
  timeSec: a.timeSec + b.timeSec * times,
  energyJoules: a.energyJoules + b.energyJoules * times,
});
const ZERO: KernelCost = { timeSec: 0, energyJoules: 0 };

function shapeCost(ctx: SystemContext, unit: FcUnit, s: FcShape): KernelCost {
  const bytes = dtypeBytes(ctx.model);
  if (unit === "gpu") {
    const c = gpuTensorParallelGemmCost(ctx.gpu!, { m: s.m, k: s.k, n: s.n, dtypeBytes: bytes }, ctx.spec.gpu.numGpus);
    return { timeSec: c.timeSec * s.numInstances, energyJoules: c.energyJoules * s.numInstances };
  }
  const c = pimFcCost(ctx.fcPim!, { m: s.m, k: s.k, n: s.n, numStacks: ctx.spec.fcStacks.numStacks, dtypeBytes: bytes });
  return { timeSec: c.timeSec * s.numInstances, energyJoules: c.energyJoules * s.numInstances };
}

/**
 * A PIM-only system has no GPU to hold activations: the host multicasts each FC input (m x k) to the FC stacks
 * over the PIM-PIM fabric (one copy per link; weights are split along n, so every stack needs the whole input)
 * and gathers the outputs (m x n in all). Partial sums never cross stacks because k is not split across them.
 */
function pimOnlyFcTransfer(ctx: SystemContext, s: FcShape): KernelCost {
  const b = dtypeBytes(ctx.model);
  const links = ctx.spec.links.numPimPimLinks;
  const perLinkBytes = s.m * s.k * b + (s.m * s.n * b) / links;
  const t = linkTransferCost(ctx.links.pimPim, perLinkBytes, 2);
  return { timeSec: t.timeSec * s.numInstances, energyJoules: t.energyJoules * links * s.numInstances };
}

/** Elementwise work of one layer (2 norms, activation, 2 residual adds): bytes read + written. */
function elementwiseBytesPerLayer(ctx: SystemContext, numTokens: number): number {
  const m = ctx.model;
  const b = dtypeBytes(m);
  return numTokens * b * (2 * 2 * m.hidden_size + 2 * 3 * m.hidden_size + 3 * m.intermediate_size);
}

function hostElementwise(ctx: SystemContext, bytes: number): KernelCost {
  if (ctx.spec.hostUnit === "gpu") {
    const c = gpuElementwiseCost(ctx.gpu!, bytes / ctx.spec.gpu.numGpus);
    return { timeSec: c.timeSec, energyJoules: c.energyJoules * ctx.spec.gpu.numGpus };
  }
  // PIM-only: norms and activations run on the stacks' buffer dies at their external bandwidth (ASSUMPTION,
  // AttAcc leaves them out); priced as a transfer over the PIM-PIM fabric's energy per bit.
  const link = ctx.links.pimPim;
  return { timeSec: bytes / (ctx.fcPim!.hbm.externalBandwidthBytesPerSec * ctx.spec.fcStacks.numStacks), energyJoules: bytes * 8 * link.energyPerBitJoules };
}

/** FC of one whole iteration (all layers + LM head) for `numTokens` tokens on `unit`, with its communication. */
export function fcIterationCost(ctx: SystemContext, unit: FcUnit, numTokens: number): FcCost {
  let byTokens = memo.get(ctx);
  if (!byTokens) memo.set(ctx, (byTokens = new Map()));
  const key = unit === "gpu" ? numTokens : -numTokens;
  const hit = byTokens.get(key);
  if (hit) return hit;

  const layers = ctx.model.num_hidden_layers;
  let fc = ZERO;
  let comm = ZERO;
  for (const s of fcShapesPerLayer(ctx.model, numTokens)) {
    fc = add(fc, shapeCost(ctx, unit, s));
    if (ctx.spec.gpu.numGpus === 0) comm = add(comm, pimOnlyFcTransfer(ctx, s));
  }
  if (ctx.spec.gpu.numGpus > 1) {
    // Megatron-style tensor parallelism: one all-reduce after the attention projection and one after the FFN.
    const bytes = numTokens * ctx.model.hidden_size * dtypeBytes(ctx.model);
    const ar = gpuAllReduceCost(ctx.gpu!, { bytes, numGpus: ctx.spec.gpu.numGpus });
    comm = add(comm, { timeSec: ar.timeSec, energyJoules: ar.energyJoules }, 2);
  }
  fc = { timeSec: fc.timeSec * layers, energyJoules: fc.energyJoules * layers };
  comm = { timeSec: comm.timeSec * layers, energyJoules: comm.energyJoules * layers };
  // LM head once per iteration, on the same unit as the other FC kernels.
  fc = add(fc, shapeCost(ctx, unit, lmHeadShape(ctx.model, numTokens)));
  const e = hostElementwise(ctx, elementwiseBytesPerLayer(ctx, numTokens));
  const other = { timeSec: e.timeSec * layers, energyJoules: e.energyJoules * layers };
  const out = { fc, comm, other };
  byTokens.set(key, out);
  return out;
}

/** Attention of one iteration over all layers, plus moving Q/K/V to and results from the attention stacks. */
export function attentionIterationCost(ctx: SystemContext, batch: DecodeBatch): { attention: KernelCost; comm: KernelCost; linkBwSec: number } {
  const m = ctx.model;
  const layers = m.num_hidden_layers;
  const { dtypeBytes: bytes, numHeads, numKvHeads: kvHeads, headDim: d } = ctx.shape;
  const numTokens = batch.numRequests * batch.tokensPerRequest;
  if (ctx.attnPim === null) {
    const g = ctx.spec.gpu.numGpus;
    const c = gpuAttentionCost(ctx.gpu!, {
      numRequests: batch.numRequests,
      numHeads: Math.ceil(numHeads / g),
      numKvHeads: Math.ceil(kvHeads / g),
      headDim: d,
      tlp: batch.tokensPerRequest,
      totalContextTokens: batch.totalContextTokens,
      dtypeBytes: bytes,
    });
    return { attention: { timeSec: c.timeSec * layers, energyJoules: c.energyJoules * g * layers }, comm: ZERO, linkBwSec: 0 };
  }
  const contextLens = batch.contextLens.length === batch.numRequests ? batch.contextLens : Array.prototype.slice.call(batch.contextLens, 0, batch.numRequests);
  const a = pimAttentionCost(ctx.attnPim, {
    numHeads,
    numKvHeads: kvHeads,
    headDim: d,
    contextLens,
    tlp: batch.tokensPerRequest,
    numStacks: ctx.spec.attnStacks.numStacks,
    dtypeBytes: bytes,
  });
  // Q, new K and V out to the attention stacks; the attention output back.
  const qkvBytes = numTokens * (numHeads + 2 * kvHeads) * d * bytes;
  const outBytes = numTokens * numHeads * d * bytes;
  const links = ctx.spec.links.numAttentionLinks;
  const perLinkBytes = (qkvBytes + outBytes) / links;
  const t = linkTransferCost(ctx.links.attention, perLinkBytes, 2);
  return {
    attention: { timeSec: a.timeSec * layers, energyJoules: a.energyJoules * layers },
    comm: { timeSec: t.timeSec * layers, energyJoules: t.energyJoules * links * layers },
    linkBwSec: (perLinkBytes / ctx.links.attention.bandwidthBytesPerSec) * layers,
  };
}

/**
 * Static power of the GPUs over `timeSec` (they stay powered while PIM works and while idle). Phase costs are
 * dynamic energy only; the serving loop charges static energy once, over the whole run.
 */
export function staticEnergyJoules(ctx: SystemContext, timeSec: number): number {
  return ctx.gpu ? gpuStaticEnergyJoules(ctx.gpu, timeSec) * ctx.spec.gpu.numGpus : 0;
}

/** One decode iteration: FC on `fcUnit`, attention where the system puts it. */
export function decodeStepCost(ctx: SystemContext, fcUnit: FcUnit, batch: DecodeBatch): PhaseCost {
  const f = fcIterationCost(ctx, fcUnit, batch.numRequests * batch.tokensPerRequest);
  const a = attentionIterationCost(ctx, batch);
  const sched = ctx.spec.schedulerOverheadSec;
  const p: PhaseCost = {
    fcSec: f.fc.timeSec,
    attentionSec: a.attention.timeSec,
    communicationSec: f.comm.timeSec + a.comm.timeSec,
    otherSec: f.other.timeSec + sched,
    fcJoules: f.fc.energyJoules,
    attentionJoules: a.attention.energyJoules,
    communicationJoules: f.comm.energyJoules + a.comm.energyJoules,
    otherJoules: f.other.energyJoules,
    attentionLinkBwSec: a.linkBwSec,
  };
  return p;
}
