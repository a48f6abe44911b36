import type { Replica } from "../replica.ts";
import type { BatchingPolicy, IterationPlan } from "./policy.ts";

/**
 * Static batching (the paper's, §6.1): a batch of `maxNumSeqs` requests starts together once its last member has
 * arrived (or every request has, for the trace's tail), prefills in one iteration, then decodes until its last request
 * finishes; RLP only falls. KV by reservation (a request reserves its whole sequence when admitted), so a batch may
 * start smaller when the cache is full, and nothing is preempted.
 */
export function makeStaticBatching(): BatchingPolicy {
  return {
    name: "static",
    next(r: Replica, plan: IterationPlan): boolean {
      if (r.running.length > 0) {
        plan.decode = true;
        return true;
      }
      const n = r.waiting.length;
      if (n === 0 || (n < r.limits.maxNumSeqs && !r.arrivalsDone())) return false;
      r.admitReserved(r.limits.maxNumSeqs, plan);
      return plan.numPrefills > 0;
    },
  };
}
