import { UserError } from "../../core/errors.ts";
import { pimValuesPerColumn, type PimDesign } from "./schema.ts";
import {
  pimBusColumnClocks, pimColumnReadsPerPosition, pimConsts, pimDynamicEnergy, pimFreshCommandsPerColumn, pimKernelCost, pimMacCommandIntervalSec, pimMacCommandsPerColumn,
  pimMacReuseIntervalSec, pimStreamTimeSec, type PimConsts, type PimDynamicSplit, type PimKernelCost, type PimKernelCounts,
} from "./timing.ts";

export interface PimAttentionShape {
  numHeads: number;
  /** KV heads (grouped-query attention); defaults to numHeads */
  numKvHeads?: number;
  headDim: number;
  /** KV length of every request in the batch (0 = finished slot, costs nothing) */
  contextLens: ArrayLike<number>;
  /** query tokens per request (speculation length): each K/V read is reused tlp x group times */
  tlp: number;
  numStacks: number;
  dtypeBytes?: number;
}

/**
 * Decode attention (score, softmax, context) for a batch on PIM stacks, from DRAM commands
 * (docs/pim-model.md). AttAcc's layout: one KV head per channel; K^T (d x L) split by columns (keys)
 * over the G = pseudo-channels x ranks x enabled bank groups of the channel and by rows (d) over the B
 * banks of a group; V (L x d) split by keys over the groups and by d over the banks. Per head and
 * channel: 2 ceil(L/G) ceil(d/(B 16)) MACABs (AttAcc: 4 ceil(L/16) for d = 128), each column reused by
 * the tlp x (numHeads/numKvHeads) queries of the head.
 *
 * Per head, three resources: the bank arrays (score MACs, then context MACs, A/2 each), the
 * pseudo-channel buses (WRGB query in, MVSB scores out, MVGB probabilities back, context partials out)
 * and the buffer-die softmax unit (softmaxElementsPerClock per tCK; AttAcc's Ramulator model times SFM
 * as one bus command). As in AttAcc's command trace, scores stream out while the score MACs run and
 * context partials while the context MACs run; the query write, the softmax and the probabilities'
 * return sit between the phases (they depend on all scores). So a lone head takes
 *   S = query + max(A/2, scores out) + softmax + probabilities in + max(A/2, context out),
 * while heads that share a channel pipeline (the next head's MACs run during this head's softmax), so
 * each adds only P = max(A, bus total, softmax). Heads are placed on the least-loaded of the
 * numStacks x channels channels; the critical path is estimated as
 *   max(sum P / channels, ceil(numKvHeads / channels) max P) + max (S - P):
 * exact when all heads have equal length (a request's numKvHeads heads need ceil(numKvHeads / channels)
 * rounds, AttAcc's round structure), a balanced-placement estimate otherwise; non-decreasing in every
 * context length and in the number of requests.
 * O(contextLens.length); pimAttentionDynamic allocates nothing.
 */
export function pimAttentionCost(design: PimDesign, a: PimAttentionShape): PimKernelCost {
  const n = pimAttentionCounts(design, a, new PimAttentionCounts());
  const { P, wrgbCols, ctxOutCols } = n.consts!;
  const headChannels = n.numKvHeads;
  return pimKernelCost(design, {
    timeSec: n.timeSec,
    numStacks: n.numStacks,
    bankRowActivations: n.bankRowActivations,
    columnReads: n.columnReads,
    transferBytesIn: n.transferBytesIn,
    transferBytesOut: n.transferBytesOut,
    macs: n.macs,
    extraComputeJoules: n.extraComputeJoules,
    commands: {
      ACTAB: n.actab,
      PREA: n.actab,
      MACAB: n.macab,
      WRGB: wrgbCols * n.numActive * headChannels,
      MVSB: (n.scoreColsSum + ctxOutCols * n.numActive) * P * headChannels,
      MVGB: n.scoreColsSum * P * headChannels,
      SFM: n.numActive * headChannels,
      REF: n.numRefresh,
    },
  });
}

/**
 * pimAttentionCost's time and dynamic energy only (compute, DRAM access, transfer: what a unit charges; background
 * power is charged over the run), written into `out` (reused: the serving loop's per-iteration call allocates
 * nothing). Only the first `numRequests` context lengths are read. The same arithmetic as pimAttentionCost, so the
 * values are bit-identical to its.
 */
export function pimAttentionDynamic(design: PimDesign, a: PimAttentionShape, numRequests: number, out: PimAttentionCounts, split: PimDynamicSplit): number {
  pimAttentionCounts(design, a, out, numRequests);
  pimDynamicEnergy(design, out, split, out.consts!.c);
  return out.timeSec;
}

/** The counts behind one attention call (every field rewritten by pimAttentionCounts). */
export class PimAttentionCounts implements Omit<PimKernelCounts, "commands"> {
  timeSec = 0;
  numStacks = 0;
  numKvHeads = 0;
  bankRowActivations = 0;
  columnReads = 0;
  transferBytesIn = 0;
  transferBytesOut = 0;
  macs = 0;
  extraComputeJoules = 0;
  actab = 0;
  macab = 0;
  scoreColsSum = 0;
  numActive = 0;
  numRefresh = 0;
  consts: AttentionConsts | null = null;
}

/** The counts of the first `numLens` requests of `a` (all by default), into `out`. */
function pimAttentionCounts(design: PimDesign, a: PimAttentionShape, out: PimAttentionCounts, numLens = a.contextLens.length): PimAttentionCounts {
  const { numHeads, headDim: d, tlp, numStacks, contextLens } = a;
  const numKvHeads = a.numKvHeads ?? numHeads;
  const dt = a.dtypeBytes ?? 2;
  checkInt("numHeads", numHeads);
  checkInt("numKvHeads", numKvHeads);
  checkInt("headDim", d);
  checkInt("tlp", tlp);
  checkInt("numStacks", numStacks);
  checkInt("dtypeBytes", dt);
  if (numHeads % numKvHeads !== 0) {
    throw new UserError(`attention.numKvHeads must divide numHeads (${numHeads}), got ${numKvHeads}`);
  }
  const q = tlp * (numHeads / numKvHeads); // queries that reuse every K/V column
  // the last call's constants when it had the same (design, q, d, dtype): the serving loop's usual case
  const last = out.consts;
  const k = last !== null && last.design === design && last.q === q && last.d === d && last.dt === dt ? last : attentionConsts(design, q, d, dt);
  const c = k.c;
  const { P, commandsPerColumn, readsPerPosition, wrgbCols, ctxOutCols } = k;
  const colB = c.columnBytes;
  const C = design.hbm.org.numChannels;
  const numChannels = numStacks * C;

  let sumPipelinedSec = 0;
  let maxPipelinedSec = 0;
  let maxFillSec = 0;
  let sumTokens = 0; // sum of L over requests
  let colsSum = 0; // column positions per bank of K (and again of V), each read once
  let actabPerHeadSum = 0;
  let scoreColsSum = 0; // per bus
  let numActive = 0;
  for (let r = 0; r < numLens; r++) {
    const L = contextLens[r];
    if (!Number.isInteger(L) || L < 0) {
      throw new UserError(`attention.contextLens[${r}] must be a non-negative integer, got ${L}`);
    }
    if (L === 0) continue;
    // a request's terms depend on its length only (and on k): read from the memo, derived on a miss
    let terms = k.memo.byLen;
    let o = (L | 0) * TERMS; // an int32 index: V8 converts a double index at every read (L < byLenCount whenever o is read)
    if (L >= k.memo.byLenCount || !(terms[o] >= 0)) {
      terms = lengthTerms(c, k, L);
      if (terms === farTerms) o = 0;
    }
    const pipelined = terms[o];
    sumPipelinedSec += pipelined * numKvHeads;
    // Stryker disable next-line EqualityOperator: >= differs only when pipelined === maxPipelinedSec, where the assignment changes nothing
    if (pipelined > maxPipelinedSec) maxPipelinedSec = pipelined;
    if (terms[o + 1] > maxFillSec) maxFillSec = terms[o + 1];
    sumTokens += L;
    colsSum += terms[o + 2];
    actabPerHeadSum += terms[o + 3];
    scoreColsSum += terms[o + 4];
    numActive++;
  }
  // integer counts (exact in doubles): the per-request sums of 2 cols, 2 cols x commands, wrgb + score and
  // score + context-out columns, summed once
  const colsPerHeadSum = 2 * colsSum;
  const macabPerHeadSum = colsPerHeadSum * commandsPerColumn;
  const busColsInPerHeadSum = numActive * wrgbCols + scoreColsSum; // per bus
  const busColsOutPerHeadSum = scoreColsSum + numActive * ctxOutCols; // per bus
  const kvBytes = 2 * sumTokens * d * numKvHeads * dt;
  const capacity = c.stackCapacityBytes * numStacks;
  if (kvBytes > capacity) {
    throw new UserError(
      `attention: KV cache ${kvBytes} B exceeds numStacks x capacity = ${capacity} B of design "${design.name}"`,
    );
  }
  const roundsPerRequest = Math.ceil(numKvHeads / numChannels);
  const timeSec = sumTokens === 0 ? 0 : Math.max(sumPipelinedSec / numChannels, roundsPerRequest * maxPipelinedSec) + maxFillSec;

  const headChannels = numKvHeads; // every count above is per head-channel
  const actab = actabPerHeadSum * headChannels;
  const softmaxElements = sumTokens * numHeads * tlp;
  out.timeSec = timeSec;
  out.numStacks = numStacks;
  out.numKvHeads = numKvHeads;
  out.actab = actab;
  out.macab = macabPerHeadSum * headChannels;
  out.columnReads = colsPerHeadSum * headChannels * c.banksPerChannel * readsPerPosition;
  out.bankRowActivations = actab * c.banksPerChannel;
  out.numRefresh = Math.round((timeSec / c.refreshIntervalSec) * numChannels);
  out.macs = 2 * sumTokens * numHeads * tlp * d; // score + context (AttAcc's energy left context out)
  out.extraComputeJoules = softmaxElements * design.energy.softmaxJoulesPerElement;
  out.transferBytesIn = busColsInPerHeadSum * headChannels * P * colB;
  out.transferBytesOut = busColsOutPerHeadSum * headChannels * P * colB;
  out.scoreColsSum = scoreColsSum;
  out.numActive = numActive;
  out.consts = k;
  return out;
}

/** What every call with the same (design, queries per column, head dim, dtype) shares. */
interface AttentionConsts {
  /** the design, queries per column, head dim and dtype bytes the constants are for, and the design's constants */
  design: PimDesign;
  q: number;
  d: number;
  dt: number;
  c: PimConsts;
  G: number;
  P: number;
  commandsPerColumn: number;
  reuseIntervalSec: number;
  freshPerColumn: number;
  readsPerPosition: number;
  intervalSec: number;
  colsPerKey: number;
  busColumnSec: number;
  wrgbCols: number;
  ctxOutCols: number;
  sfmSecPerElement: number;
  wrgbSec: number;
  ctxOutSec: number;
  /**
   * The memo of lengthTerms: TERMS numbers per context length L at [L x TERMS] (NaN until derived), for lengths below
   * byLenCount (it grows by doubling up to MEMO_MAX_LEN lengths).
   */
  memo: LengthMemo;
  /** false for constants derived for one call (not cached): no memo */
  memoized: boolean;
}

/**
 * Per context length, a request's terms of pimAttentionCounts: [pipelined s, alone - pipelined s, K columns per bank,
 * row activations per head (K and V), score columns per bus]. A request's cost depends on its length only (given
 * the design, queries per column, head dim and dtype), so the serving loop, which asks for the same lengths millions
 * of times, reads them from a Float64Array (the values are the ones the derivation gives: bit-identical).
 */
const TERMS = 5;
/** ASSUMPTION (memory bound, not a model value): lengths past 2^18 tokens are derived every call (memo <= 10 MB). */
const MEMO_MAX_LEN = 1 << 18;
/** the terms of a length past MEMO_MAX_LEN (rewritten every call) */
const farTerms = new Float64Array(TERMS);

/** Derives the terms of length L (>= 1) into k's memo (grown when needed) or farTerms; returns the array written. */
function lengthTerms(c: PimConsts, k: AttentionConsts, L: number): Float64Array<ArrayBuffer> {
  let out = farTerms;
  let o = 0;
  if (k.memoized && L < MEMO_MAX_LEN) {
    const m = k.memo;
    if (L >= m.byLenCount) {
      const count = Math.min(MEMO_MAX_LEN, Math.max(2 * m.byLenCount, L + 1, 1024));
      const grown = new Float64Array(count * TERMS).fill(NaN);
      grown.set(m.byLen);
      m.byLen = grown;
      m.byLenCount = count;
    }
    out = m.byLen;
    o = L * TERMS;
  }
  const { G, P, commandsPerColumn, intervalSec, reuseIntervalSec, freshPerColumn, colsPerKey, busColumnSec, wrgbCols, ctxOutCols, sfmSecPerElement, wrgbSec, ctxOutSec, q, dt } = k;
  const keysPerGroup = Math.ceil(L / G);
  const cols = keysPerGroup * colsPerKey; // per bank, for K and again for V
  const phaseArraySec = pimStreamTimeSec(c, cols, commandsPerColumn, intervalSec, reuseIntervalSec, freshPerColumn) * c.refreshStretch;
  const scoreCols = Math.ceil(((G / P) * keysPerGroup * q * dt) / c.columnBytes); // MVSB and MVGB, per bus
  const scoreOutSec = scoreCols * busColumnSec;
  const busSec = (wrgbCols + 2 * scoreCols + ctxOutCols) * busColumnSec;
  const sfmSec = Math.ceil(q * L) * sfmSecPerElement;
  const pipelined = Math.max(2 * phaseArraySec, busSec, sfmSec);
  const alone = wrgbSec + Math.max(phaseArraySec, scoreOutSec) + sfmSec + scoreOutSec + Math.max(phaseArraySec, ctxOutSec);
  out[o] = pipelined;
  out[o + 1] = alone - pipelined;
  out[o + 2] = cols;
  out[o + 3] = 2 * Math.ceil(cols / c.columnsPerRow);
  out[o + 4] = scoreCols;
  return out;
}

const constsCache = new WeakMap<PimDesign, Map<number, AttentionConsts>>();

/** The per-length terms of lengthTerms, shared by every AttentionConsts whose inputs to lengthTerms are equal. */
interface LengthMemo {
  byLen: Float64Array<ArrayBuffer>;
  byLenCount: number;
}

/**
 * One memo per content of lengthTerms' inputs (the design's PimConsts, all numbers, and the scalars of k): a sweep or
 * the sensitivity study holds thousands of design objects, most of them with the same PIM timing, and a table per
 * object took ~180 MiB in the design-space sweep. JSON keeps every double exactly (shortest round-trip form).
 */
const sharedMemos = new Map<string, LengthMemo>();

function sharedMemo(k: AttentionConsts): LengthMemo {
  const key = JSON.stringify([k.c, k.G, k.P, k.commandsPerColumn, k.intervalSec, k.reuseIntervalSec, k.freshPerColumn, k.colsPerKey, k.busColumnSec, k.wrgbCols, k.ctxOutCols, k.sfmSecPerElement, k.wrgbSec, k.ctxOutSec, k.q, k.dt]);
  let m = sharedMemos.get(key);
  if (m === undefined) sharedMemos.set(key, (m = k.memo));
  return m;
}

/**
 * Cached per design and (q, d, dtype) under a numeric key (a mixed-radix code, unique while d < 4096 and
 * dtype < 16), so the serving loop's per-iteration call does a lookup instead of re-deriving the MAC schedule;
 * the derivation is out of line so the JIT can inline the lookup.
 */
function attentionConsts(design: PimDesign, q: number, d: number, dt: number): AttentionConsts {
  const hit = d < 4096 && dt < 16 ? constsCache.get(design)?.get((q * 4096 + d) * 16 + dt) : undefined;
  return hit ?? deriveAttentionConsts(design, q, d, dt);
}

function deriveAttentionConsts(design: PimDesign, q: number, d: number, dt: number): AttentionConsts {
  const c = pimConsts(design);
  const o = design.hbm.org;
  const P = o.numPseudoChannels;
  const G = P * o.numRanks * design.numEnabledBankGroups;
  const B = o.numBanksPerGroup;
  const v = pimValuesPerColumn(design, dt);
  const busColumnSec = pimBusColumnClocks(design) * c.tCkSec;
  const wrgbCols = Math.ceil((q * d * dt) / c.columnBytes); // query, broadcast to every group on both buses
  const ctxOutCols = Math.ceil(((G / P) * q * d * dt) / c.columnBytes); // per bus: one partial per group
  const commandsPerColumn = pimMacCommandsPerColumn(design, q);
  const k: AttentionConsts = {
    G,
    P,
    commandsPerColumn,
    reuseIntervalSec: pimMacReuseIntervalSec(design, q, dt),
    freshPerColumn: pimFreshCommandsPerColumn(design, commandsPerColumn),
    readsPerPosition: pimColumnReadsPerPosition(design, commandsPerColumn),
    intervalSec: pimMacCommandIntervalSec(design, q, dt),
    colsPerKey: Math.ceil(d / (B * v)),
    busColumnSec,
    wrgbCols,
    ctxOutCols,
    sfmSecPerElement: c.tCkSec / design.softmaxElementsPerClock,
    wrgbSec: wrgbCols * busColumnSec,
    ctxOutSec: ctxOutCols * busColumnSec,
    design,
    q,
    d,
    dt,
    c,
    memo: { byLen: new Float64Array(0), byLenCount: 0 },
    memoized: d < 4096 && dt < 16,
  };
  if (k.memoized) {
    k.memo = sharedMemo(k);
    let byKey = constsCache.get(design);
    if (byKey === undefined) constsCache.set(design, (byKey = new Map()));
    byKey.set((q * 4096 + d) * 16 + dt, k);
  }
  return k;
}

function checkInt(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`attention.${field} must be a positive integer, got ${v}`);
}
