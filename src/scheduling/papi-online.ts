import type { FcPolicy } from "./policy.ts";

/**
 * PAPI's online scheduler (paper §5.3): FC runs on the GPU when RLP x TLP > alpha, else on FC-PIM. The
 * serving loop re-evaluates it after every iteration, from the count of requests still running and the
 * current TLP; the decision costs one multiply and one compare.
 */
export function makePapiPolicy(alpha: number): FcPolicy {
  return {
    name: "papi",
    alpha,
    decide: (s) => (s.numRequests * s.tokensPerRequest > alpha ? "gpu" : "pim"),
  };
}
