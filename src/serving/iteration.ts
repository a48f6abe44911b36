import type { Rng } from "../core/rng.ts";
import { fcPlacement } from "../systems/build.ts";
import { iterationCostInto, phaseEnergyJoules, phaseTimeSec } from "../systems/iteration-cost.ts";
import { swapCost } from "./kv-transfer.ts";
import type { MetricsStore } from "./metrics.ts";
import type { Replica } from "./replica.ts";
import type { ServingRequest } from "./request-state.ts";
import { tokensProduced, type Acceptance, type DraftCost } from "./speculative.ts";

/** What running an iteration needs besides the replica: the sink, the acceptance draws and the draft model's cost. */
export interface IterationEnv {
  metrics: MetricsStore;
  rng: Rng;
  acceptance: Acceptance;
  draft: DraftCost;
  /** a request whose prompt is now cached (and first token out): decode here, or hand off (disaggregation) */
  onPrefilled(rep: Replica, r: ServingRequest, nowSec: number): void;
  /** a request that produced its last token */
  onFinished(rep: Replica, r: ServingRequest, nowSec: number): void;
}

/**
 * Starts the iteration the replica's policy planned: builds the one Batch (decoding requests first, then prefill
 * chunks), asks the FC scheduler where FC runs (pure prefill iterations run FC on the system's prefill unit), costs
 * it (systems/iteration-cost.ts), reports it to the metrics sink and sets when it ends (rep.iterationEnd.timeSec).
 * It starts at rep.startSec. The batch, the scheduler's snapshot and the cost are the replica's, refilled in place: a
 * decode-only iteration allocates nothing once the arrays have grown (the sink reads them during its call only); the
 * times travel in the replica's fields rather than as arguments and results, which the JIT would box.
 */
export function startIteration(env: IterationEnv, rep: Replica): void {
  const nowSec = rep.startSec;
  const m = env.metrics;
  if (nowSec > rep.freeAtSec) m.onIdle(rep.id, nowSec - rep.freeAtSec);
  const plan = rep.plan;
  const ctx = rep.ctx;
  const numDecode = plan.decode ? rep.running.length : 0;
  const tlp = numDecode > 0 ? rep.nextTlp() : 1;
  const n = numDecode + plan.numPrefills;
  // Stryker disable next-line EqualityOperator: growing arrays that already hold n entries only allocates sooner
  if (rep.kvLens.length < n) rep.growBatchArrays(n);
  // the cost functions read the first n entries (decode attention the first numDecode)
  const { newTokens, kvLens } = rep;
  let decodeKv = 0;
  for (let i = 0; i < numDecode; i++) {
    kvLens[i] = rep.running[i].kvLen + tlp;
    newTokens[i] = tlp;
    decodeKv += kvLens[i];
  }
  let prefillTokens = 0;
  let promptsEnded = 0;
  for (let j = 0; j < plan.numPrefills; j++) {
    const q = plan.prefills[j];
    newTokens[numDecode + j] = q.chunkTokens;
    kvLens[numDecode + j] = q.prefilledTokens + q.chunkTokens;
    prefillTokens += q.chunkTokens;
    if (q.prefilledTokens + q.chunkTokens === q.promptTokens) promptsEnded++;
  }
  const batch = rep.batch;
  batch.numRequests = n;
  batch.numDecode = numDecode;
  batch.tlp = tlp;
  batch.decodeKvTokens = decodeKv;
  batch.numPromptsEnded = promptsEnded;
  rep.tlp = tlp;
  rep.numDecode = numDecode;
  let swapSec = 0;
  if (rep.pendingSwapBytes > 0) {
    const s = swapCost(ctx, rep.pendingSwapBytes);
    swapSec = s.timeSec;
    m.onSwap(rep.id, rep.pendingSwapBytes, s.timeSec, s.energyJoules);
    rep.pendingSwapBytes = 0;
  }
  if (numDecode === 0) {
    const p = iterationCostInto(ctx, ctx.prefill.fc.unit.name, batch, rep.phase);
    const t = phaseTimeSec(p);
    m.onPrefillIteration(rep.id, p, nowSec, t, phaseEnergyJoules(p), plan.numPrefills);
    rep.lastWasPrefill = true;
    rep.iterationEnd.timeSec = nowSec + (t + swapSec);
    return;
  }
  const snapshot = rep.snapshot;
  snapshot.numRequests = n;
  snapshot.tokensPerRequest = tlp;
  snapshot.numTokens = numDecode * tlp + prefillTokens;
  const unit = rep.fc.decide(snapshot);
  m.onFcDecision(rep.id, unit, nowSec, numDecode, tlp, rep.fc.alpha);
  const p = iterationCostInto(ctx, unit, batch, rep.phase);
  // the draft model proposes T - 1 tokens for each decoding request; its cost is given per drafted token
  const numDrafted = numDecode * (tlp - 1);
  const draftSec = numDrafted * env.draft.timePerTokenSec;
  const draftJoules = numDrafted * env.draft.energyPerTokenJoules;
  const stepSec = phaseTimeSec(p) + draftSec;
  // one record per replica, reused: the sink reads it during the call only
  const it = rep.decodeRecord ?? (rep.decodeRecord = { iteration: 0, startSec: 0, rlp: 0, tlp: 0, p, fcOnGpu: false, stepSec: 0, energyJoules: 0, draftSec: 0, draftJoules: 0, prefillTokens: 0 });
  it.iteration = m.iterations;
  it.startSec = nowSec;
  it.rlp = numDecode;
  it.tlp = tlp;
  it.p = p;
  it.fcOnGpu = fcPlacement(ctx, unit).unit.isProcessor;
  it.stepSec = stepSec;
  it.energyJoules = phaseEnergyJoules(p);
  it.draftSec = draftSec;
  it.draftJoules = draftJoules;
  it.prefillTokens = prefillTokens;
  m.onDecodeIteration(rep.id, it);
  rep.decodeIterations++;
  rep.lastWasPrefill = false;
  rep.iterationEnd.timeSec = nowSec + (stepSec + swapSec);
}

/**
 * Ends the replica's iteration, at rep.iterationEnd.timeSec: every decoding request takes the tokens its acceptance draw gives (in
 * reverse running order, finishing requests swap-removed), then every prefill chunk caches its tokens; a chunk that
 * ends its prompt yields a token (the first output token unless the request was preempted and recomputed).
 */
export function endIteration(env: IterationEnv, rep: Replica): void {
  // the end time (rep.iterationEnd.timeSec) is read where a request finishes or prefills only: a number held across
  // the loop would be boxed every iteration
  const m = env.metrics;
  const tlp = rep.tlp;
  const running = rep.running;
  let made = 0;
  for (let i = rep.numDecode - 1; i >= 0; i--) {
    const a = running[i];
    const left = a.spec.outputTokens - a.generated;
    const n = Math.min(tokensProduced(env.acceptance, tlp, env.rng), left); // ideal acceptance: tlp, no draw
    a.generated += n;
    a.kvLen += n;
    made += n;
    if (n === left) env.onFinished(rep, a, rep.iterationEnd.timeSec);
  }
  if (made > 0) m.onTokens(rep.id, made);
  const plan = rep.plan;
  for (let j = 0; j < plan.numPrefills; j++) {
    const q = plan.prefills[j];
    q.prefilledTokens += q.chunkTokens;
    q.kvLen += q.chunkTokens;
    q.chunkTokens = 0;
    if (q.prefilledTokens < q.promptTokens) continue;
    q.generated += 1;
    m.onTokens(rep.id, 1);
    if (Number.isNaN(q.firstTokenAtSec)) q.firstTokenAtSec = rep.iterationEnd.timeSec;
    env.onPrefilled(rep, q, rep.iterationEnd.timeSec);
  }
  plan.clear();
  rep.numDecode = 0;
}
