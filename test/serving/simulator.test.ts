import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { runOnce } from "../../src/serving/run.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import type { RequestSpec } from "../../src/serving/trace.ts";
import { UserError } from "../../src/core/errors.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { makePolicy } from "../../src/scheduling/registry.ts";
import { arrivalOrder, serve } from "../../src/serving/simulator.ts";
import { Timeline } from "../../src/serving/timeline.ts";
import * as recorderModule from "../../src/serving/recorder.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { staticPowerWatts } from "../../src/systems/static-power.ts";
import { attentionIterationCost } from "../../src/systems/attention-cost.ts";
import { decodeBatch } from "../../src/systems/batch.ts";

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

test("the seed drives acceptance: same seed, same run; another seed, another run", () => {
  const cfg = { ...base, trace: "dolly-creative", requests: 40, batch: 8, spec: 4, acceptanceRate: 0.7, seed: 7 };
  const a = runOnce(cfg, { loader: nodeLoader() });
  assert.deepEqual(runOnce(cfg, { loader: nodeLoader() }), a);
  const b = runOnce({ ...cfg, seed: 8 }, { loader: nodeLoader() });
  assert.notEqual(b.iterations, a.iterations);
  assert.equal(b.generatedTokens, a.generatedTokens);
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

describe("accounting, pinned by hand", () => {
  const ctxOf = (system: string, counts: Parameters<typeof buildSystem>[3] = {}) => buildSystem(system, MODEL_PRESETS["llama-65b"], {}, counts);
  const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

  test("KV length of each iteration = cached tokens + TLP (prompt cached by prefill, first output token not yet)", () => {
    // 8 prompt tokens, 10 output tokens, TLP 4, ideal acceptance: prefill caches 8 and yields token 1; iterations
    // attend over 8 + 4 = 12, then 12 + 4 = 16, then 16 + 4 = 20 keys (tokens 2-5, 6-9, 10)
    const ctx = ctxOf("papi");
    const r = runOnce({ ...base, batch: 1, spec: 4 }, { requests: reqs([[8, 10]]), ctx });
    const att = (L: number) => attentionIterationCost(ctx, decodeBatch([L], 4), "gpu").attention.timeSec;
    assert.equal(r.iterations, 3);
    close(r.breakdownSec.attention, att(12) + att(16) + att(20));
  });

  test("draft cost is charged per drafted token: RLP x (TLP - 1) per iteration", () => {
    // outputs 9, 5, 5 at TLP 4: iteration 1 runs 3 requests (two finish), iteration 2 runs 1: 3x3 + 1x3 = 12 drafts
    const requests = reqs([[8, 9], [8, 5], [8, 5]]);
    const cfg = { ...base, batch: 3, spec: 4 };
    const plain = runOnce(cfg, { requests });
    const drafted = runOnce({ ...cfg, draft: { timePerTokenSec: 1e-3, energyPerTokenJoules: 2 } }, { requests });
    assert.equal(drafted.iterations, 2);
    // on its own line, not in "other"
    close(drafted.breakdownSec.draft, 12e-3, 1e-9);
    close(drafted.breakdownJoules.draft, 24, 1e-9);
    assert.equal(drafted.breakdownSec.other, plain.breakdownSec.other);
    assert.equal(drafted.energyByDevice.draft.total, 24);
    close(drafted.latencySec - plain.latencySec, 12e-3, 1e-6);
    // the serving loop's own draft clock adds up the same 12 drafted tokens x 1 ms
    const ctx = ctxOf("papi");
    const serveCfg = { batching: "static" as const, batchSize: 3, speculation: { kind: "fixed" as const, tlp: 4 }, acceptance: { kind: "ideal" as const }, draft: { timePerTokenSec: 1e-3, energyPerTokenJoules: 2 }, seed: 1 };
    close(serve(ctx, makePolicy("papi", ctx), requests, serveCfg).draftSec, 12e-3, 1e-12);
  });

  test("the scheduler moves FC from the GPUs to FC-PIM mid-batch as RLP falls past alpha", () => {
    // alpha 20, TLP 4: 16 requests -> 64 tokens > 20 -> GPU; 11 finish after one iteration (2 outputs), the
    // other 5 (13 outputs) need 3 iterations: 5 x 4 = 20 <= 20 -> FC-PIM for iterations 2 and 3
    const requests = reqs([...Array(11).fill([8, 2]), ...Array(5).fill([8, 13])] as [number, number][]);
    const timeline = new Timeline();
    const r = runOnce({ ...base, batch: 16, spec: 4, scheduler: "papi", alpha: 20 }, { requests, timeline });
    assert.deepEqual([r.iterations, r.fcOnGpuIterations, r.fcOnPimIterations, r.fcSwitches], [3, 1, 2, 1]);
    const moves = JSON.parse(timeline.toJson("t")).traceEvents.filter((e: { ph: string }) => e.ph === "i");
    assert.deepEqual(moves.map((e: { name: string }) => e.name), ["FC -> gpu", "FC -> fc-pim"]);
    // each move says why: the batch's RLP and TLP against alpha
    assert.deepEqual(moves.map((e: { args: unknown }) => e.args), [{ rlp: 16, tlp: 4, alpha: 20 }, { rlp: 5, tlp: 4, alpha: 20 }]);
  });

  test("continuous batching prefills only the requests it admits: no empty prefill while decoding", () => {
    // the second request arrives while the first decodes: 2 prefills of 1 request, however many iterations
    const requests = reqs([[8, 30], [8, 30]]).map((r, i) => ({ ...r, arrivalSec: i * 0.05 }));
    const timeline = new Timeline();
    const r = runOnce({ ...base, batching: "continuous", batch: 4, spec: 1 }, { requests, timeline });
    assert.ok(r.iterations > 2);
    const prefills = JSON.parse(timeline.toJson("t")).traceEvents.filter((e: { name: string }) => e.name.startsWith("prefill"));
    assert.deepEqual(prefills.map((e: { name: string }) => e.name), ["prefill x1", "prefill x1"]);
  });

  test("static power of every device over the whole run, idle gaps included", () => {
    const ctx = ctxOf("papi");
    const requests = reqs([[8, 3], [8, 3]], 5); // the second request arrives 5 s later: the system idles
    const r = runOnce({ ...base, batching: "continuous", batch: 4, spec: 1 }, { requests, ctx });
    assert.ok(r.idleSec > 4.9);
    const p = staticPowerWatts(ctx);
    close(r.staticJoulesBySource.gpu, 6 * 60 * r.latencySec);
    close(r.staticJoulesBySource.pim, p.pimWatts * r.latencySec);
    close(r.breakdownJoules.static, (p.gpuWatts + p.pimWatts) * r.latencySec);
    // the run starts at the first arrival: the same trace 7 s later has the same static energy, over end - start
    const late = runOnce({ ...base, batching: "continuous", batch: 4, spec: 1 }, { requests: requests.map((q) => ({ ...q, arrivalSec: q.arrivalSec + 7 })), ctx });
    close(late.latencySec, r.latencySec);
    close(late.breakdownJoules.static, (p.gpuWatts + p.pimWatts) * late.latencySec);
    close(late.breakdownJoules.static, r.breakdownJoules.static);
  });

  test("static batching never idles when every request has arrived: the clock only moves forward", () => {
    // all arrive at 0, batch 1: batches 2 and 3 start as soon as the one before ends (their members arrived long ago)
    const r = runOnce({ ...base, batch: 1, spec: 1 }, { requests: reqs([[8, 3], [8, 4], [8, 2]]) });
    assert.equal(r.idleSec, 0);
    close(r.latencySec, r.prefillSec + r.decodeSec);
    assert.ok(r.latencySec > r.decodeSec);
  });

  test("requests arriving together are served in id order, whatever order the trace lists them in", () => {
    const ctx = ctxOf("papi");
    const requests: RequestSpec[] = [2, 0, 3, 1, 4].map((id) => ({ id, arrivalSec: 1, inputTokens: 16, outputTokens: 3 }));
    for (const batching of ["static", "continuous"] as const) {
      const cfg = { batching, batchSize: 1, speculation: { kind: "fixed" as const, tlp: 1 }, acceptance: { kind: "ideal" as const }, draft: { timePerTokenSec: 0, energyPerTokenJoules: 0 }, seed: 1 };
      assert.deepEqual(serve(ctx, makePolicy("papi", ctx), requests, cfg).completionOrder.toArray(), [0, 1, 2, 3, 4], batching);
    }
  });

  test("GPU attention reads the batch's total KV length: the sum of every request's context", () => {
    // gpu-only: attention runs on the GPUs over totalContextTokens. Prompts 8 and 20, 3 outputs each, TLP 1:
    // iteration 1 attends over (8 + 1) + (20 + 1) = 30 keys, iteration 2 over 10 + 22 = 32
    const ctx = ctxOf("gpu-only");
    const r = runOnce({ ...base, system: "gpu-only", batch: 2, spec: 1 }, { requests: reqs([[8, 3], [20, 3]]), ctx });
    const att = (lens: number[]) => attentionIterationCost(ctx, decodeBatch(lens, 1), "gpu").attention.timeSec;
    assert.equal(r.iterations, 2);
    assert.ok(att([9, 21]) > 0);
    close(r.breakdownSec.attention, att([9, 21]) + att([10, 22]));
  });

  test("KV space: a request that cannot fit is refused; others wait, and each waiting request is counted once", () => {
    // one 16-GiB attention stack holds 6,553 tokens of LLaMA-65B KV (2.62 MB each); a request of 2,000 + 10
    // tokens (+1 TLP) reserves 2,011: three fit, so 8 requests run as 3 + 3 + 2 and requests 4..8 wait
    const ctx = ctxOf("a100-attacc", { numAttnStacks: 1 });
    const requests = reqs(Array(8).fill([2000, 10]) as [number, number][]);
    for (const batching of ["static", "continuous-v02"] as const) {
      const r = runOnce({ ...base, system: "a100-attacc", batching, batch: 8, spec: 1 }, { requests, ctx });
      assert.equal(r.kvLimitedAdmissions, 5, batching);
      assert.equal(r.generatedTokens, 80);
    }
    // vLLM's scheduler on 16-token blocks: 6,553 tokens = 409 blocks, a prompt takes 125; the 2,048-token budget
    // admits one prompt per prefill iteration. r0, r1, r2 are admitted (375 blocks); r3 finds 34 free and waits
    // (counted) while the three decode; when they finish r3, r4, r5 are admitted and r6 waits (counted): 2 in all.
    const v = runOnce({ ...base, system: "a100-attacc", batching: "continuous", batch: 8, spec: 1 }, { requests, ctx });
    assert.deepEqual([v.kvLimitedAdmissions, v.generatedTokens, v.preemptions], [2, 80, 0]);
    assert.equal(runOnce({ ...base, system: "a100-attacc", batch: 8, spec: 1 }, { requests, ctx }).iterations, 3 * 9);
    assert.throws(() => runOnce({ ...base, system: "a100-attacc", spec: 1 }, { requests: reqs([[7000, 10]]), ctx }), (e: unknown) => e instanceof UserError && /needs more KV cache/.test(e.message));
    // the message gives the capacity in GB: one 16-GiB stack = 16 x 2^30 B = 17.18e9 B -> "17.2 GB"
    assert.throws(() => runOnce({ ...base, system: "a100-attacc", spec: 1 }, { requests: reqs([[7000, 10]]), ctx }), (e: unknown) => e instanceof UserError && /has \(17\.2 GB\)$/.test(e.message));
  });

  test("continuous batching admits in arrival order and never runs more than the in-flight limit", () => {
    const ctx = ctxOf("papi");
    // given out of order: ids 0..3 arrive at 0.3, 0.2, 0.1, 0 s; one in flight at a time
    const requests: RequestSpec[] = [0.3, 0.2, 0.1, 0].map((t, id) => ({ id, arrivalSec: t, inputTokens: 16, outputTokens: 4 + id }));
    const cfg = { batching: "continuous" as const, batchSize: 1, speculation: { kind: "fixed" as const, tlp: 1 }, acceptance: { kind: "ideal" as const }, draft: { timePerTokenSec: 0, energyPerTokenJoules: 0 }, seed: 1 };
    assert.deepEqual(serve(ctx, makePolicy("papi", ctx), requests, cfg).completionOrder.toArray(), [3, 2, 1, 0]);
    const timeline = new Timeline();
    runOnce({ ...base, batching: "continuous", batch: 3, spec: 2 }, { requests: reqs([[50, 9], [20, 4], [30, 12], [10, 3], [40, 7], [5, 5]], 0.001), ctx, timeline });
    const events = JSON.parse(timeline.toJson("t")).traceEvents as { name: string; args?: { rlp?: number; requests?: number } }[];
    const rlps = events.filter((e) => e.name.startsWith("iter ")).map((e) => e.args!.rlp!);
    assert.ok(Math.max(...rlps) === 3 && rlps.every((x) => x <= 3), JSON.stringify(rlps));
  });

  test("a slower GPU-GPU link slows an all-reduce-bound run by exactly its extra message latency", () => {
    // every decode iteration: 80 layers x 2 all-reduces x 10 messages + one all-gather of 5 = 1,605 messages
    const requests = reqs([[16, 6], [16, 3]]);
    const cfg = { ...base, system: "papi", batch: 2, spec: 1, alpha: 0 };
    const fast = runOnce(cfg, { requests });
    const slow = runOnce({ ...cfg, hardware: { links: { gpuGpu: { latencySec: 30.3e-6 } } } }, { requests });
    close(slow.breakdownSec.communication - fast.breakdownSec.communication, fast.iterations * 1605 * (30.3e-6 - 3.03e-6), 1e-9);
    assert.ok(slow.latencySec > 3 * fast.latencySec);
  });

  test("MoE runs end to end on all six systems, tokens and energy conserved", () => {
    const requests = reqs([[64, 9], [32, 17], [100, 5], [16, 12], [8, 30], [50, 2], [70, 7], [20, 20]]);
    for (const system of ["gpu-only", "a100-attacc", "a100-hbmpim", "attacc-only", "papi", "pim-only-papi"]) {
      const r = runOnce({ ...base, system, model: "mixtral-8x7b", batch: 8, spec: 2 }, { requests });
      assert.equal(r.generatedTokens, 9 + 17 + 5 + 12 + 30 + 2 + 7 + 20, system);
      const b = r.breakdownJoules;
      close(b.fc + b.attention + b.communication + b.other + b.prefill + b.static, r.energyJoules);
      assert.ok(r.breakdownSec.fc > 0 && r.energyJoules > 0, system);
    }
  });
});

describe("the batch the cost model sees", () => {
  test("finished requests leave the attention batch: a long request's tail costs what it costs alone", () => {
    // A (2,048-token prompt, 2 outputs) and B (64-token prompt, 10 outputs) together, then B alone: once A has
    // finished, B's kvLen is the same in both runs at the same step, so the PIM attention time of those iterations
    // must match exactly (A's long context, if it stayed in the batch, would set the time).
    const { RunRecorder } = recorderModule;
    const together = new RunRecorder();
    runOnce({ ...base, batch: 2, spec: 1 }, { requests: reqs([[2048, 2], [64, 10]]), recorder: together });
    const alone = new RunRecorder();
    runOnce({ ...base, batch: 2, spec: 1 }, { requests: reqs([[64, 10]]), recorder: alone });
    assert.equal(together.iterations.length, 9);
    assert.equal(alone.iterations.length, 9);
    for (let i = 1; i < 9; i++) {
      assert.equal(together.iterations[i].rlp, 1);
      assert.equal(together.iterations[i].attentionSec, alone.iterations[i].attentionSec, `iteration ${i}`);
    }
    assert.ok(together.iterations[0].attentionSec > alone.iterations[0].attentionSec, "A's 2,048 keys cost more than B's 65");
  });
});

describe("arrival order", () => {
  const spec = (id: number, arrivalSec: number): RequestSpec => ({ id, arrivalSec, inputTokens: 8, outputTokens: 2 });
  const definition = (rs: readonly RequestSpec[]) => [...rs].sort((a, b) => a.arrivalSec - b.arrivalSec || a.id - b.id);

  test("an ordered trace is used as it is (no copy); ties of arrival by id; an unordered one is sorted into a copy", () => {
    const ordered = [spec(0, 0), spec(1, 0), spec(2, 0.5), spec(3, 0.5)];
    assert.equal(arrivalOrder(ordered), ordered);
    const shuffled = [spec(2, 0.5), spec(0, 0), spec(3, 0.5), spec(1, 0)];
    const sorted = arrivalOrder(shuffled);
    assert.notEqual(sorted, shuffled);
    assert.deepEqual(sorted.map((r) => r.id), [0, 1, 2, 3]);
    assert.deepEqual(shuffled.map((r) => r.id), [2, 0, 3, 1], "the input is left alone");
    // same arrival, ids out of order: sorted by id
    assert.deepEqual(arrivalOrder([spec(5, 1), spec(4, 1)]).map((r) => r.id), [4, 5]);
  });

  test("property: equals the stable sort by (arrival, id), duplicates included", () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5), fc.constantFrom(0, 0.25, 1, 2)), { maxLength: 30 }), (xs) => {
        const rs = xs.map(([id, t]) => spec(id, t));
        const got = arrivalOrder(rs);
        const want = definition(rs);
        assert.equal(got.length, want.length);
        for (let i = 0; i < got.length; i++) assert.equal(got[i], want[i]);
      }),
    ));
});
