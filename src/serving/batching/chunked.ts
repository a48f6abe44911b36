import type { Replica } from "../replica.ts";
import type { BatchingPolicy, IterationPlan } from "./policy.ts";

/**
 * Chunked prefill with stall-free batching (Sarathi-Serve, OSDI 2024, §4.3 and Algorithm 2; vLLM's scheduler with
 * enable_chunked_prefill), on paged KV. Every iteration has a token budget (maxNumBatchedTokens):
 * 1. every running request decodes (its TLP tokens count against the budget; when KV blocks run out the most recently
 *    arrived running or partly prefilled requests are preempted first);
 * 2. partly prefilled prompts continue (arrival order), each with a chunk of min(prompt left, budget left) tokens;
 * 3. waiting requests are admitted (arrival order, within maxNumSeqs in flight and free KV blocks) with a first chunk
 *    of min(prompt, budget left), while budget remains. Nothing new is admitted while requests are swapped out.
 * Decodes and chunks share one iteration, costed as one Batch; the FC scheduler sees the iteration's total tokens.
 */
export function makeChunkedBatching(): BatchingPolicy {
  return {
    name: "chunked",
    next(r: Replica, plan: IterationPlan): boolean {
      let budget = r.limits.maxNumBatchedTokens;
      if (r.running.length > 0 || r.swapped.length > 0) {
        const before = r.metricsPreemptions();
        r.growForDecode();
        if (r.metricsPreemptions() === before) r.swapIn();
        plan.decode = r.running.length > 0;
        if (plan.decode) budget -= r.running.length * r.nextTlp();
      }
      for (const q of r.prefilling) {
        if (budget <= 0) break;
        const c = Math.min(q.prefillLeft, budget);
        if (!r.growOrPreempt(q, q.prefilledTokens + c)) break;
        plan.addChunk(q, c);
        budget -= c;
      }
      while (budget > 0 && r.swapped.length === 0 && r.waiting.length > 0 && r.inFlight < r.limits.maxNumSeqs) {
        const q = r.waiting.at(0);
        const c = Math.min(q.promptTokens, budget);
        if (!r.kv.grow(q, c)) {
          r.markKvWait(q);
          break;
        }
        r.waiting.shift();
        r.prefilling.push(q);
        plan.addChunk(q, c);
        budget -= c;
      }
      return plan.decode || plan.numPrefills > 0;
    },
  };
}
