import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { runOnce } from "../../src/serving/run.ts";
import { BATCHING_NAMES } from "../../src/serving/batching/index.ts";
import { ROUTER_NAMES, type RouterName } from "../../src/serving/routers/index.ts";
import type { RequestSpec } from "../../src/serving/trace.ts";

// a100-attacc with one attention stack: 16 GiB of KV = 6,553 LLaMA-65B tokens (409 blocks of 16), so a dozen
// requests of up to 1,500 + 300 tokens run out of blocks and the paged policies preempt
const tight = { system: "a100-attacc", model: "llama-65b", trace: "fixed:8:8", attnStacks: 1 } as const;
const reqs = (t: [number, number, number][]): RequestSpec[] => {
  let at = 0;
  return t.map(([i, o, gapMs], id) => ({ id, arrivalSec: (at += gapMs / 1e3), inputTokens: i, outputTokens: o }));
};
const traceArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 200 })), { minLength: 1, maxLength: 12 });
const servingFor = (batching: string, budget: number, preemption: "recompute" | "swap", replicas: number, router: RouterName) =>
  batching === "static" || batching === "continuous-v02" ? { replicas, router }
  : batching === "disaggregated" ? { maxNumBatchedTokens: budget, replicas, router }
  : { maxNumBatchedTokens: budget, preemption, replicas, router };

describe("properties of every batching policy", () => {
  for (const batching of BATCHING_NAMES) {
    test(`${batching}: every request finishes once, every token is generated once, KV never above capacity`, () =>
      fc.assert(
        fc.property(
          traceArb, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 16, max: 4096 }),
          fc.constantFrom("recompute" as const, "swap" as const), fc.integer({ min: 1, max: 3 }), fc.constantFrom(...ROUTER_NAMES),
          (t, batch, spec, budget, preemption, replicas, router) => {
            const requests = reqs(t);
            const r = runOnce({ ...tight, batching, batch, spec, serving: servingFor(batching, budget, preemption, replicas, router), acceptanceRate: 0.7 }, { requests });
            assert.equal(r.generatedTokens, t.reduce((s, [, o]) => s + o, 0));
            assert.equal(r.numRequests, t.length);
            // no request lost or duplicated (preemption included): each finished exactly once
            const per = r.serving.replicas;
            assert.equal(per.reduce((s, x) => s + x.generatedTokens, 0), r.generatedTokens);
            // every request is routed once to the pool it enters (the prefill pool when disaggregated), and a
            // disaggregated request with more than one output token once more, to a decode replica
            const entry = per.some((x) => x.pool === "prefill") ? "prefill" : per[0].pool;
            assert.equal(per.filter((x) => x.pool === entry).reduce((s, x) => s + x.numRequests, 0), t.length);
            if (entry === "prefill") assert.equal(per.filter((x) => x.pool === "decode").reduce((s, x) => s + x.numRequests, 0), t.filter(([, o]) => o > 1).length);
            for (const x of per) {
              assert.ok(x.kvPeakLoad <= 1 + 1e-12, `replica ${x.index} peak ${x.kvPeakLoad}`);
              assert.ok(Math.abs(x.kvLeftLoad) < 1e-9, `replica ${x.index} still holds ${x.kvLeftLoad} of its KV`);
              assert.ok(x.utilization >= 0 && x.utilization <= 1 + 1e-9);
            }
            // time is conserved on one replica: prefill + decode + idle + swaps = latency
            if (per.length === 1) assert.ok(Math.abs(r.prefillSec + r.decodeSec + r.idleSec + r.serving.swapSec - r.latencySec) <= 1e-9 * r.latencySec);
          },
        ),
        { numRuns: 40 },
      ));
  }

  test("the same seed gives the same result; the run does not depend on the order requests are listed in", () =>
    fc.assert(
      fc.property(traceArb, fc.constantFrom(...BATCHING_NAMES), fc.integer({ min: 0, max: 1000 }), (t, batching, seed) => {
        const cfg = { ...tight, batching, batch: 4, spec: 3, seed, acceptanceRate: 0.6, serving: servingFor(batching, 512, "recompute", 2, "least-outstanding") };
        const requests = reqs(t);
        const a = runOnce(cfg, { requests });
        assert.deepEqual(runOnce(cfg, { requests }), a);
        assert.deepEqual(runOnce(cfg, { requests: [...requests].reverse() }), a);
      }),
      { numRuns: 25 },
    ));

  // Goodput here is requests meeting the SLO; per second of the run it is not monotone: round-robin reshuffles which
  // requests share a replica, and the run's span can grow by a prefill (fast-check found 4 requests arriving
  // together, prompts 1, 1, 1, 2: 3 replicas batch the 2-token prompt with a 2-output request, 2 replicas do not).
  test("more round-robin replicas never lower the requests that meet the SLO at a fixed arrival rate", () =>
    fc.assert(
      fc.property(traceArb, fc.constantFrom("continuous", "chunked", "continuous-v02"), fc.integer({ min: 1, max: 3 }), (t, batching, n) => {
        const requests = reqs(t);
        const cfg = (replicas: number) => ({ system: "papi", model: "llama-65b", trace: "fixed:8:8", batching, batch: 4, spec: 1, slo: { ttftSec: 0.5, tpotSec: 0.05 }, serving: { replicas, router: "round-robin" as const } });
        const fewer = runOnce(cfg(n), { requests }).slo!;
        const more = runOnce(cfg(n + 1), { requests }).slo!;
        assert.ok(more.metRequests >= fewer.metRequests, `${n + 1} replicas meet the SLO for ${more.metRequests}, ${n} for ${fewer.metRequests}`);

      }),
      { numRuns: 100 },
    ));
});

test("preemption under memory pressure: recompute prefills the victim's prompt and tokens again; swap copies its blocks out and back", () => {
  // 4 requests of 1,500 + 300 tokens arrive together: prompts take 4 x 94 = 376 of 409 blocks, and decoding needs
  // 4 x 113 blocks at the end: the last-arrived requests are preempted
  const requests = reqs([[1500, 300, 0], [1500, 300, 0], [1500, 300, 0], [1500, 300, 0]]);
  const rec = runOnce({ ...tight, batching: "continuous", batch: 8, spec: 1, serving: { preemption: "recompute" } }, { requests });
  assert.ok(rec.serving.preemptionsRecompute > 0);
  assert.equal(rec.serving.preemptionsSwap, 0);
  assert.ok(rec.serving.recomputedTokens > 1500); // a prompt and the tokens it had generated
  assert.equal(rec.generatedTokens, 1200);
  const swap = runOnce({ ...tight, batching: "continuous", batch: 8, spec: 1, serving: { preemption: "swap" } }, { requests });
  assert.ok(swap.serving.preemptionsSwap > 0);
  assert.ok(swap.serving.swapBytes > 0 && swap.serving.swapSec > 0);
  // conservation: each swapped request's blocks cross the host link twice (out, then back in). LLaMA-65B's KV is
  // 2 (K, V) x 80 layers x 8192 x 2 B = 2,621,440 B per token; one victim, swapped once, holding whole 16-token blocks
  // of a sequence between its prompt (1,500) and its end (1,800)
  assert.equal(swap.serving.preemptionsSwap, 1);
  const tokensMoved = swap.serving.swapBytes / 2_621_440;
  assert.ok(Number.isInteger(tokensMoved / 32), `${tokensMoved} tokens: two transfers of whole 16-token blocks`);
  assert.ok(tokensMoved / 2 >= 1500 && tokensMoved / 2 <= 1816, `${tokensMoved / 2} tokens each way`);
  assert.equal(swap.serving.recomputedTokens, 0);
  // time is conserved with swaps: each swap's time extends the iteration it was planned for
  assert.ok(Math.abs(swap.prefillSec + swap.decodeSec + swap.idleSec + swap.serving.swapSec - swap.latencySec) <= 1e-9 * swap.latencySec);
  assert.equal(swap.generatedTokens, 1200);
  // no host memory: swap falls back to recomputation
  const none = runOnce({ ...tight, batching: "continuous", batch: 8, spec: 1, serving: { preemption: "swap", swapSpaceBytesPerGroup: 0 } }, { requests });
  assert.deepEqual([none.serving.preemptionsSwap, none.serving.preemptionsRecompute > 0], [0, true]);
  // static batching reserves whole sequences: it never preempts, it admits fewer
  const st = runOnce({ ...tight, batching: "static", batch: 8, spec: 1 }, { requests });
  assert.deepEqual([st.preemptions, st.kvLimitedAdmissions > 0], [0, true]);
});
