import { UserError } from "../core/errors.ts";
import { makeRng } from "../core/rng.ts";
import type { FcPolicy } from "../scheduling/policy.ts";
import type { SystemContext } from "../systems/build.ts";
import { prefillBatch, type Batch } from "../systems/batch.ts";
import { iterationCost, phaseEnergyJoules, phaseTimeSec } from "../systems/iteration-cost.ts";
import { staticEnergyJoules } from "../systems/static-power.ts";
import { MetricsStore } from "./metrics.ts";
import { maxTlp, tlpAt, tokensProduced, type Acceptance, type DraftCost, type SpeculationPolicy } from "./speculative.ts";
import type { RunRecorder } from "./recorder.ts";
import type { Timeline } from "./timeline.ts";
import type { RequestSpec } from "./trace.ts";

export type Batching = "static" | "continuous";

export interface ServeConfig {
  /** static: a batch starts together and RLP only falls as requests finish (the paper's). continuous: requests join every iteration. */
  batching: Batching;
  /** Batch size (static) or the most requests in flight (continuous). */
  batchSize: number;
  speculation: SpeculationPolicy;
  acceptance: Acceptance;
  draft: DraftCost;
  seed: number;
}

/**
 * The serving loop of one system (one replica). It is event-driven with two kinds of events: a request arrives,
 * and the current step (a prefill or a decode iteration) ends. With one replica the next event is always the
 * earlier of the step's end and the next arrival, so the loop walks the arrival list and the clock together
 * instead of keeping a heap. Every step's cost comes from the pure functions in systems/; the scheduler is asked
 * before every decode iteration. Each request produces its first token in prefill and the rest in decoding.
 */
export type ServeResult = MetricsStore & {
  startSec: number;
  endSec: number;
  idleSec: number;
  /** Static energy over the whole run (GPUs + PIM stacks), and its split by source. */
  staticJoules: number;
  staticJoulesBySource: { gpu: number; pim: number };
  energyJoules: number;
};

export function serve(ctx: SystemContext, policy: FcPolicy, requests: readonly RequestSpec[], cfg: ServeConfig, timeline?: Timeline, recorder?: RunRecorder): ServeResult {
  const metrics = new MetricsStore(ctx);
  const rng = makeRng(cfg.seed);
  const order = [...requests].sort((a, b) => a.arrivalSec - b.arrivalSec || a.id - b.id);
  const tlpMax = maxTlp(cfg.speculation);
  const kvNeed = (r: RequestSpec) => (r.inputTokens + r.outputTokens + tlpMax) * ctx.kvBytesPerToken;
  for (const r of order) {
    if (kvNeed(r) > ctx.kvCapacityBytes) {
      throw new UserError(`request ${r.id} (${r.inputTokens} in + ${r.outputTokens} out tokens) needs more KV cache than system ${ctx.spec.name} has (${(ctx.kvCapacityBytes / 1e9).toFixed(1)} GB)`);
    }
  }

  // Active requests (swap-removed when done), reused across iterations. kvLen = tokens whose K and V are in the
  // cache. Prefill caches the prompt (inputTokens) and yields the first output token, whose K/V are not cached
  // yet: it is the input of the next iteration. A decode iteration with TLP T feeds the last accepted token plus
  // T - 1 drafts, writes their K/V and attends over kvLen + T keys; of the `made` tokens it yields, the last
  // accepted one is again not cached, and rejected drafts' entries are dropped, so the cache grows by `made`.
  // Invariant: kvLen = inputTokens + generated - 1, and the KV length of an iteration is kvLen + T.
  const act: { r: RequestSpec; remaining: number; kvLen: number; firstTokenAtSec: number }[] = [];
  const ctxLens: number[] = [];
  let kvReserved = 0;
  let timeSec = order.length > 0 ? order[0].arrivalSec : 0;
  const startSec = timeSec;
  let idleSec = 0;
  let energyJoules = 0;
  let iteration = 0;
  let lastUnit = "";
  let next = 0; // next request of `order` not yet admitted

  const waitUntil = (t: number) => {
    // Stryker disable next-line EqualityOperator: at t = timeSec the branch adds 0 idle time and sets the clock to its own value
    if (t > timeSec) {
      idleSec += t - timeSec;
      timeSec = t;
    }
  };

  const finish = (i: number) => {
    const a = act[i];
    metrics.onRequestDone(a.r.id, a.r.arrivalSec, a.firstTokenAtSec, timeSec, a.r.outputTokens);
    recorder?.request({
      id: a.r.id, arrivalSec: a.r.arrivalSec, firstTokenAtSec: a.firstTokenAtSec, finishedAtSec: timeSec,
      inputTokens: a.r.inputTokens, outputTokens: a.r.outputTokens, ttftSec: a.firstTokenAtSec - a.r.arrivalSec,
      tpotSec: a.r.outputTokens > 1 ? (timeSec - a.firstTokenAtSec) / (a.r.outputTokens - 1) : 0,
    });
    kvReserved -= kvNeed(a.r);
    const last = act.length - 1;
    act[i] = act[last];
    act.pop();
  };

  const runPrefill = (group: RequestSpec[]) => {
    const p = iterationCost(ctx, ctx.prefill.fc.unit.name, prefillBatch(group.map((r) => r.inputTokens)));
    const t = phaseTimeSec(p);
    const e = phaseEnergyJoules(p);
    timeline?.span("prefill", `prefill x${group.length}`, timeSec, t, { requests: group.length });
    timeSec += t;
    energyJoules += e;
    metrics.onPrefill(p, t, e);
    for (const r of group) {
      metrics.generatedTokens += 1;
      act.push({ r, remaining: r.outputTokens - 1, kvLen: r.inputTokens, firstTokenAtSec: timeSec });
      if (r.outputTokens === 1) finish(act.length - 1);
    }
  };

  const newTokens: number[] = [];
  const batch: Batch = { numRequests: 0, numDecode: 0, tlp: 1, newTokens, kvLens: ctxLens, decodeKvTokens: 0, numPromptsEnded: 0 };
  const runDecode = () => {
    const tlp = tlpAt(cfg.speculation, iteration, act.length);
    const unit = policy.decide({ numRequests: act.length, tokensPerRequest: tlp, numTokens: act.length * tlp });
    if (unit !== lastUnit) {
      if (lastUnit !== "") metrics.fcSwitches++;
      timeline?.instant("scheduler", `FC -> ${unit}`, timeSec, { rlp: act.length, tlp, alpha: policy.alpha });
      lastUnit = unit;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: decodeStepCost reads only the first numRequests entries; trimming here only spares it a copy
    if (ctxLens.length !== act.length) ctxLens.length = act.length; // shrinks only when requests finish
    let total = 0;
    for (let i = 0; i < act.length; i++) {
      ctxLens[i] = act[i].kvLen + tlp;
      newTokens[i] = tlp;
      total += ctxLens[i];
    }
    batch.numRequests = act.length;
    batch.numDecode = act.length;
    batch.tlp = tlp;
    batch.decodeKvTokens = total;
    const p = iterationCost(ctx, unit, batch);
    // the draft model proposes T - 1 tokens for each of the RLP requests; its cost is given per drafted token
    const numDrafted = act.length * (tlp - 1);
    const draftSec = numDrafted * cfg.draft.timePerTokenSec;
    const draftJoules = numDrafted * cfg.draft.energyPerTokenJoules;
    const stepSec = phaseTimeSec(p) + draftSec;
    if (timeline) {
      let t = timeSec;
      timeline.span("iteration", `iter ${iteration}`, t, stepSec, { rlp: act.length, tlp, fcOn: unit });
      timeline.span(`fc-${unit}`, "FC", t, p.fcSec);
      t += p.fcSec;
      timeline.span("attention", "attention", t, p.attentionSec);
      t += p.attentionSec;
      timeline.span("communication", "communication", t, p.communicationSec);
      t += p.communicationSec;
      timeline.span("other", "norms/activations", t, p.otherSec);
      t += p.otherSec;
      if (draftSec > 0) timeline.span("draft", "draft model", t, draftSec);
    }
    recorder?.iteration({
      iteration, startSec: timeSec, rlp: act.length, tlp, fcUnit: unit, fcSec: p.fcSec, attentionSec: p.attentionSec,
      communicationSec: p.communicationSec, otherSec: p.otherSec, draftSec, energyJoules: phaseEnergyJoules(p) + draftJoules,
    });
    timeSec += stepSec;
    energyJoules += phaseEnergyJoules(p) + draftJoules;
    metrics.onDecode(p, ctx.units[unit].isProcessor);
    metrics.draftSec += draftSec;
    metrics.draftJoules += draftJoules;
    iteration++;
    for (let i = act.length - 1; i >= 0; i--) {
      const a = act[i];
      const made = Math.min(tokensProduced(cfg.acceptance, tlp, rng), a.remaining); // ideal acceptance: tlp, no draw
      a.remaining -= made;
      a.kvLen += made;
      metrics.generatedTokens += made;
      if (a.remaining === 0) finish(i);
    }
  };

  // Requests (by position in `order`) that have waited for KV space at least once: counted once each.
  const waitedForKv = new Uint8Array(order.length);
  /** Takes requests in arrival order while they fit the batch and the KV cache. */
  const admit = (limit: number, arrivedBySec: number): RequestSpec[] => {
    const group: RequestSpec[] = [];
    while (next < order.length && act.length + group.length < limit && order[next].arrivalSec <= arrivedBySec) {
      const need = kvNeed(order[next]);
      if (kvReserved + need > ctx.kvCapacityBytes) {
        // this request and every arrived one behind it that a free slot would have taken wait for KV space
        for (let j = next; j < order.length && act.length + group.length + (j - next) < limit && order[j].arrivalSec <= arrivedBySec; j++) {
          if (waitedForKv[j] === 0) {
            waitedForKv[j] = 1;
            metrics.kvLimitedAdmissions++;
          }
        }
        break;
      }
      kvReserved += need;
      group.push(order[next++]);
    }
    return group;
  };

  if (cfg.batching === "static") {
    while (next < order.length) {
      // The batch starts once its last member has arrived (all at once for the Dolly traces).
      const lastIdx = Math.min(order.length, next + cfg.batchSize) - 1;
      waitUntil(order[lastIdx].arrivalSec);
      const group = admit(cfg.batchSize, timeSec);
      runPrefill(group);
      while (act.length > 0) runDecode();
    }
  } else {
    while (next < order.length || act.length > 0) {
      const group = admit(cfg.batchSize, timeSec);
      if (group.length > 0) runPrefill(group);
      if (act.length > 0) runDecode();
      else if (next < order.length) waitUntil(order[next].arrivalSec);
    }
  }
  // Static power over the whole run (prefill, decoding, draft steps, idle gaps), charged once.
  const st = staticEnergyJoules(ctx, timeSec - startSec);
  const staticJoules = st.gpuJoules + st.pimJoules;
  return Object.assign(metrics, {
    endSec: timeSec,
    startSec,
    idleSec,
    staticJoules,
    staticJoulesBySource: { gpu: st.gpuJoules, pim: st.pimJoules },
    energyJoules: energyJoules + staticJoules,
  });
}
