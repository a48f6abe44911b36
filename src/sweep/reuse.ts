import type { FcPolicy } from "../scheduling/policy.ts";
import type { RunConfig } from "../serving/config.ts";
import { speculationPolicyOf } from "../serving/run.ts";
import { tlpAt } from "../serving/speculative.ts";

/**
 * The weight reuse a point's PIM units run at, for the power constraint. A decode iteration has RLP requests with
 * TLP tokens each; FC weights serve RLP x TLP tokens, attention K/V values serve TLP x (query heads per KV head).
 */

/** One decode iteration's shape. */
export interface DecodeShape {
  rlp: number;
  tlp: number;
}

/**
 * The (RLP, TLP) shapes a run can decode with: RLP from 1 to `maxRlp` (min(batch, requests): a static batch drains
 * as its requests finish, continuous batching fills up to the batch), TLP what the speculation setting gives at that
 * RLP (a fixed value; every value of a cycled list; the adaptive rule clamp(floor(targetTokens / RLP), 1, maxTlp)).
 * A superset of the shapes a run reaches: RLP skips values when requests finish together.
 */
export function decodeShapes(spec: RunConfig["spec"], maxRlp: number): DecodeShape[] {
  const policy = speculationPolicyOf(spec);
  // a cycled list: iteration i uses entry i mod length, whatever the RLP; the others do not depend on the iteration
  const tlpsAt = (rlp: number): number[] =>
    policy.kind === "cycle" ? [...new Set(policy.tlps)] : [tlpAt(policy, 0, rlp)];
  const out: DecodeShape[] = [];
  for (let rlp = 1; rlp <= maxRlp; rlp++) for (const tlp of tlpsAt(rlp)) out.push({ rlp, tlp });
  return out;
}

/** Distinct values, ascending. */
const sortedUnique = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);

/**
 * The FC weight reuses (RLP x TLP) of the iterations the scheduler maps to FC-PIM, ascending: PAPI's rule keeps FC
 * on FC-PIM while RLP x TLP <= alpha, static-pim always, static-gpu never (empty), the oracle where FC-PIM is faster.
 */
export function fcPimReuses(shapes: readonly DecodeShape[], policy: FcPolicy, fcPimUnit = "fc-pim"): number[] {
  return sortedUnique(shapes.filter((s) => policy.decide({ numRequests: s.rlp, tokensPerRequest: s.tlp, numTokens: s.rlp * s.tlp }) === fcPimUnit).map((s) => s.rlp * s.tlp));
}

/**
 * The attention reuses of a run, ascending: attention runs every iteration, and each K/V value serves the TLP query
 * tokens of every query head of its group (no reuse across requests), so TLP x group for every TLP the run uses.
 */
export function attentionReuses(shapes: readonly DecodeShape[], queryHeadsPerKvHead: number): number[] {
  return sortedUnique(shapes.map((s) => s.tlp * queryHeadsPerKvHead));
}
