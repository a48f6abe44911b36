import type { RequestSpec } from "./trace.ts";

/**
 * Runtime state of one request in the serving loop (allocated once, at arrival). Token bookkeeping:
 * - `promptTokens` must be prefilled before the request decodes: its prompt, or after a preemption by recomputation
 *   its prompt plus every token generated so far (vLLM recomputes them as one prompt);
 * - `prefilledTokens` of them have their K/V cached; `chunkTokens` are being prefilled in the current iteration;
 * - prefill caches the prompt and yields one token (the first output token, or after a recomputation the next
 *   one), whose K/V is not cached yet: it is the input of the next iteration. A decode iteration with TLP T feeds
 *   the last accepted token plus T - 1 drafts, writes their K/V and attends over kvLen + T keys; of the `made`
 *   tokens it yields the last is again not cached and rejected drafts' entries are dropped, so the cache grows by
 *   `made`. Invariant while decoding: kvLen = inputTokens + generated - 1; an iteration's KV length is kvLen + T.
 */
export class ServingRequest {
  /** position in arrival order */
  readonly index: number;
  promptTokens: number;
  prefilledTokens = 0;
  chunkTokens = 0;
  generated = 0;
  /** tokens whose K/V are cached on the replica that holds the request */
  kvLen = 0;
  firstTokenAtSec = NaN;
  /** the replica that holds it (its prefill replica until the KV hand-off, when disaggregated) */
  replica = -1;
  /** index in its replica's running list (swap-removal), -1 when not running */
  slot = -1;
  /** KV held on its replica: reserved bytes (static batching) or blocks (paged policies) */
  kvBytes = 0;
  kvBlocks = 0;
  /** swapped out to the host tier: blocks held there */
  swappedBlocks = 0;
  numPreemptions = 0;
  /** whether it has waited for KV space at admission once (counted once) */
  waitedForKv = false;

  constructor(readonly spec: RequestSpec, index: number) {
    this.index = index;
    this.promptTokens = spec.inputTokens;
  }

  get remaining(): number {
    return this.spec.outputTokens - this.generated;
  }
  /** prompt tokens still to prefill */
  get prefillLeft(): number {
    return this.promptTokens - this.prefilledTokens;
  }
}
