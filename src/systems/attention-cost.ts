import { fabricBandwidthSec, fabricTransferCost } from "../fabric/cost.ts";
import { copyUnitCost, decodeAttentionInto, mutableUnitCost, unitCost, ZERO_UNIT_COST, type DecodeAttentionWork, type UnitCost } from "../units/unit.ts";
import type { Batch } from "./batch.ts";
import type { SystemContext } from "./build.ts";

/**
 * Attention of an iteration and the transfers its placement implies (docs/assumptions.md, "Topology"):
 * - decoding requests: attention on the attention unit over every request's keys; where that unit is away from the
 *   FC side (roles.attentionVia not empty), per layer the Q, K and V of every new token cross the via fabrics to it and
 *   the attention output comes back, one message each way per link, spread evenly over each fabric's links;
 * - prefill chunks: causal attention on the prefill attention unit. If that unit does not hold the KV cache, the
 *   chunk's K and V are shipped to the KV unit over the via fabrics (one message per layer and link); if it does but
 *   FC runs elsewhere, Q, K and V go out and the output comes back, as in decoding.
 * Energies are dynamic (static power: static-power.ts). `linkBwSec` is the bytes-over-bandwidth time on the first
 * via fabric (the attention links): the part of the latency a bandwidth what-if scales.
 */
export interface AttentionIterationCost {
  attention: UnitCost;
  prefillAttention: UnitCost;
  comm: UnitCost;
  linkBwSec: number;
}

const transferMemo = new WeakMap<SystemContext, Map<number, { cost: UnitCost; linkBwSec: number }>>();

/** Q, K, V of `numTokens` tokens out to the attention unit and the output back, all layers, over the via fabrics. */
export function attentionTransferCost(ctx: SystemContext, numTokens: number): { cost: UnitCost; linkBwSec: number } {
  let byTokens = transferMemo.get(ctx);
  if (!byTokens) transferMemo.set(ctx, (byTokens = new Map()));
  let hit = byTokens.get(numTokens);
  // Stryker disable next-line ConditionalExpression: a memo; recomputing on a hit gives the same value, only slower
  if (!hit) byTokens.set(numTokens, (hit = viaTransfer(ctx, numTokens * qkvoBytesPerToken(ctx), 2)));
  return hit;
}

/** Bytes per token and layer crossing to attention and back: Q, K, V out, the output back. */
function qkvoBytesPerToken(ctx: SystemContext): number {
  const { dtypeBytes: b, numHeads, numKvHeads, headDim: d } = ctx.shape;
  return ((numHeads + 2 * numKvHeads) * d + numHeads * d) * b;
}

/** `bytesPerLayer` over every via fabric, `messagesPerLayer` messages per link and layer, for all layers. */
function viaTransfer(ctx: SystemContext, bytesPerLayer: number, messagesPerLayer: number): { cost: UnitCost; linkBwSec: number } {
  const layers = ctx.model.num_hidden_layers;
  let timeSec = 0;
  let joules = 0;
  for (const f of ctx.attentionVia) {
    const t = fabricTransferCost(f, bytesPerLayer, messagesPerLayer);
    timeSec += t.timeSec * layers;
    joules += t.energyJoules * layers;
  }
  const linkBwSec = ctx.attentionVia.length > 0 ? fabricBandwidthSec(ctx.attentionVia[0], bytesPerLayer) * layers : 0;
  return { cost: unitCost(timeSec, { compute: 0, dram: 0, transfer: joules }), linkBwSec };
}

/** The prompt chunk's K and V shipped from the prefill attention unit to the KV unit: one message per layer and link. */
function kvShipCost(ctx: SystemContext, numTokens: number): { cost: UnitCost; linkBwSec: number } {
  const bytes = numTokens * ctx.kvBytesPerToken;
  let timeSec = 0;
  let joules = 0;
  for (const f of ctx.attentionVia) {
    const t = fabricTransferCost(f, bytes, ctx.model.num_hidden_layers);
    timeSec += t.timeSec;
    joules += t.energyJoules;
  }
  const linkBwSec = ctx.attentionVia.length > 0 ? fabricBandwidthSec(ctx.attentionVia[0], bytes) : 0;
  return { cost: unitCost(timeSec, { compute: 0, dram: 0, transfer: joules }), linkBwSec };
}

/** Attention of one iteration over all layers, with the transfers it implies. */
export function attentionIterationCost(ctx: SystemContext, b: Batch, prefillFcUnit: string): AttentionIterationCost {
  return attentionIterationCostInto(ctx, b, prefillFcUnit, newAttentionIterationCost());
}

/** A cost attentionIterationCostInto may overwrite (every UnitCost and split its own). */
export function newAttentionIterationCost(): AttentionIterationCost {
  return { attention: mutableUnitCost(), prefillAttention: mutableUnitCost(), comm: mutableUnitCost(), linkBwSec: 0 };
}

/** the unit's per-layer decode attention, and the work handed to it (both rewritten every call) */
const perLayer = mutableUnitCost();
const work: DecodeAttentionWork = { shape: { numHeads: 0, numKvHeads: 0, headDim: 0, dtypeBytes: 0 }, numRequests: 0, tlp: 0, contextLens: [], totalContextTokens: 0 };

/**
 * attentionIterationCost written into `out` (newAttentionIterationCost): the serving loop's call. A decode-only
 * iteration allocates nothing; prefill chunks are costed as before and copied in. The same arithmetic in the same
 * order as the allocating version had, so the values are bit-identical.
 */
export function attentionIterationCostInto(ctx: SystemContext, b: Batch, prefillFcUnit: string, out: AttentionIterationCost): AttentionIterationCost {
  const { attention, comm } = out;
  copyUnitCost(ZERO_UNIT_COST, attention);
  copyUnitCost(ZERO_UNIT_COST, comm);
  out.linkBwSec = 0;
  if (b.numDecode > 0) {
    decodeAttentionCostInto(ctx, b, attention);
    if (ctx.attentionVia.length > 0) {
      const t = attentionTransferCost(ctx, b.numDecode * b.tlp);
      copyUnitCost(t.cost, comm);
      out.linkBwSec = t.linkBwSec;
    }
  }
  copyUnitCost(ZERO_UNIT_COST, out.prefillAttention);
  if (b.numRequests > b.numDecode) addPrefillChunks(ctx, b, prefillFcUnit, out);
  return out;
}

/** Decode attention of the batch's decoding requests (numDecode > 0), all layers, on the attention unit, into `out`. */
export function decodeAttentionCostInto(ctx: SystemContext, b: Batch, out: UnitCost): UnitCost {
  const layers = ctx.model.num_hidden_layers;
  work.shape = ctx.shape;
  work.numRequests = b.numDecode;
  work.tlp = b.tlp;
  work.contextLens = b.kvLens;
  work.totalContextTokens = b.decodeKvTokens;
  const a = decodeAttentionInto(ctx.attention, work, perLayer);
  out.timeSec = a.timeSec * layers;
  out.split.compute = a.split.compute * layers;
  out.split.dram = a.split.dram * layers;
  out.split.transfer = a.split.transfer * layers;
  out.energyJoules = out.split.compute + out.split.dram + out.split.transfer;
  return out;
}

/** Prefill chunks' causal attention on the prefill attention unit, and the transfers it implies, into `out`. */
function addPrefillChunks(ctx: SystemContext, b: Batch, prefillFcUnit: string, out: AttentionIterationCost): void {
  const layers = ctx.model.num_hidden_layers;
  let sec = 0;
  // the split summed field by field from zero (as sumSplit from ZERO_SPLIT did), without an object per chunk
  let compute = 0;
  let dram = 0;
  let transfer = 0;
  let prefillTokens = 0;
  const unit = ctx.prefill.attention;
  for (let i = b.numDecode; i < b.numRequests; i++) {
    const n = b.newTokens[i];
    prefillTokens += n;
    const c = chunkAttention(ctx, n, b.kvLens[i] - n);
    sec += c.timeSec * layers;
    compute = compute + c.split.compute * layers;
    dram = dram + c.split.dram * layers;
    transfer = transfer + c.split.transfer * layers;
  }
  const p = out.prefillAttention;
  p.timeSec = sec;
  p.energyJoules = compute + dram + transfer;
  p.split.compute = compute;
  p.split.dram = dram;
  p.split.transfer = transfer;
  const t = unit !== ctx.kv ? kvShipCostMemo(ctx, prefillTokens) : prefillFcUnit !== unit.name ? attentionTransferCost(ctx, prefillTokens) : null;
  if (t !== null) {
    const comm = out.comm;
    comm.timeSec = comm.timeSec + t.cost.timeSec;
    comm.split.compute = comm.split.compute + t.cost.split.compute;
    comm.split.dram = comm.split.dram + t.cost.split.dram;
    comm.split.transfer = comm.split.transfer + t.cost.split.transfer;
    comm.energyJoules = comm.split.compute + comm.split.dram + comm.split.transfer;
    out.linkBwSec += t.linkBwSec;
  }
}

/** per system: one layer's causal attention of a whole prompt (nothing cached) by its tokens, on the prefill unit */
const promptMemo = new WeakMap<SystemContext, Map<number, UnitCost>>();
const shipMemo = new WeakMap<SystemContext, Map<number, { cost: UnitCost; linkBwSec: number }>>();

/** One layer's attention of a chunk of `newTokens` over `cachedTokens` cached keys; whole prompts memoized. */
function chunkAttention(ctx: SystemContext, newTokens: number, cachedTokens: number): UnitCost {
  const unit = ctx.prefill.attention;
  if (cachedTokens !== 0) return unit.prefillAttention!({ shape: ctx.shape, newTokens, cachedTokens });
  let byTokens = promptMemo.get(ctx);
  if (!byTokens) promptMemo.set(ctx, (byTokens = new Map()));
  let hit = byTokens.get(newTokens);
  // Stryker disable next-line ConditionalExpression: a memo; recomputing on a hit gives the same value, only slower
  if (!hit) byTokens.set(newTokens, (hit = unit.prefillAttention!({ shape: ctx.shape, newTokens, cachedTokens })));
  return hit;
}

/** kvShipCost, memoized per system and token count. */
function kvShipCostMemo(ctx: SystemContext, numTokens: number): { cost: UnitCost; linkBwSec: number } {
  let byTokens = shipMemo.get(ctx);
  if (!byTokens) shipMemo.set(ctx, (byTokens = new Map()));
  let hit = byTokens.get(numTokens);
  // Stryker disable next-line ConditionalExpression: a memo; recomputing on a hit gives the same value, only slower
  if (!hit) byTokens.set(numTokens, (hit = kvShipCost(ctx, numTokens)));
  return hit;
}
