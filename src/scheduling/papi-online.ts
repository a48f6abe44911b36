import type { FcPolicy } from "./policy.ts";

/**
 * PAPI's online scheduler (paper §5.3): FC runs on the compute unit (the GPUs) when RLP x TLP > alpha, else on the
 * memory unit (FC-PIM). The serving loop re-evaluates it before every iteration from the count of requests still
 * running and the current TLP; the decision costs one multiply and one compare. With prefill chunks in an iteration
 * (chunked prefill) the rule compares the iteration's total tokens, which is what sets FC's arithmetic intensity
 * (paper Eq. 1: AI ~ tokens per weight read), so a large chunk sends FC to the GPUs.
 */
export function makePapiPolicy(alpha: number, above: string, atOrBelow: string): FcPolicy {
  return {
    name: "papi",
    alpha,
    decide: (s) => (s.numTokens > alpha ? above : atOrBelow),
  };
}
