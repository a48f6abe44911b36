import type { Replica } from "../replica.ts";
import type { BatchingPolicy, IterationPlan } from "./policy.ts";

/**
 * Continuous batching as vLLM's scheduler without chunked prefill does it (vLLM V0, vllm/core/scheduler.py,
 * Scheduler._schedule_default), on paged KV:
 * 1. prefill first: when nothing is swapped out, waiting requests are admitted in arrival order while the running
 *    and admitted requests stay within maxNumSeqs (max_num_seqs), their prompt tokens within maxNumBatchedTokens
 *    (max_num_batched_tokens) and their prompt's KV blocks are free; the first that does not fit stops admission.
 *    Admitted prompts run in one prefill-only iteration. A prompt longer than the budget runs alone (vLLM sizes the
 *    budget to the longest prompt it accepts; papi keeps such requests rather than refusing them).
 * 2. otherwise decode: every running request takes a step; when its next KV block is not free, the most recently
 *    arrived requests are preempted (recompute, or swap) until the others fit;
 * 3. swapped-out requests come back (arrival order) when no request was preempted in this step and their blocks fit.
 */
export function makeContinuousBatching(): BatchingPolicy {
  return {
    name: "continuous",
    next(r: Replica, plan: IterationPlan): boolean {
      if (r.swapped.length === 0) admitPrompts(r, plan);
      if (plan.numPrefills > 0) return true;
      if (r.running.length === 0 && r.swapped.length === 0) return false;
      const before = r.metricsPreemptions();
      r.growForDecode();
      if (r.metricsPreemptions() === before) r.swapIn();
      plan.decode = r.running.length > 0;
      return plan.decode;
    },
  };
}

/** vLLM's prefill admission (step 1 above): whole prompts, FCFS, within the sequence and token caps and free blocks. */
export function admitPrompts(r: Replica, plan: IterationPlan): void {
  const { maxNumSeqs, maxNumBatchedTokens } = r.limits;
  let tokens = 0;
  while (r.waiting.length > 0 && r.inFlight < maxNumSeqs) { // admitted prompts join `prefilling` (in flight)
    const q = r.waiting.at(0);
    const n = q.promptTokens;
    if (plan.numPrefills > 0 && tokens + n > maxNumBatchedTokens) break;
    if (!r.kv.grow(q, n)) {
      r.markKvWait(q);
      break;
    }
    r.waiting.shift();
    r.prefilling.push(q);
    plan.addChunk(q, n);
    tokens += n;
  }
}
