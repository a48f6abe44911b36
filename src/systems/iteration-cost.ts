import { fcShapesPerLayer } from "../models/kernels.ts";
import { scaleSplit, sumSplit, unitCost, ZERO_SPLIT, ZERO_UNIT_COST, type EnergySplit, type UnitCost } from "../units/unit.ts";
import { attentionIterationCostInto, attentionTransferCost, decodeAttentionCostInto, newAttentionIterationCost } from "./attention-cost.ts";
import { batchLogitTokens, batchTokens, type Batch } from "./batch.ts";
import { fcPlacement, type FcPlacement, type SystemContext } from "./build.ts";
import { fcLayersCost, lmHeadCost } from "./fc-cost.ts";

/**
 * Cost of one iteration (all layers + LM head) on a system: decoding requests, prefill chunks, or both. Pure: depends
 * only on the system context, the unit the scheduler chose for FC, and the batch. Layers are identical, so one layer
 * is costed and multiplied by the layer count; FC costs depend only on (unit, tokens) and are memoized (fc-cost.ts),
 * so an iteration costs O(requests) for attention and O(1) otherwise. Kernels within a layer run one after another
 * (each depends on the last), unless the system overlaps two sub-batches (`overlap: sub-batch`, NeuPIMs-style) and
 * FC and decode attention keep different resources busy: then interleavedCost below prices NeuPIMs' sub-batch
 * interleaving. Energies are dynamic; static power is charged over the run (static-power.ts).
 */
export interface PhaseCost {
  fcSec: number;
  attentionSec: number;
  /** the part of attentionSec spent on prefill chunks (on the prefill attention unit) */
  prefillAttentionSec: number;
  communicationSec: number;
  otherSec: number;
  /** time hidden by overlapping FC and attention (0 without overlap): phaseTimeSec subtracts it */
  overlapSec: number;
  fcJoules: number;
  attentionJoules: number;
  communicationJoules: number;
  otherJoules: number;
  /** The part of communicationSec spent moving bytes over the attention links (latency excluded). */
  attentionLinkBwSec: number;
  /** the unit that ran FC */
  fcUnit: string;
  /** dynamic energy by kind of the unit in each role: fc (fcUnit), attention (decode), prefill attention, other (elementwise) */
  split: { fc: EnergySplit; attention: EnergySplit; prefillAttention: EnergySplit; other: EnergySplit };
}

export const phaseTimeSec = (p: PhaseCost): number => p.fcSec + p.attentionSec + p.communicationSec + p.otherSec - p.overlapSec;
export const phaseEnergyJoules = (p: PhaseCost): number => p.fcJoules + p.attentionJoules + p.communicationJoules + p.otherJoules;

/**
 * One iteration with FC on `fcUnit` (a unit of roles.fc or roles.prefill.fc). The scheduler's overhead is charged on
 * iterations that decode (it decides before each).
 */
export function iterationCost(ctx: SystemContext, fcUnit: string, b: Batch): PhaseCost {
  return iterationCostInto(ctx, fcUnit, b, newPhaseCost());
}

/** A PhaseCost iterationCostInto may overwrite (its splits its own). */
export function newPhaseCost(): PhaseCost {
  const split = () => ({ compute: 0, dram: 0, transfer: 0 });
  return {
    fcSec: 0, attentionSec: 0, prefillAttentionSec: 0, communicationSec: 0, otherSec: 0, overlapSec: 0,
    fcJoules: 0, attentionJoules: 0, communicationJoules: 0, otherJoules: 0, attentionLinkBwSec: 0, fcUnit: "",
    split: { fc: split(), attention: split(), prefillAttention: split(), other: split() },
  };
}

/** the iteration's attention (rewritten every call: iterationCostInto does not nest) */
const attentionScratch = newAttentionIterationCost();

/**
 * iterationCost written into `out` (newPhaseCost): the serving loop's call, which allocates nothing for a
 * decode-only iteration on a system without sub-batch overlap. Bit-identical to the allocating version's values.
 */
export function iterationCostInto(ctx: SystemContext, fcUnit: string, b: Batch, out: PhaseCost): PhaseCost {
  const p = fcPlacement(ctx, fcUnit);
  if (b.numRequests === b.numDecode && b.numDecode > 0 && b.numPromptsEnded === 0 && !(b.numDecode > 1 && overlaps(ctx, p))) return decodeCostInto(ctx, p, b, out);
  const body = fcLayersCost(ctx, p, batchTokens(b));
  const head = lmHeadCost(ctx, p, batchLogitTokens(b));
  const a = attentionIterationCostInto(ctx, b, p.unit.name, attentionScratch);
  let fc = body.fc;
  let attention = a.attention;
  let overlapSec = 0;
  if (ctx.spec.overlap === "sub-batch" && b.numDecode > 1 && p.unit.resourceOf("fc") !== ctx.attention.resourceOf("attention")) {
    // ASSUMPTION: the runtime interleaves only when it pays (NeuPIMs' scheduler already estimates attention time:
    // the artifact's Scheduler::estimate_mha_latency); splitting reads the FC weights twice, so a weight-bound
    // iteration runs as one batch
    const sequentialSec = body.fc.timeSec + a.attention.timeSec;
    const s = interleavedCost(ctx, p, b, sequentialSec);
    if (s !== null && s.timeSec < sequentialSec) {
      fc = s.fc;
      attention = s.attention;
      overlapSec = s.fc.timeSec + s.attention.timeSec - s.timeSec;
    }
  }
  out.fcSec = fc.timeSec + head.fc.timeSec;
  out.attentionSec = attention.timeSec + a.prefillAttention.timeSec;
  out.prefillAttentionSec = a.prefillAttention.timeSec;
  out.communicationSec = body.comm.timeSec + head.comm.timeSec + a.comm.timeSec;
  out.otherSec = body.other.timeSec + head.other.timeSec + (b.numDecode > 0 ? ctx.spec.schedulerOverheadSec : 0);
  out.overlapSec = overlapSec;
  out.fcJoules = fc.energyJoules + head.fc.energyJoules;
  out.attentionJoules = attention.energyJoules + a.prefillAttention.energyJoules;
  out.communicationJoules = body.comm.energyJoules + head.comm.energyJoules + a.comm.energyJoules;
  out.otherJoules = body.other.energyJoules + head.other.energyJoules;
  out.attentionLinkBwSec = a.linkBwSec;
  out.fcUnit = p.unit.name;
  addSplitsInto(fc.split, head.fc.split, out.split.fc);
  copySplit(attention.split, out.split.attention);
  copySplit(a.prefillAttention.split, out.split.prefillAttention);
  addSplitsInto(body.other.split, head.other.split, out.split.other);
  return out;
}

/** Whether a decode iteration with FC on `p` may interleave two sub-batches (see iterationCostInto). */
function overlaps(ctx: SystemContext, p: FcPlacement): boolean {
  return ctx.spec.overlap === "sub-batch" && p.unit.resourceOf("fc") !== ctx.attention.resourceOf("attention");
}

/**
 * A decode-only iteration without sub-batch interleaving: everything but decode attention depends on (placement,
 * tokens) only, so it is built once per pair (decodeTemplate) and copied; attention is costed from the batch. The
 * same values as the general path (its sums are left-associative: (body + head) + transfer, each partial sum is
 * the one the general path forms; x + 0 where it adds a zero prefill part), so the results are bit-identical.
 */
function decodeCostInto(ctx: SystemContext, p: FcPlacement, b: Batch, out: PhaseCost): PhaseCost {
  const t = decodeTemplate(ctx, p, b.numDecode * b.tlp);
  const a = decodeAttentionCostInto(ctx, b, attentionScratch.attention);
  out.fcSec = t.fcSec;
  out.attentionSec = a.timeSec + 0;
  out.prefillAttentionSec = 0;
  out.communicationSec = t.communicationSec;
  out.otherSec = t.otherSec;
  out.overlapSec = 0;
  out.fcJoules = t.fcJoules;
  out.attentionJoules = a.energyJoules + 0;
  out.communicationJoules = t.communicationJoules;
  out.otherJoules = t.otherJoules;
  out.attentionLinkBwSec = t.attentionLinkBwSec;
  out.fcUnit = t.fcUnit;
  copySplit(t.split.fc, out.split.fc);
  copySplit(a.split, out.split.attention);
  copySplit(ZERO_SPLIT, out.split.prefillAttention);
  copySplit(t.split.other, out.split.other);
  return out;
}

/** per system, per FC placement (its index in ctx.fc, then the prefill placement), per token count */
const templates = new WeakMap<SystemContext, PhaseCost[][]>();
/** the last system's templates (the serving loop asks for one system millions of times) */
let lastCtx: SystemContext | null = null;
let lastTemplates: PhaseCost[][] = [];

/** The cost of a decode-only iteration of `numTokens` tokens with FC on `p`, decode attention left at zero. */
function decodeTemplate(ctx: SystemContext, p: FcPlacement, numTokens: number): PhaseCost {
  if (ctx !== lastCtx) {
    let t = templates.get(ctx);
    if (t === undefined) templates.set(ctx, (t = []));
    lastCtx = ctx;
    lastTemplates = t;
  }
  const i = p === ctx.fc[0] ? 0 : placementIndex(ctx, p);
  const byTokens = lastTemplates[i] ?? (lastTemplates[i] = []);
  return byTokens[numTokens] ?? (byTokens[numTokens] = buildDecodeTemplate(ctx, p, numTokens));
}

function placementIndex(ctx: SystemContext, p: FcPlacement): number {
  const i = ctx.fc.indexOf(p);
  return i < 0 ? ctx.fc.length : i;
}

function buildDecodeTemplate(ctx: SystemContext, p: FcPlacement, numTokens: number): PhaseCost {
  const body = fcLayersCost(ctx, p, numTokens);
  const head = lmHeadCost(ctx, p, numTokens);
  const comm = ctx.attentionVia.length > 0 ? attentionTransferCost(ctx, numTokens) : { cost: ZERO_UNIT_COST, linkBwSec: 0 };
  const t = newPhaseCost();
  t.fcSec = body.fc.timeSec + head.fc.timeSec;
  t.communicationSec = body.comm.timeSec + head.comm.timeSec + comm.cost.timeSec;
  t.otherSec = body.other.timeSec + head.other.timeSec + ctx.spec.schedulerOverheadSec;
  t.fcJoules = body.fc.energyJoules + head.fc.energyJoules;
  t.communicationJoules = body.comm.energyJoules + head.comm.energyJoules + comm.cost.energyJoules;
  t.otherJoules = body.other.energyJoules + head.other.energyJoules;
  t.attentionLinkBwSec = comm.linkBwSec;
  t.fcUnit = p.unit.name;
  addSplitsInto(body.fc.split, head.fc.split, t.split.fc);
  addSplitsInto(body.other.split, head.other.split, t.split.other);
  return t;
}

/**
 * NeuPIMs' sub-batch interleaving (Heo et al., ASPLOS 2024, abstract: "two independent sub-batches [...] pipelined
 * within a single NeuPIMs device"; the schedule is its artifact's, casys-kaist/NeuPIMs src/StageProgram.cc stages A-F
 * and src/scheduler/Scheduler.cc): the decoding requests are split into two sub-batches (the artifact's default
 * partition, _partition_alg_simple: the first ceil(n / 2) and the rest, per channel there, over the whole batch here;
 * sub-batch 2 also carries the iteration's prefill chunks). Per layer, sub-batch i needs FC on the FC unit (q_i: QKV
 * generation before its attention, p_i: projection and FFN after it; f_i = q_i + p_i) and decode attention a_i on the
 * attention unit; while one sub-batch's attention runs, the other's FC runs (subBatchPipelineSec). Energy: both
 * sub-batches' FC (every weight read twice) and attention. The LM head, the elementwise kernels and the
 * tensor-parallel collectives run once over the whole batch, outside the pipeline (ASSUMPTION: not interleaved).
 * ASSUMPTION: QKV generation takes its share of the layer's FC weights of the FC time (exact when the layer's GEMMs
 * all run at one rate, as weight-bound ones do).
 * null, without pricing the attention, when the two sub-batches' FC alone takes `notAbove` or longer (the FC unit
 * is busy for f1 + f2 at least, so the interleaved time cannot be shorter).
 */
export function interleavedCost(ctx: SystemContext, p: FcPlacement, b: Batch, notAbove = Infinity): { fc: UnitCost; attention: UnitCost; timeSec: number } | null {
  const L = ctx.model.num_hidden_layers;
  const h = Math.ceil(b.numDecode / 2);
  const tokens1 = h * b.tlp;
  const tokens2 = batchTokens(b) - tokens1;
  const f1 = fcLayersCost(ctx, p, tokens1).fc;
  const f2 = fcLayersCost(ctx, p, tokens2).fc;
  if (f1.timeSec + f2.timeSec >= notAbove) return null;
  const a1 = subBatchAttention(ctx, b, 0, h);
  const a2 = subBatchAttention(ctx, b, h, b.numDecode);
  const share = (t: number) => {
    let qkv = 0;
    let all = 0;
    for (const s of fcShapesPerLayer(ctx.model, t)) {
      const w = s.k * s.n * s.numInstances;
      all += w;
      if (s.name === "qkv") qkv += w;
    }
    return qkv / all;
  };
  const [s1, s2] = [share(tokens1), share(tokens2)];
  const [f1s, f2s] = [f1.timeSec / L, f2.timeSec / L];
  return {
    fc: unitCost(f1.timeSec + f2.timeSec, sumSplit(f1.split, f2.split)),
    attention: unitCost(a1.timeSec + a2.timeSec, sumSplit(a1.split, a2.split)),
    timeSec: subBatchPipelineSec(L, s1 * f1s, (1 - s1) * f1s, s2 * f2s, (1 - s2) * f2s, a1.timeSec / L, a2.timeSec / L),
  };
}

/**
 * The stage schedule of NeuPIMs' artifact (src/StageProgram.cc) over L layers, per-layer times in: both units start
 * a stage together and the next stage starts when both are done, so a stage takes the longer of its two parts.
 *   stage   A     B              C (layers 2..L)       D (layers 2..L)       E              F
 *   FC      q1    q2             p1 + q1 (next layer)  p2 + q2 (next layer)  p1             p2
 *   attn    -     a1             a2                    a1                    a2             -
 * time = q1 + max(q2, a1) + (L - 1) (max(p1 + q1, a2) + max(p2 + q2, a1)) + max(p1, a2) + p2; never less than either
 * unit's own work, L (f1 + f2) and L (a1 + a2), never more than running everything in turn.
 */
export function subBatchPipelineSec(L: number, q1: number, p1: number, q2: number, p2: number, a1: number, a2: number): number {
  return q1 + Math.max(q2, a1) + (L - 1) * (Math.max(p1 + q1, a2) + Math.max(p2 + q2, a1)) + Math.max(p1, a2) + p2;
}

/** Decode attention of requests [from, to) of the batch, all layers, on the attention unit. */
function subBatchAttention(ctx: SystemContext, b: Batch, from: number, to: number): UnitCost {
  if (to <= from) return ZERO_UNIT_COST;
  const lens: number[] = new Array<number>(to - from);
  let total = 0;
  for (let i = from; i < to; i++) total += lens[i - from] = b.kvLens[i];
  const c = ctx.attention.decodeAttention!({ shape: ctx.shape, numRequests: to - from, tlp: b.tlp, contextLens: lens, totalContextTokens: total });
  const L = ctx.model.num_hidden_layers;
  return unitCost(c.timeSec * L, scaleSplit(c.split, L));
}

function copySplit(x: EnergySplit, out: EnergySplit): void {
  out.compute = x.compute;
  out.dram = x.dram;
  out.transfer = x.transfer;
}

/** x + y into `out`; a ZERO_SPLIT operand is skipped rather than added (as the split sums always did). */
function addSplitsInto(x: EnergySplit, y: EnergySplit, out: EnergySplit): void {
  if (x === ZERO_SPLIT) copySplit(y, out);
  else if (y === ZERO_SPLIT) copySplit(x, out);
  else {
    out.compute = x.compute + y.compute;
    out.dram = x.dram + y.dram;
    out.transfer = x.transfer + y.transfer;
  }
}
