import { ZERO_SPLIT, type EnergySplit } from "../units/unit.ts";
import { attentionIterationCost } from "./attention-cost.ts";
import { batchLogitTokens, batchTokens, type Batch } from "./batch.ts";
import { fcPlacement, type SystemContext } from "./build.ts";
import { fcLayersCost, lmHeadCost } from "./fc-cost.ts";

/**
 * Cost of one iteration (all layers + LM head) on a system: decoding requests, prefill chunks, or both. Pure: depends
 * only on the system context, the unit the scheduler chose for FC, and the batch. Layers are identical, so one layer
 * is costed and multiplied by the layer count; FC costs depend only on (unit, tokens) and are memoized (fc-cost.ts),
 * so an iteration costs O(requests) for attention and O(1) otherwise. Kernels within a layer run one after another
 * (each depends on the last), unless the system overlaps two sub-batches (`overlap: sub-batch`, NeuPIMs-style):
 * then FC and decode attention that keep different resources busy hide min(FC, attention) / 2 of the time
 * (ASSUMPTION: two equal sub-batches in a two-stage pipeline; NeuPIMs, ASPLOS 2024, §4.3 sub-batch interleaving).
 * Energies are dynamic; static power is charged over the run (static-power.ts).
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
  const p = fcPlacement(ctx, fcUnit);
  const body = fcLayersCost(ctx, p, batchTokens(b));
  const head = lmHeadCost(ctx, p, batchLogitTokens(b));
  const a = attentionIterationCost(ctx, b, p.unit.name);
  const fcSec = body.fc.timeSec + head.fc.timeSec;
  const attentionSec = a.attention.timeSec + a.prefillAttention.timeSec;
  let overlapSec = 0;
  if (ctx.spec.overlap === "sub-batch" && b.numDecode > 1 && p.unit.resourceOf("fc") !== ctx.attention.resourceOf("attention")) {
    overlapSec = Math.min(fcSec, a.attention.timeSec) / 2;
  }
  return {
    fcSec,
    attentionSec,
    prefillAttentionSec: a.prefillAttention.timeSec,
    communicationSec: body.comm.timeSec + head.comm.timeSec + a.comm.timeSec,
    otherSec: body.other.timeSec + head.other.timeSec + (b.numDecode > 0 ? ctx.spec.schedulerOverheadSec : 0),
    overlapSec,
    fcJoules: body.fc.energyJoules + head.fc.energyJoules,
    attentionJoules: a.attention.energyJoules + a.prefillAttention.energyJoules,
    communicationJoules: body.comm.energyJoules + head.comm.energyJoules + a.comm.energyJoules,
    otherJoules: body.other.energyJoules + head.other.energyJoules,
    attentionLinkBwSec: a.linkBwSec,
    fcUnit: p.unit.name,
    split: {
      fc: addSplits(body.fc.split, head.fc.split),
      attention: a.attention.split,
      prefillAttention: a.prefillAttention.split,
      other: addSplits(body.other.split, head.other.split),
    },
  };
}

const addSplits = (x: EnergySplit, y: EnergySplit): EnergySplit =>
  x === ZERO_SPLIT ? y : y === ZERO_SPLIT ? x : { compute: x.compute + y.compute, dram: x.dram + y.dram, transfer: x.transfer + y.transfer };
