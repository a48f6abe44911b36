import { UserError } from "../core/errors.ts";
import { makeRng } from "../core/rng.ts";
import type { FcPolicy } from "../scheduling/policy.ts";
import type { SystemContext } from "../systems/build.ts";
import { staticEnergyJoules } from "../systems/static-power.ts";
import { BATCHING, type BatchingName } from "./batching/index.ts";
import type { BatchingPolicy } from "./batching/policy.ts";
import { EventQueue, type ArrivalEvent, type SimEvent, type TransferEndEvent } from "./events.ts";
import { endIteration, startIteration, type IterationEnv } from "./iteration.ts";
import { KvCache } from "./kv-cache.ts";
import { handOffCost, hasSwapTier, type HandOffLink } from "./kv-transfer.ts";
import { MetricsStore, type PoolInfo } from "./metrics.ts";
import type { RunRecorder } from "./recorder.ts";
import { Replica, type ReplicaLimits } from "./replica.ts";
import { ServingRequest } from "./request-state.ts";
import { ROUTERS, type RouterName } from "./routers/index.ts";
import type { Router } from "./routers/router.ts";
import { maxTlp, type Acceptance, type DraftCost, type SpeculationPolicy } from "./speculative.ts";
import type { Timeline } from "./timeline.ts";
import type { RequestSpec } from "./trace.ts";

export type Batching = BatchingName;

export interface ServeConfig {
  batching: Batching;
  /** Batch size (static) or the most requests in flight (vLLM's max_num_seqs). */
  batchSize: number;
  speculation: SpeculationPolicy;
  acceptance: Acceptance;
  draft: DraftCost;
  seed: number;
  /** token budget of an iteration (vLLM's max_num_batched_tokens); default: none */
  maxNumBatchedTokens?: number;
  /** tokens per KV block (paged policies); default 16 (vLLM's) */
  kvBlockTokens?: number;
  preemption?: "recompute" | "swap";
  /** host memory for swapped-out KV per tensor-parallel group, bytes (vLLM's swap_space) */
  swapSpaceBytesPerGroup?: number;
  /** identical replicas of the system (default 1) and the router in front of them */
  replicas?: number;
  router?: RouterName;
  /** a prefill pool (disaggregated batching): its system, replicas, FC scheduler and the hand-off link */
  prefillPool?: { ctx: SystemContext; replicas: number; fc: FcPolicy; link: HandOffLink };
}

/** serve()'s result: the metrics sink plus the run's span and static energy. */
export type ServeResult = MetricsStore & {
  startSec: number;
  endSec: number;
  /** Static energy over the whole run (every replica's GPUs + PIM stacks), and its split by source. */
  staticJoules: number;
  staticJoulesBySource: { gpu: number; pim: number };
  energyJoules: number;
};

/**
 * The serving loop (STYLE.md, vidur's pattern): pop the earliest event (events.ts: by time, priority, push order),
 * call its handler, push what it returns. Requests arrive at the router of the entry pool, each replica's batching
 * policy picks its iterations (batching/), the FC scheduler places FC before each decoding iteration, and every cost
 * comes from the pure functions in systems/. Every statistic goes to the MetricsStore.
 */
export function serve(ctx: SystemContext, policy: FcPolicy, requests: readonly RequestSpec[], cfg: ServeConfig, timeline?: Timeline, recorder?: RunRecorder): ServeResult {
  return new Simulation(ctx, policy, requests, cfg, timeline, recorder).run();
}

class Simulation implements IterationEnv {
  readonly metrics: MetricsStore;
  readonly rng;
  readonly acceptance: Acceptance;
  readonly draft: DraftCost;
  private readonly order: readonly RequestSpec[];
  private readonly queue = new EventQueue();
  /** what the current handler returns: the first numOut slots (reused, so handling allocates nothing) */
  private readonly out: SimEvent[] = [];
  private numOut = 0;
  /** the replicas that decode (or serve), then the prefill pool's */
  private readonly replicas: Replica[] = [];
  private readonly entry: Replica[];
  private readonly decoders: Replica[];
  private readonly entryRouter: Router;
  private readonly handOffRouter: Router;
  private arrived = 0;
  private endSec = 0;
  /** when each prefill replica's hand-off link is free again */
  private readonly linkFreeAtSec: number[];

  constructor(ctx: SystemContext, fc: FcPolicy, requests: readonly RequestSpec[], private readonly cfg: ServeConfig, timeline?: Timeline, recorder?: RunRecorder) {
    this.metrics = new MetricsStore(undefined, recorder, timeline);
    this.rng = makeRng(cfg.seed);
    this.acceptance = cfg.acceptance;
    this.draft = cfg.draft;
    this.order = arrivalOrder(requests);
    this.metrics.reserveRequests(this.order.length);
    const entry = BATCHING.get(cfg.batching, "batching");
    const policies = entry.make();
    const pp = cfg.prefillPool;
    if (policies.prefill !== undefined && pp === undefined) throw new UserError(`batching ${cfg.batching}: needs serving.prefillSystem`);
    const tlpMax = maxTlp(cfg.speculation);
    const limits: ReplicaLimits = {
      maxNumSeqs: cfg.batchSize,
      maxNumBatchedTokens: cfg.maxNumBatchedTokens ?? Infinity,
      tlpMax,
      preemption: cfg.preemption ?? "recompute",
    };
    if (limits.preemption === "swap" && !hasSwapTier(ctx)) throw new UserError(`serving.preemption: swap needs a host fabric to swap KV over; system ${ctx.spec.name} has none (use recompute)`);
    const add = (pool: PoolInfo, count: number, p: BatchingPolicy, f: FcPolicy) => {
      this.metrics.addPool(pool, count);
      for (let i = 0; i < count; i++) {
        const c = pool.ctx;
        const swapBlocks = Math.floor(((cfg.swapSpaceBytesPerGroup ?? 0) * c.numGroups) / ((cfg.kvBlockTokens ?? 16) * c.kvBytesPerToken));
        const kv = new KvCache(c.kvCapacityBytes, c.kvBytesPerToken, cfg.kvBlockTokens ?? 16, swapBlocks);
        const rep = new Replica(this.replicas.length, pool, f, p, kv, limits, cfg.speculation, this.metrics);
        rep.arrivalsDone = () => this.arrived === this.order.length;
        rep.waiting.make = (index) => {
          const r = new ServingRequest(this.order[index], index);
          r.replica = rep.id;
          return r;
        };
        this.replicas.push(rep);
      }
    };
    const n = cfg.replicas ?? 1;
    add({ name: pp ? "decode" : "serve", ctx, devicePrefix: "" }, n, policies.serve, fc);
    this.decoders = this.replicas.slice(0, n);
    if (pp && policies.prefill) add({ name: "prefill", ctx: pp.ctx, devicePrefix: "prefill." }, pp.replicas, policies.prefill, pp.fc);
    this.entry = pp ? this.replicas.slice(n) : this.decoders;
    this.linkFreeAtSec = this.replicas.map(() => 0);
    this.entryRouter = ROUTERS.get(cfg.router ?? "round-robin", "serving.router")();
    this.handOffRouter = ROUTERS.get(cfg.router ?? "round-robin", "serving.router")();
    for (const r of this.order) for (const rep of pp ? [this.decoders[0], this.entry[0]] : [this.decoders[0]]) checkFits(rep, r, entry.kv);
  }

  run(): ServeResult {
    const m = this.metrics;
    const startSec = this.order.length > 0 ? this.order[0].arrivalSec : 0;
    for (const rep of this.replicas) rep.freeAtSec = startSec;
    this.endSec = startSec;
    if (this.order.length > 0) this.queue.push({ kind: "arrival", index: 0, timeSec: startSec, seq: 0 });
    for (let e = this.queue.pop(); e !== undefined; e = this.queue.pop()) {
      const out = this.handle(e);
      for (let i = 0; i < this.numOut; i++) this.queue.push(out[i]);
      this.numOut = 0;
    }
    const endSec = this.endSec;
    // a replica that finished early idles until the run ends (0 for the last one: the single-replica sum is unchanged)
    for (const rep of this.replicas) if (endSec > rep.freeAtSec) m.onIdle(rep.id, endSec - rep.freeAtSec);
    for (const rep of this.replicas) m.onKvEnd(rep.id, rep.kv.peakLoad, rep.kv.load);
    // Static power of every replica over the whole run (prefill, decoding, draft steps, idle gaps), charged once.
    let gpuJoules = 0;
    let pimJoules = 0;
    for (const rep of this.replicas) {
      const st = staticEnergyJoules(rep.ctx, endSec - startSec);
      gpuJoules += st.gpuJoules;
      pimJoules += st.pimJoules;
    }
    const staticJoules = gpuJoules + pimJoules;
    return Object.assign(m, { endSec, startSec, staticJoules, staticJoulesBySource: { gpu: gpuJoules, pim: pimJoules }, energyJoules: m.dynamicJoules + staticJoules });
  }

  private handle(e: SimEvent): SimEvent[] {
    switch (e.kind) {
      case "arrival":
        return this.onArrival(e);
      case "transfer-end":
        return this.onTransferEnd(e);
      case "iteration-end": {
        const rep = this.replicas[e.replica];
        endIteration(this, rep); // e is rep.iterationEnd
        rep.busy = false;
        rep.freeAtSec = e.timeSec;
        if (e.timeSec > this.endSec) this.endSec = e.timeSec;
        // the schedule event this pushes would be popped next when nothing else is queued for this instant: run it
        // now (same order, one heap push and pop fewer per iteration)
        const next = this.queue.peek();
        if (this.numOut === 0 && (next === undefined || next.timeSec > e.timeSec)) this.schedule(rep, e);
        else this.wake(rep, e.timeSec);
        return this.out;
      }
      case "schedule": {
        const rep = this.replicas[e.replica];
        rep.scheduled = false;
        this.schedule(rep, e);
        return this.out;
      }
    }
  }

  /** Starts the replica's next iteration, if its policy has one, at the time of event `at` (read here, not passed, so no boxed number). */
  private schedule(rep: Replica, at: SimEvent): void {
    if (!rep.busy && rep.batching.next(rep, rep.plan)) {
      rep.busy = true;
      rep.startSec = at.timeSec;
      startIteration(this, rep); // sets rep.iterationEnd.timeSec
      this.emit(rep.iterationEnd);
    }
  }

  private emit(e: SimEvent): void {
    this.out[this.numOut++] = e;
  }

  private wake(rep: Replica, atSec: number): void {
    if (rep.busy || rep.scheduled) return;
    rep.scheduled = true;
    rep.scheduleEvent.timeSec = atSec;
    this.emit(rep.scheduleEvent);
  }

  private onArrival(e: ArrivalEvent): SimEvent[] {
    this.arrived++;
    const rep = this.entry[this.entryRouter.pick(this.entry)];
    this.metrics.onRoute(rep.id);
    rep.waiting.pushArrival(e.index); // its ServingRequest is made when a policy first takes it (waiting.ts)
    this.wake(rep, e.timeSec);
    if (e.index + 1 < this.order.length) {
      e.index++;
      e.timeSec = this.order[e.index].arrivalSec;
      this.emit(e);
    } else {
      // the last arrival: a static batch waiting to fill may now start short
      for (const x of this.entry) if (x.waiting.length > 0) this.wake(x, e.timeSec);
    }
    return this.out;
  }

  private onTransferEnd(e: TransferEndEvent): SimEvent[] {
    const r = e.request;
    const from = this.replicas[r.replica];
    from.kv.freeBlocksOf(r);
    this.wake(from, e.timeSec);
    const to = this.decoders[this.handOffRouter.pick(this.decoders, r)];
    r.replica = to.id;
    this.metrics.onRoute(to.id);
    to.waiting.pushBack(r);
    this.wake(to, e.timeSec);
    return this.out;
  }

  onPrefilled(rep: Replica, r: ServingRequest, nowSec: number): void {
    rep.removePrefilling(r);
    if (rep.pool.name === "prefill" && r.remaining > 0) {
      // hand the KV cache to a decode replica over the prefill replica's link (transfers queue on it)
      const pp = this.cfg.prefillPool!;
      const bytes = r.kvLen * rep.ctx.kvBytesPerToken;
      const c = handOffCost(pp.link, bytes, rep.ctx.model.num_hidden_layers);
      const startSec = Math.max(nowSec, this.linkFreeAtSec[rep.id]);
      this.linkFreeAtSec[rep.id] = startSec + c.timeSec;
      this.metrics.onKvTransfer(bytes, c.timeSec, c.energyJoules);
      const ev: TransferEndEvent = { kind: "transfer-end", request: r, timeSec: startSec + c.timeSec, seq: 0 };
      this.emit(ev);
      return;
    }
    rep.addRunning(r);
    if (r.remaining === 0) this.onFinished(rep, r, nowSec);
  }

  onFinished(rep: Replica, r: ServingRequest, nowSec: number): void {
    const s = r.spec;
    this.metrics.onRequestDone(s.id, s.arrivalSec, r.firstTokenAtSec, nowSec, s.outputTokens, s.inputTokens);
    if (r.kvBytes > 0) rep.kv.release(r);
    rep.kv.freeBlocksOf(r);
    if (r.slot >= 0) rep.removeRunning(r);
  }
}

const byArrival = (a: RequestSpec, b: RequestSpec): number => a.arrivalSec - b.arrivalSec || a.id - b.id;

/**
 * The requests by arrival, then id: the input itself when already in that order (a trace's usual case: no copy of a
 * million-entry array, no sort), else a sorted copy. A stable sort leaves an ordered input as it is, so both agree.
 */
export function arrivalOrder(requests: readonly RequestSpec[]): readonly RequestSpec[] {
  for (let i = 1; i < requests.length; i++) if (!(byArrival(requests[i - 1], requests[i]) <= 0)) return [...requests].sort(byArrival);
  return requests;
}

/** A request alone must fit a replica's KV cache (else it could never run): a one-line error naming it. */
function checkFits(rep: Replica, r: RequestSpec, mode: "reserve" | "paged"): void {
  const kv = rep.kv;
  const tokens = r.inputTokens + r.outputTokens + rep.limits.tlpMax;
  const fits = mode === "reserve" ? tokens * kv.bytesPerToken <= kv.capacityBytes : kv.blocksFor(tokens) <= kv.numBlocks;
  if (!fits) {
    throw new UserError(`request ${r.id} (${r.inputTokens} in + ${r.outputTokens} out tokens) needs more KV cache than system ${rep.ctx.spec.name} has (${(kv.capacityBytes / 1e9).toFixed(1)} GB)`);
  }
}
