import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { runOnce } from "../../src/serving/run.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import type { RequestSpec } from "../../src/serving/trace.ts";

const reqs = (pairs: [number, number][], gapSec = 0): RequestSpec[] =>
  pairs.map(([i, o], id) => ({ id, arrivalSec: id * gapSec, inputTokens: i, outputTokens: o }));

const base = { system: "papi", model: "llama-65b", trace: "fixed:64:16", batch: 4, spec: 1 } as const;

test("static batching, spec 1: one decode iteration per remaining token of the longest request in each batch", () => {
  // batch 1: outputs 5,3,3,2 -> prefill gives 1 token each, then 4 iterations (RLP 4,4,2,1 after finishes)
  // batch 2: outputs 7 -> 6 iterations
  const r = runOnce({ ...base, batch: 4 }, { requests: reqs([[8, 5], [8, 3], [8, 3], [8, 2], [8, 7]]) });
  assert.equal(r.iterations, 4 + 6);
  assert.equal(r.generatedTokens, 5 + 3 + 3 + 2 + 7);
});

test("speculation 4 with ideal acceptance: ceil((out - 1) / 4) iterations", () => {
  const r = runOnce({ ...base, batch: 1, spec: 4 }, { requests: reqs([[8, 10]]) });
  assert.equal(r.iterations, Math.ceil(9 / 4));
  assert.equal(r.generatedTokens, 10);
});

test("adaptive speculation keeps RLP x TLP near the target as the batch drains", () => {
  // Target 8 tokens, TLP <= 8. One request of 17 tokens runs alone at TLP 8: 16 tokens remain after prefill.
  // Four requests of 3 tokens run at TLP floor(8 / 4) = 2: the 2 tokens left after prefill take one iteration.
  const alone = runOnce({ ...base, batch: 1, spec: { targetTokens: 8, maxTlp: 8 } }, { requests: reqs([[8, 17]]) });
  assert.equal(alone.iterations, 2); // 16 tokens at TLP 8
  const four = runOnce({ ...base, batch: 4, spec: { targetTokens: 8, maxTlp: 8 } }, { requests: reqs([[8, 3], [8, 3], [8, 3], [8, 3]]) });
  assert.equal(four.iterations, 1); // TLP floor(8 / 4) = 2 covers the 2 remaining tokens of each
});

test("papi with alpha 0 equals static-gpu; with a huge alpha equals static-pim", () => {
  const requests = reqs([[32, 40], [16, 9], [64, 70], [10, 3], [20, 20], [5, 60]]);
  const strip = (r: ReturnType<typeof runOnce>) => ({ ...r, scheduler: "", alpha: null, config: null, configHash: "" });
  for (const spec of [1, 4]) {
    const cfg = { ...base, batch: 4, spec };
    assert.deepEqual(strip(runOnce({ ...cfg, scheduler: "papi", alpha: 0 }, { requests })), strip(runOnce({ ...cfg, scheduler: "static-gpu" }, { requests })));
    assert.deepEqual(strip(runOnce({ ...cfg, scheduler: "papi", alpha: 1e9 }, { requests })), strip(runOnce({ ...cfg, scheduler: "static-pim" }, { requests })));
  }
});

test("same config and seed give identical results", () => {
  const cfg = { ...base, trace: "dolly-creative", requests: 40, batch: 8, spec: 4, acceptanceRate: 0.7, seed: 7 };
  assert.deepEqual(runOnce(cfg, { loader: nodeLoader() }), runOnce(cfg, { loader: nodeLoader() }));
});

test("continuous batching reports TTFT and TPOT and conserves tokens", () => {
  const requests = reqs([[100, 20], [50, 30], [10, 5], [300, 40], [20, 2], [40, 1]], 0.05);
  const r = runOnce({ ...base, batching: "continuous", batch: 3, spec: 2 }, { requests });
  assert.equal(r.generatedTokens, 20 + 30 + 5 + 40 + 2 + 1);
  assert.ok(r.ttftSec.p50 > 0 && r.tpotSec.p50 > 0);
  assert.ok(r.ttftSec.p99 >= r.ttftSec.p50);
});

describe("properties", () => {
  const trace = fc.array(fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 12 });
  const knobs = fc.record({
    batch: fc.integer({ min: 1, max: 8 }),
    spec: fc.oneof(
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
      fc.record({ targetTokens: fc.integer({ min: 1, max: 64 }), maxTlp: fc.integer({ min: 1, max: 8 }) }),
    ),
    batching: fc.constantFrom("static" as const, "continuous" as const),
    acceptanceRate: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
    seed: fc.integer({ min: 0, max: 1000 }),
  });

  test("every output token is generated exactly once", () =>
    fc.assert(
      fc.property(trace, knobs, (t, k) => {
        const r = runOnce({ ...base, ...k }, { requests: reqs(t, 0.01) });
        assert.equal(r.generatedTokens, t.reduce((s, [, o]) => s + o, 0));
        assert.equal(r.iterations, r.fcOnGpuIterations + r.fcOnPimIterations);
        // energy is conserved across its breakdown, and time across prefill + decode + idle
        const b = r.breakdownJoules;
        const parts = b.fc + b.attention + b.communication + b.other + b.prefill + b.static;
        assert.ok(Math.abs(parts - r.energyJoules) <= 1e-9 * r.energyJoules, `${parts} vs ${r.energyJoules}`);
        assert.ok(Math.abs(r.prefillSec + r.decodeSec + r.idleSec - r.latencySec) <= 1e-9 * r.latencySec);
      }),
      { numRuns: 60 },
    ));

  test("the oracle is never slower than papi", () =>
    fc.assert(
      fc.property(trace, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 8 }), (t, batch, spec) => {
        const requests = reqs(t);
        const p = runOnce({ ...base, batch, spec, scheduler: "papi" }, { requests });
        const o = runOnce({ ...base, batch, spec, scheduler: "oracle" }, { requests });
        assert.ok(o.latencySec <= p.latencySec * (1 + 1e-12), `oracle ${o.latencySec} > papi ${p.latencySec}`);
      }),
      { numRuns: 40 },
    ));

  test("a faster attention link or more GPU bandwidth never slows a run", () =>
    fc.assert(
      fc.property(trace, fc.integer({ min: 1, max: 16 }), fc.double({ min: 1, max: 8, noNaN: true }), (t, batch, factor) => {
        const requests = reqs(t);
        const cfg = { ...base, system: "a100-attacc", batch, spec: 2 };
        const slow = runOnce(cfg, { requests });
        const fastLink = runOnce({ ...cfg, hardware: { links: { attention: { bandwidthBytesPerSec: LINK_PRESETS.pcie5.bandwidthBytesPerSec * factor } } } }, { requests });
        const fastHbm = runOnce({ ...cfg, hardware: { gpu: { hbmBandwidthBytesPerSec: GPU_PRESETS["a100-hbm3"].hbmBandwidthBytesPerSec * (1 + (factor - 1) / 7) } } }, { requests });
        assert.ok(fastLink.latencySec <= slow.latencySec * (1 + 1e-12));
        assert.ok(fastHbm.latencySec <= slow.latencySec * (1 + 1e-12));
      }),
      { numRuns: 25 },
    ));
});
