import type { Replica } from "../replica.ts";
import type { BatchingPolicy, IterationPlan } from "./policy.ts";

/**
 * papi 0.2's continuous batching: before each iteration, every waiting request that fits (at most `maxNumSeqs` in
 * flight, KV by reservation) is prefilled in one prefill-only iteration, with no token cap; the iteration after a
 * prefill always decodes.
 */
export function makeContinuousV02Batching(): BatchingPolicy {
  return {
    name: "continuous-v02",
    next(r: Replica, plan: IterationPlan): boolean {
      if (!(r.lastWasPrefill && r.running.length > 0)) r.admitReserved(r.limits.maxNumSeqs, plan);
      if (plan.numPrefills > 0) return true;
      plan.decode = r.running.length > 0;
      return plan.decode;
    },
  };
}
