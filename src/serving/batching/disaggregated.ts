import type { Replica } from "../replica.ts";
import { admitPrompts } from "./continuous.ts";
import type { BatchingPolicy, IterationPlan } from "./policy.ts";

/**
 * Prefill/decode disaggregation (Splitwise, ISCA 2024; DistServe, OSDI 2024). Two pools of replicas:
 * - prefill pool: prefill-only iterations, prompts admitted as vLLM's prefill step does (FCFS within maxNumSeqs,
 *   maxNumBatchedTokens and free KV blocks); a prompt's KV stays on its prefill replica until it has reached the
 *   decode pool (the serving loop moves it over the hand-off link, transfers queueing on the link);
 * - decode pool: requests whose KV has arrived are admitted FCFS within maxNumSeqs when their whole sequence's
 *   blocks fit (reserved at admission, so a decode replica never preempts: DistServe's decode instances admit by
 *   memory), and every running request decodes each iteration.
 * The first token comes out of the prefill replica (TTFT); the hand-off delays the second.
 */
export function makeDisaggregatedBatching(): { serve: BatchingPolicy; prefill: BatchingPolicy } {
  const prefill: BatchingPolicy = {
    name: "disaggregated-prefill",
    next(r: Replica, plan: IterationPlan): boolean {
      admitPrompts(r, plan);
      return plan.numPrefills > 0;
    },
  };
  const decode: BatchingPolicy = {
    name: "disaggregated-decode",
    next(r: Replica, plan: IterationPlan): boolean {
      while (r.waiting.length > 0 && r.running.length < r.limits.maxNumSeqs) {
        const q = r.waiting.at(0);
        if (!r.kv.grow(q, q.spec.inputTokens + q.spec.outputTokens + r.limits.tlpMax)) {
          r.markKvWait(q);
          break;
        }
        r.waiting.shift();
        r.addRunning(q);
      }
      plan.decode = r.running.length > 0;
      return plan.decode;
    },
  };
  return { serve: decode, prefill };
}
