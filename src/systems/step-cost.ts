import type { KernelCost } from "../hardware/cost-types.ts";
import { linkTransferCost } from "../hardware/links/cost.ts";
import { pimAttentionCost } from "../hardware/pim/cost.ts";
import type { SystemContext } from "./build.ts";
import { fcIterationCost } from "./fc-iteration.ts";
import { gpuDecodeAttentionCost } from "./layer-kernels.ts";
import type { FcUnit } from "./schema.ts";

export { fcIterationCost } from "./fc-iteration.ts";
export { staticEnergyJoules } from "./static-power.ts";

/**
 * Cost of one decode iteration (all layers + LM head) on a system. Pure: depends only on the system context
 * and the batch summary. Layers are identical in decoding, so one layer is costed and multiplied by the layer
 * count; FC costs depend only on (unit, tokens) and are memoized (fc-iteration.ts), so an iteration costs
 * O(requests) for attention on PIM and O(1) otherwise. Kernels within a layer run one after another (each
 * depends on the last). Energies are dynamic; static power is charged over the run (static-power.ts).
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

/**
 * Moving the attention inputs and outputs of `numTokens` query tokens for all layers, where attention runs on
 * separate stacks: per layer Q, K and V of every token out to the attention stacks and the attention output
 * back, spread evenly over the numAttentionLinks links (each carries the heads of its attention device), one
 * message each way. Without GPUs the activations live in the FC stacks, so the same bytes also cross the FC
 * groups' PIM-PIM ports (one message each way). Energy counts every link.
 */
export function attentionTransferCost(ctx: SystemContext, numTokens: number): { cost: KernelCost; linkBwSec: number } {
  let byTokens = transferMemo.get(ctx);
  if (!byTokens) transferMemo.set(ctx, (byTokens = new Map()));
  let hit = byTokens.get(numTokens);
  // Stryker disable next-line ConditionalExpression: a memo; recomputing on a hit gives the same value, only slower
  if (!hit) byTokens.set(numTokens, (hit = attentionTransfer(ctx, numTokens)));
  return hit;
}

const transferMemo = new WeakMap<SystemContext, Map<number, { cost: KernelCost; linkBwSec: number }>>();

function attentionTransfer(ctx: SystemContext, numTokens: number): { cost: KernelCost; linkBwSec: number } {
  const { dtypeBytes: b, numHeads, numKvHeads, headDim: d } = ctx.shape;
  const layers = ctx.model.num_hidden_layers;
  const bytes = numTokens * ((numHeads + 2 * numKvHeads) * d + numHeads * d) * b;
  const links = ctx.spec.links.numAttentionLinks;
  const t = linkTransferCost(ctx.links.attention, bytes / links, 2);
  let timeSec = t.timeSec * layers;
  let energyJoules = t.energyJoules * links * layers;
  if (ctx.spec.gpu.numGpus === 0) {
    const ports = ctx.spec.links.numPimPimLinks;
    const p = linkTransferCost(ctx.links.pimPim, bytes / ports, 2);
    timeSec += p.timeSec * layers;
    energyJoules += p.energyJoules * ports * layers;
  }
  return { cost: { timeSec, energyJoules }, linkBwSec: (bytes / links / ctx.links.attention.bandwidthBytesPerSec) * layers };
}

/** Attention of one iteration over all layers, plus moving Q/K/V to and results from the attention stacks. */
export function attentionIterationCost(ctx: SystemContext, batch: DecodeBatch): { attention: KernelCost; comm: KernelCost; linkBwSec: number } {
  const layers = ctx.model.num_hidden_layers;
  const { dtypeBytes, numHeads, numKvHeads, headDim } = ctx.shape;
  if (ctx.attnPim === null) {
    const c = gpuDecodeAttentionCost(ctx.gpu!, ctx.model, ctx.spec.gpu.numGpus, {
      numRequests: batch.numRequests,
      tlp: batch.tokensPerRequest,
      totalContextTokens: batch.totalContextTokens,
    });
    return { attention: { timeSec: c.timeSec * layers, energyJoules: c.energyJoules * layers }, comm: { timeSec: 0, energyJoules: 0 }, linkBwSec: 0 };
  }
  const contextLens = batch.contextLens.length === batch.numRequests ? batch.contextLens : Array.prototype.slice.call(batch.contextLens, 0, batch.numRequests);
  const a = pimAttentionCost(ctx.attnPim, {
    numHeads,
    numKvHeads,
    headDim,
    contextLens,
    tlp: batch.tokensPerRequest,
    numStacks: ctx.spec.attnStacks.numStacks,
    dtypeBytes,
  });
  // dynamic energy: the stacks' background power is charged over the whole run (static-power.ts)
  const dynamicJoules = a.energyJoules - a.energyBreakdownJoules.background;
  const t = attentionTransferCost(ctx, batch.numRequests * batch.tokensPerRequest);
  return { attention: { timeSec: a.timeSec * layers, energyJoules: dynamicJoules * layers }, comm: t.cost, linkBwSec: t.linkBwSec };
}

/** One decode iteration: FC on `fcUnit`, attention where the system puts it. */
export function decodeStepCost(ctx: SystemContext, fcUnit: FcUnit, batch: DecodeBatch): PhaseCost {
  const f = fcIterationCost(ctx, fcUnit, batch.numRequests * batch.tokensPerRequest);
  const a = attentionIterationCost(ctx, batch);
  return {
    fcSec: f.fc.timeSec,
    attentionSec: a.attention.timeSec,
    communicationSec: f.comm.timeSec + a.comm.timeSec,
    otherSec: f.other.timeSec + ctx.spec.schedulerOverheadSec,
    fcJoules: f.fc.energyJoules,
    attentionJoules: a.attention.energyJoules,
    communicationJoules: f.comm.energyJoules + a.comm.energyJoules,
    otherJoules: f.other.energyJoules,
    attentionLinkBwSec: a.linkBwSec,
  };
}
