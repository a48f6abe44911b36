import type { Replica } from "../replica.ts";
import type { ServingRequest } from "../request-state.ts";

/**
 * The work of a replica's next iteration, as a batching policy chooses it: whether every decoding request (the
 * replica's running list) takes a step, and which prompt chunks ride along (each request's chunkTokens set). The
 * serving loop turns it into the one Batch type (systems/batch.ts: decoding requests first, then prefill chunks).
 * Reused across iterations: `prefills` keeps its slots, `numPrefills` says how many are in use.
 */
export class IterationPlan {
  decode = false;
  // Stryker disable next-line ArrayDeclaration: slots are read only below numPrefills, each written by addChunk first
  readonly prefills: ServingRequest[] = [];
  numPrefills = 0;

  clear(): void {
    this.decode = false;
    this.numPrefills = 0;
  }

  addChunk(r: ServingRequest, tokens: number): void {
    r.chunkTokens = tokens;
    this.prefills[this.numPrefills++] = r;
  }

  /** prompt tokens planned so far */
  prefillTokens(): number {
    let t = 0;
    for (let i = 0; i < this.numPrefills; i++) t += this.prefills[i].chunkTokens;
    return t;
  }
}

/**
 * A batching policy: before each iteration of a replica, decides that iteration's work from the replica's queues
 * (waiting, prefilling, running, swapped) and its KV cache, admitting, preempting and allocating KV through the
 * replica's helpers. Returns false to leave the replica idle until an event (an arrival, a hand-off) wakes it.
 *
 * Contract (test/serving/batching-contract.test.ts runs every registered policy through it): every request that
 * arrives is eventually admitted and finishes (none lost or duplicated, preemption included); every output token is
 * generated once; a replica's KV never exceeds its capacity; an idle replica with waiting work that fits is never
 * left idle.
 */
export interface BatchingPolicy {
  readonly name: string;
  next(r: Replica, plan: IterationPlan): boolean;
}
