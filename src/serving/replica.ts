import type { FcPolicy, SchedulerSnapshot } from "../scheduling/policy.ts";
import type { Batch } from "../systems/batch.ts";
import { newPhaseCost, type PhaseCost } from "../systems/iteration-cost.ts";
import { IterationPlan, type BatchingPolicy } from "./batching/policy.ts";
import { Deque } from "./deque.ts";
import { WaitingQueue } from "./waiting.ts";
import type { IterationEndEvent, ScheduleEvent } from "./events.ts";
import type { KvCache } from "./kv-cache.ts";
import type { DecodeIteration, MetricsStore, PoolInfo } from "./metrics.ts";
import type { ServingRequest } from "./request-state.ts";
import { tlpAt, type SpeculationPolicy } from "./speculative.ts";

/** Caps every policy reads (vLLM's names in comments). */
export interface ReplicaLimits {
  /** requests in flight (prefilling + decoding): vLLM's max_num_seqs; static batching: the batch size */
  maxNumSeqs: number;
  /** tokens one iteration may run through FC: vLLM's max_num_batched_tokens (the chunked-prefill token budget) */
  maxNumBatchedTokens: number;
  /** the speculation's largest TLP: KV slots a decoding request needs beyond its cached tokens (vLLM's lookahead slots) */
  tlpMax: number;
  preemption: "recompute" | "swap";
}

/**
 * One replica: a system serving its share of the requests. It owns its queues and KV cache; a batching policy
 * decides each iteration through the helpers below; the serving loop (simulator.ts) runs the iteration.
 * Queues: `waiting` (routed here, not admitted; FCFS, preempted requests back at the front), `prefilling` (admitted,
 * prompt not fully cached: chunked prefill; FCFS), `running` (decoding; order = admission with swap-removal, which is
 * the order decode slots are filled and acceptance drawn), `swapped` (KV on the host tier; FCFS).
 */
export class Replica {
  readonly waiting = new WaitingQueue();
  readonly prefilling: ServingRequest[] = [];
  readonly running: ServingRequest[] = [];
  readonly swapped = new Deque<ServingRequest>();
  busy = false;
  /** a schedule event for it is in the queue */
  scheduled = false;
  /** when its last iteration ended (or the run started) */
  freeAtSec = 0;
  /** when the iteration being run started */
  startSec = 0;
  lastWasPrefill = false;
  /** decoding iterations so far (the cycle of a speculation list advances with them) */
  decodeIterations = 0;
  /** KV bytes swapped out or in while planning the next iteration (its cost is added to that iteration) */
  pendingSwapBytes = 0;
  /** set by the serving loop: no request will arrive any more (static batching then starts a short last batch) */
  arrivalsDone: () => boolean = () => true;
  /** the iteration being run (a policy fills it; the loop reads it again when the iteration ends) */
  readonly plan = new IterationPlan();
  /**
   * the Batch arrays of the iteration: refilled in place, the first batch.numRequests entries in use; they only grow
   * (growBatchArrays), so a run reallocates them a few times at most
   */
  newTokens = new Float64Array(16);
  kvLens = new Float64Array(16);
  /** the iteration's Batch over those arrays, the FC scheduler's snapshot and the iteration's cost (all refilled in place) */
  readonly batch: Batch = { numRequests: 0, numDecode: 0, tlp: 1, newTokens: this.newTokens, kvLens: this.kvLens, decodeKvTokens: 0, numPromptsEnded: 0 };
  readonly snapshot: SchedulerSnapshot = { numRequests: 0, tokensPerRequest: 1, numTokens: 0 };
  readonly phase: PhaseCost = newPhaseCost();
  /** TLP and decoding requests of the iteration being run */
  tlp = 1;
  numDecode = 0;
  /** the record of its decoding iterations handed to the metrics sink (reused) */
  decodeRecord: DecodeIteration | null = null;
  readonly iterationEnd: IterationEndEvent;
  readonly scheduleEvent: ScheduleEvent;

  constructor(
    readonly id: number,
    readonly pool: PoolInfo,
    readonly fc: FcPolicy,
    readonly batching: BatchingPolicy,
    readonly kv: KvCache,
    readonly limits: ReplicaLimits,
    readonly speculation: SpeculationPolicy,
    private readonly metrics: MetricsStore,
  ) {
    this.iterationEnd = { kind: "iteration-end", replica: id, timeSec: 0, seq: 0 };
    this.scheduleEvent = { kind: "schedule", replica: id, timeSec: 0, seq: 0 };
  }

  /** Room for `n` requests in the batch arrays (doubling; the batch reads the new arrays). */
  growBatchArrays(n: number): void {
    const size = Math.max(n, 2 * this.kvLens.length);
    this.newTokens = new Float64Array(size);
    this.kvLens = new Float64Array(size);
    this.batch.newTokens = this.newTokens;
    this.batch.kvLens = this.kvLens;
  }

  get ctx() {
    return this.pool.ctx;
  }

  /** requests routed here and not finished (or handed off) */
  get outstanding(): number {
    return this.waiting.length + this.prefilling.length + this.running.length + this.swapped.length;
  }

  get inFlight(): number {
    return this.prefilling.length + this.running.length;
  }

  /** TLP of the next decoding iteration. */
  nextTlp(): number {
    return tlpAt(this.speculation, this.decodeIterations, this.running.length);
  }

  addRunning(r: ServingRequest): void {
    r.slot = this.running.length;
    this.running.push(r);
  }

  removeRunning(r: ServingRequest): void {
    const last = this.running.pop()!;
    if (last !== r) {
      this.running[r.slot] = last;
      last.slot = r.slot;
    }
    r.slot = -1;
  }

  removePrefilling(r: ServingRequest): void {
    const p = this.prefilling;
    const i = p.indexOf(r);
    if (i < 0) return;
    // splice(i, 1) without the array of removed elements it returns
    // Stryker disable next-line EqualityOperator: one more step writes undefined into the last slot, which pop() then removes
    for (let j = i + 1; j < p.length; j++) p[j - 1] = p[j];
    p.pop();
  }

  /** KV bytes a request reserves when admitted under reservation: its whole sequence plus the largest TLP. */
  reservationBytes(r: ServingRequest): number {
    return (r.spec.inputTokens + r.spec.outputTokens + this.limits.tlpMax) * this.kv.bytesPerToken;
  }

  /**
   * Reservation admission (static batching and papi 0.2's continuous batching): takes waiting requests in order
   * while fewer than `limit` are in flight and their whole sequence fits the KV cache; each joins the plan as one
   * whole-prompt chunk. The first that does not fit stops admission; it and every waiting request behind it that a
   * free slot would have taken count as KV-limited (each request once).
   */
  admitReserved(limit: number, plan: IterationPlan): void {
    const w = this.waiting;
    while (w.length > 0 && this.inFlight + plan.numPrefills < limit) {
      const q = w.at(0);
      const need = this.reservationBytes(q);
      if (!this.kv.fits(need)) {
        for (let j = 0; j < w.length && this.inFlight + plan.numPrefills + j < limit; j++) this.markKvWait(w.at(j));
        break;
      }
      this.kv.reserve(q, need);
      w.shift();
      plan.addChunk(q, q.promptTokens);
    }
  }

  markKvWait(q: ServingRequest): void {
    if (q.waitedForKv) return;
    q.waitedForKv = true;
    this.metrics.onKvWait();
  }

  /**
   * Paged KV: makes room for every running request's next decode step (KV for cached + the largest TLP tokens),
   * preempting the most recently arrived requests first (running and, under chunked prefill, partly prefilled ones:
   * vLLM's scheduler pops victims from the back of its FCFS running queue) until the rest fit; then allocates.
   */
  growForDecode(): void {
    let need = 0;
    for (const r of this.running) need += this.kv.extraBlocks(r, r.kvLen + this.limits.tlpMax);
    while (need > this.kv.freeBlocks) {
      const victim = this.latestArrived();
      if (victim === undefined) break;
      if (victim.slot >= 0) need -= this.kv.extraBlocks(victim, victim.kvLen + this.limits.tlpMax);
      this.preempt(victim);
    }
    for (const r of this.running) this.kv.grow(r, r.kvLen + this.limits.tlpMax);
  }

  /** Preemptions on this replica so far (a policy compares before and after a step). */
  metricsPreemptions(): number {
    return this.metrics.replicas[this.id].preemptions;
  }

  /**
   * Grows `q` (running or prefilling) to `tokens` cached tokens, preempting requests that arrived after it (latest
   * first) while the blocks are short; false when even that does not make room.
   */
  growOrPreempt(q: ServingRequest, tokens: number): boolean {
    while (!this.kv.grow(q, tokens)) {
      const victim = this.latestArrived();
      if (victim === undefined || victim.index <= q.index) return false;
      this.preempt(victim);
    }
    return true;
  }

  /** The running or prefilling request that arrived last (the lowest priority under FCFS). */
  private latestArrived(): ServingRequest | undefined {
    let v: ServingRequest | undefined;
    for (const r of this.running) if (v === undefined || r.index > v.index) v = r;
    for (const r of this.prefilling) if (v === undefined || r.index > v.index) v = r;
    return v;
  }

  /**
   * Preempts `r`: by swap where the policy asks for it and the host tier has room (its blocks are copied out and it
   * waits in `swapped`), else by recomputation (its blocks are freed and it goes back to the front of `waiting`, to
   * prefill its prompt and every token generated so far again, as vLLM recomputes).
   */
  preempt(r: ServingRequest): void {
    const wasDecoding = r.slot >= 0;
    if (wasDecoding) this.removeRunning(r);
    else this.removePrefilling(r);
    r.numPreemptions++;
    const kv = this.kv;
    if (this.limits.preemption === "swap" && wasDecoding && kv.usedSwapBlocks + r.kvBlocks <= kv.numSwapBlocks) {
      r.swappedBlocks = r.kvBlocks;
      kv.usedSwapBlocks += r.kvBlocks;
      this.pendingSwapBytes += r.kvBlocks * kv.blockBytes;
      kv.freeBlocksOf(r);
      this.swapped.pushBack(r);
      this.metrics.onPreemption(this.id, true, 0);
      return;
    }
    kv.freeBlocksOf(r);
    const recompute = r.spec.inputTokens + r.generated;
    this.metrics.onPreemption(this.id, false, r.generated > 0 ? recompute : 0);
    r.promptTokens = r.generated > 0 ? recompute : r.spec.inputTokens;
    r.prefilledTokens = 0;
    r.kvLen = 0;
    this.waiting.pushFront(r);
  }

  /** Swaps requests back in (FCFS) while their blocks and next step fit; they decode in the coming iteration. */
  swapIn(): void {
    const kv = this.kv;
    while (this.swapped.length > 0 && this.inFlight < this.limits.maxNumSeqs) {
      const r = this.swapped.at(0);
      if (kv.blocksFor(r.kvLen + this.limits.tlpMax) > kv.freeBlocks) break;
      this.swapped.shift();
      kv.usedSwapBlocks -= r.swappedBlocks;
      this.pendingSwapBytes += r.swappedBlocks * kv.blockBytes;
      r.swappedBlocks = 0;
      kv.grow(r, r.kvLen + this.limits.tlpMax);
      this.addRunning(r);
    }
  }
}
