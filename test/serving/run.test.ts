import type { PhaseCost } from "../../src/systems/iteration-cost.ts";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { hashOf } from "../../src/core/hash.ts";
import { MetricsStore, percentiles } from "../../src/serving/metrics.ts";
import { RunRecorder } from "../../src/serving/recorder.ts";
import { parseRunConfig, runOnce, suspectInputs, systemOf, type RunResult } from "../../src/serving/run.ts";
import { Timeline } from "../../src/serving/timeline.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import type { RequestSpec } from "../../src/serving/trace.ts";

/**
 * What runOnce reports, checked against what the serving loop recorded (iterations.csv, requests.csv, the timeline)
 * and against identities that any correct accounting satisfies. At paper scale (papi: 6 A100 + 30 FC-PIM + 60
 * attention stacks, LLaMA-65B).
 */
const reqs = (lens: [number, number][], gapSec = 0): RequestSpec[] =>
  lens.map(([inputTokens, outputTokens], id) => ({ id, arrivalSec: id * gapSec, inputTokens, outputTokens }));
const close = (a: number, b: number, what: string, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-30), `${what}: ${a} vs ${b}`);
const REQS = reqs([[32, 40], [16, 9], [64, 70], [10, 3], [20, 20], [5, 60], [7, 1]]);

function recorded(cfg: Record<string, unknown>, requests = REQS) {
  const recorder = new RunRecorder();
  const timeline = new Timeline();
  const r = runOnce({ system: "papi", model: "llama-65b", trace: "fixed:1:1", ...cfg }, { requests, recorder, timeline });
  return { r, recorder, timeline: JSON.parse(timeline.toJson("t")) as { traceEvents: { name: string; ph: string; ts: number; dur?: number; tid: number; args?: Record<string, unknown> }[] } };
}

/** The identities of a result, whatever the config. */
function assertIdentities(r: RunResult, rec: RunRecorder, requests: readonly RequestSpec[]): void {
  const b = r.breakdownSec;
  close(r.decodeSec, b.fc + b.attention + b.communication + b.other + b.draft - b.overlap, "decodeSec = sum of the breakdown - overlap");
  close(r.latencySec, r.prefillSec + r.decodeSec + r.idleSec, "latency = prefill + decode + idle");
  const j = r.breakdownJoules;
  close(r.energyJoules, j.fc + j.attention + j.communication + j.other + j.draft + j.prefill + j.static, "energy = sum of the energy breakdown");
  close(r.energyJoules, Object.values(r.energyByDevice).reduce((s, d) => s + d.total, 0), "energy = sum over devices");
  for (const [name, d] of Object.entries(r.energyByDevice)) close(d.total, d.compute + d.dram + d.transfer + d.static + d.refresh, `${name}: total = sum of kinds`);
  const k = r.energyByKind;
  close(r.energyJoules, k.compute + k.dram + k.transfer + k.static + k.refresh, "energy = sum over kinds");
  close(k.static + k.refresh, j.static, "static + refresh = the static energy");
  // the links carry decode communication plus prefill's (which is inside j.prefill)
  assert.ok(r.energyByDevice.links.transfer >= j.communication * (1 - 1e-12) && r.energyByDevice.links.transfer <= (j.communication + j.prefill) * (1 + 1e-12));
  close(j.static, r.staticJoulesBySource.gpu + r.staticJoulesBySource.pim, "static = gpu + pim");
  close(r.prefillJoules, j.prefill, "prefillJoules");
  assert.equal(r.generatedTokens, requests.reduce((s, q) => s + q.outputTokens, 0), "every output token once");
  close(r.tokensPerSec, r.generatedTokens / r.latencySec, "tokens/s");
  close(r.tokensPerJoule, r.generatedTokens / r.energyJoules, "tokens/J");
  for (const k of ["fc", "attention", "communication", "other", "draft"] as const) close(r.perTokenSec[k], b[k] / r.generatedTokens, `perTokenSec.${k}`);
  assert.equal(r.iterations, r.fcOnGpuIterations + r.fcOnPimIterations);
  assert.equal(r.iterations, rec.iterations.length);
  assert.equal(r.fcOnGpuIterations, rec.iterations.filter((i) => i.fcUnit === "gpu").length);
  close(r.decodeStepSecMean, r.decodeSec / r.iterations, "mean step");
  const switches = rec.iterations.filter((it, k) => k > 0 && it.fcUnit !== rec.iterations[k - 1].fcUnit).length;
  assert.equal(r.fcSwitches, switches, "switches = unit changes between consecutive iterations");
  close(b.fc, rec.iterations.reduce((s, i) => s + i.fcSec, 0), "fc seconds = sum over iterations");
  close(b.other, rec.iterations.reduce((s, i) => s + i.otherSec, 0), "other seconds = sum over iterations");
  assert.equal(r.numRequests, requests.length);
  assert.equal(rec.requests.length, requests.length, "every request finishes once");
  // requests.csv: TTFT and TPOT as defined, and the run's percentiles are over them
  for (const q of rec.requests) {
    close(q.ttftSec, q.firstTokenAtSec - q.arrivalSec, "ttft");
    close(q.tpotSec, q.outputTokens > 1 ? (q.finishedAtSec - q.firstTokenAtSec) / (q.outputTokens - 1) : 0, "tpot");
    assert.ok(q.arrivalSec <= q.firstTokenAtSec && q.firstTokenAtSec <= q.finishedAtSec);
  }
  assert.deepEqual(r.ttftSec, percentiles(rec.requests.map((q) => q.ttftSec)));
  assert.deepEqual(r.tpotSec, percentiles(rec.requests.filter((q) => q.outputTokens > 1).map((q) => q.tpotSec)));
}

describe("runOnce", () => {
  test("identities on static and continuous batching, with speculation and drafts", () => {
    for (const cfg of [
      { batch: 4, spec: 1 },
      { batch: 3, spec: 4, batching: "continuous" },
      { batch: 8, spec: [1, 2, 4], acceptanceRate: 0.6, seed: 5, draft: { timePerTokenSec: 1e-4, energyPerTokenJoules: 0.5 } },
    ]) {
      const requests = cfg.batching === "continuous" ? reqs(REQS.map((q) => [q.inputTokens, q.outputTokens]), 0.02) : REQS;
      const { r, recorder } = recorded(cfg, requests);
      assertIdentities(r, recorder, requests);
    }
  });

  test("property: the identities hold for random request sets, batches and speculation", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom("static", "continuous"),
        (lens, batch, spec, batching) => {
          const requests = reqs(lens, batching === "continuous" ? 0.01 : 0);
          const { r, recorder } = recorded({ batch, spec, batching }, requests);
          assertIdentities(r, recorder, requests);
        },
      ),
      { numRuns: 30, seed: 81 },
    );
  });

  test("the result echoes its config and names; the hash follows the resolved config", () => {
    const { r } = recorded({ batch: 4, spec: 2, seed: 9 });
    assert.equal(r.system, "papi");
    assert.equal(r.model, "llama-65b");
    assert.equal(r.scheduler, "papi");
    assert.equal(r.batching, "static");
    assert.equal(r.batch, 4);
    assert.equal(r.spec, 2);
    assert.equal(r.seed, 9);
    assert.equal(r.acceptanceRate, null);
    assert.ok(Number.isInteger(r.alpha) && r.alpha! > 0);
    assert.equal(r.config.system.name, "papi");
    assert.equal(r.config.model.num_hidden_layers, 80);
    const again = recorded({ batch: 4, spec: 2, seed: 9 }).r;
    assert.equal(again.configHash, r.configHash);
    assert.notEqual(recorded({ batch: 4, spec: 2, seed: 10 }).r.configHash, r.configHash);
    assert.equal(recorded({ batch: 4, scheduler: "oracle" }).r.alpha, null);
  });

  test("the timeline has one span per phase per iteration, in order, and a scheduler mark per FC move", () => {
    const { r, recorder, timeline } = recorded({ batch: 4, spec: 2, scheduler: "papi", alpha: 5 });
    const ev = timeline.traceEvents;
    const iters = ev.filter((e) => e.ph === "X" && e.name.startsWith("iter "));
    assert.equal(iters.length, r.iterations);
    recorder.iterations.forEach((it, k) => {
      close(iters[k].ts, it.startSec * 1e6, `iteration ${k} start`);
      close(iters[k].dur!, (it.fcSec + it.attentionSec + it.communicationSec + it.otherSec) * 1e6, `iteration ${k} length`);
      assert.equal(iters[k].args!.fcOn, it.fcUnit);
    });
    const marks = ev.filter((e) => e.ph === "i");
    assert.equal(marks.length, r.fcSwitches + 1, "one mark for the first placement, one per switch");
    assert.ok(r.fcSwitches >= 1, "alpha 5 with a draining batch of 4 x TLP 2 must move FC");
    const prefill = ev.filter((e) => e.ph === "X" && e.name.startsWith("prefill"));
    assert.equal(prefill.length, Math.ceil(REQS.length / 4));
    close(prefill.reduce((s, e) => s + e.dur!, 0), r.prefillSec * 1e6, "prefill spans");
    // metadata: a name for the process, the 7 fixed lanes and the 2 FC lanes (one per unit FC ran on)
    assert.equal(ev.filter((e) => e.ph === "M").length, 10);
    // each iteration's phases in order on their lanes, FC on the lane of the unit it ran on, each phase starting
    // where the one before ended and the last ending where the iteration ends
    const lane = Object.fromEntries(ev.filter((e) => e.ph === "M" && e.tid > 0).map((e) => [e.args!.name, e.tid]));
    const phases = ev.filter((e) => e.ph === "X" && !e.name.startsWith("prefill") && !e.name.startsWith("iter "));
    assert.equal(phases.length, 4 * r.iterations, "FC, attention, communication and other in every iteration");
    const units = new Set<string>();
    recorder.iterations.forEach((it, k) => {
      const [f, a, c, o] = phases.slice(4 * k, 4 * k + 4);
      units.add(it.fcUnit);
      assert.deepEqual([f.name, a.name, c.name, o.name], ["FC", "attention", "communication", "norms/activations"]);
      assert.deepEqual([f.tid, a.tid, c.tid, o.tid], [lane[`FC on ${it.fcUnit}`], lane.attention, lane.communication, lane["norms/activations/host"]]);
      close(f.ts, iters[k].ts, `iteration ${k}: FC starts the iteration`);
      close(a.ts, f.ts + f.dur!, `iteration ${k}: attention after FC`);
      close(c.ts, a.ts + a.dur!, `iteration ${k}: communication after attention`);
      close(o.ts, c.ts + c.dur!, `iteration ${k}: other after communication`);
      close(o.ts + o.dur!, iters[k].ts + iters[k].dur!, `iteration ${k}: other ends the iteration`);
    });
    assert.deepEqual([...units].sort(), ["fc-pim", "gpu"], "both FC lanes are used");
  });

  test("bad configs are one-line errors naming the field; suspects list what the user overrode", () => {
    // the field's name once, in front (not again in the message)
    assert.throws(() => parseRunConfig({ batch: 0 }, "x.yaml"), (e: unknown) => e instanceof UserError && /^x\.yaml: batch: must be an integer in \[1, 65536\]$/.test(e.message));
    assert.throws(() => parseRunConfig({ spec: [2, 0] }), (e: unknown) => e instanceof UserError && e.message === "config: spec.1: must be an integer in [1, 256]");
    // a name outside a field's options: the name given and the nearest option
    assert.throws(() => parseRunConfig({ scheduler: "orcale" }), (e: unknown) => e instanceof UserError && /^config: scheduler: Invalid option: expected one of .*, got "orcale" \(did you mean "oracle"\?\)$/.test(e.message));
    assert.throws(() => parseRunConfig({ profile: "attacc" }), /got "attacc" \(did you mean "attacc-toolchain"\?\)$/);
    assert.throws(() => parseRunConfig({ batching: "zzzzzzzzzzzz" }), (e: unknown) => e instanceof UserError && /, got "zzzzzzzzzzzz" \(did you mean "/.test(e.message));
    // a speculation that is none of its three forms names them all
    assert.throws(() => parseRunConfig({ spec: { targetTokens: 64, maxTlp: 4, x: 1 } }), /^UserError: config: spec: unknown key "x" \(did you mean "maxTlp"\?\)$/);
    for (const spec of [{ targetTokens: 64 }, "fast", true]) {
      assert.throws(() => parseRunConfig({ spec }), (e: unknown) => e instanceof UserError && e.message === "config: spec: must be an integer in [1, 256], a list of them (cycled per iteration) or { targetTokens, maxTlp } (adaptive), both integers", JSON.stringify(spec));
    }
    assert.throws(() => parseRunConfig({ bach: 4 }), /unknown key "bach" \(did you mean "batch"\?\)/);
    const cfg = parseRunConfig({ system: { preset: "papi", gpu: { numGpus: 4 } }, model: { name: "m" }, gpus: 4, hardware: { gpu: { numSms: 100 }, links: { attention: "pcie5" } } });
    assert.deepEqual(suspectInputs(cfg), ["hardware.gpu.numSms", "hardware.links.attention", "system.preset", "system.gpu.numGpus", "model", "gpus"]);
    assert.deepEqual(suspectInputs(parseRunConfig({})), []);
  });
});

describe("system contexts", () => {
  test("equal inputs share one context; the cache forgets everything once it holds 257 contexts", () => {
    // configs differing only in the GPU-GPU link latency: distinct keys, cheap to build
    const cfgOf = (i: number) => parseRunConfig({ hardware: { links: { gpuGpu: { latencySec: 1e-6 + i * 1e-9 } } } });
    const probe = cfgOf(0);
    let ref = systemOf(probe);
    assert.equal(systemOf(probe), ref, "a second look-up returns the cached context");
    assert.equal(systemOf(parseRunConfig({ hardware: { links: { gpuGpu: { latencySec: 1e-6 } } } })), ref, "equal inputs, equal key");
    // insert new keys until the probe is gone: the cache was cleared, and now holds that key and the probe again
    let i = 1;
    for (; i < 400; i++) {
      systemOf(cfgOf(i));
      if (systemOf(probe) !== ref) break;
    }
    assert.ok(i < 400, "the cache is bounded");
    ref = systemOf(probe);
    // from 2 entries, a clear comes when a new key finds more than 256: 255 new keys fill it to 257, the 256th clears
    let n = 0;
    for (let j = 1; j < 400; j++) {
      systemOf(cfgOf(1000 + j));
      if (systemOf(probe) !== ref) {
        n = j;
        break;
      }
    }
    assert.equal(n, 256);
  });
});

describe("metrics", () => {
  test("percentiles: nearest rank, by hand", () => {
    assert.deepEqual(percentiles([]), { mean: 0, p50: 0, p90: 0, p99: 0 });
    assert.deepEqual(percentiles([5]), { mean: 5, p50: 5, p90: 5, p99: 5 });
    // 1..10: p50 = the 5th, p90 = the 9th, p99 = the 10th
    assert.deepEqual(percentiles([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), { mean: 5.5, p50: 5, p90: 9, p99: 10 });
    // 1..100: ceil(0.99 x 100) = 99th
    const h = percentiles(Array.from({ length: 100 }, (_, i) => i + 1));
    assert.deepEqual([h.p50, h.p90, h.p99], [50, 90, 99]);
  });

  test("MetricsStore: TTFT, end-to-end and TPOT per finished request (TPOT only past one token)", () => {
    const m = new MetricsStore();
    m.onRequestDone(3, 1, 2, 6, 5); // ttft 1, e2e 5, tpot (6 - 2) / 4 = 1
    m.onRequestDone(4, 0, 3, 3, 1); // one token: no TPOT
    assert.deepEqual(m.completionOrder.toArray(), [3, 4]);
    assert.deepEqual(m.ttftSec.toArray(), [1, 3]);
    assert.deepEqual(m.e2eSec.toArray(), [5, 3]);
    assert.deepEqual(m.tpotSec.toArray(), [1]);
    const p = (bw: number) => ({ attentionLinkBwSec: bw }) as PhaseCost;
    m.onPrefill(p(0.5), 2, 7);
    m.onPrefill(p(0.25), 1, 1);
    assert.deepEqual([m.prefillSec, m.prefillJoules, m.attentionLinkBwSec], [3, 8, 0.75]);
  });

  test("the recorder keeps at most maxIterations iterations and every request", () => {
    const rec = new RunRecorder(2);
    const it = { iteration: 0, startSec: 0, rlp: 1, tlp: 1, fcUnit: "gpu", fcSec: 1, attentionSec: 0, communicationSec: 0, otherSec: 0, draftSec: 0, energyJoules: 0 };
    for (let i = 0; i < 3; i++) rec.iteration({ ...it, iteration: i });
    assert.deepEqual(rec.iterations.map((i) => i.iteration), [0, 1]);
    rec.request({ id: 1, arrivalSec: 0, firstTokenAtSec: 1, finishedAtSec: 2, inputTokens: 1, outputTokens: 2, ttftSec: 1, tpotSec: 1 });
    assert.equal(rec.requests.length, 1);
  });

  test("a zero-length span is not drawn; instants and spans land on their lanes", () => {
    const t = new Timeline();
    t.span("attention", "a", 1, 0);
    t.span("fc-fc-pim", "FC", 1, 2, { x: 1 });
    t.instant("scheduler", "FC -> pim", 3);
    const ev = JSON.parse(t.toJson("title")).traceEvents as { name: string; ph: string; ts: number; dur?: number; tid: number; args?: { name?: string } }[];
    const lanes = Object.fromEntries(ev.filter((e) => e.ph === "M" && e.tid > 0).map((e) => [e.args!.name, e.tid]));
    assert.equal(ev[0].args!.name, "title");
    assert.deepEqual(ev.filter((e) => e.ph !== "M").map((e) => [e.name, e.ph, e.ts, e.dur, e.tid]), [
      ["FC", "X", 1e6, 2e6, lanes["FC on fc-pim"]],
      ["FC -> pim", "i", 3e6, undefined, lanes["scheduler decisions"]],
    ]);
    assert.deepEqual(Object.keys(lanes), ["decode iteration", "prefill", "attention", "communication", "norms/activations/host", "draft model", "scheduler decisions", "FC on fc-pim"]);
  });
});

describe("run totals that depend on where the run starts and on empty decodes", () => {
  const cfg = { system: "papi", model: "llama-65b", trace: "fixed:1:1", batching: "continuous", batch: 4, spec: 2 } as const;
  test("shifting every arrival by 100 s changes neither latency nor throughput (latency is end - first arrival)", () => {
    const base: RequestSpec[] = [0, 0.5, 1.25].map((arrivalSec, id) => ({ id, arrivalSec, inputTokens: 64, outputTokens: 9 }));
    const shifted = base.map((r) => ({ ...r, arrivalSec: r.arrivalSec + 100 }));
    const a = runOnce(cfg, { requests: base });
    const b = runOnce(cfg, { requests: shifted });
    assert.ok(Math.abs(a.latencySec - b.latencySec) <= 1e-9 * a.latencySec, `${a.latencySec} vs ${b.latencySec}`);
    assert.ok(a.latencySec < 100);
    assert.ok(Math.abs(a.tokensPerSec - b.tokensPerSec) <= 1e-9 * a.tokensPerSec);
  });

  test("requests of one output token need no decode iteration: the mean step is 0, not NaN", () => {
    const requests: RequestSpec[] = [{ id: 0, arrivalSec: 0, inputTokens: 32, outputTokens: 1 }];
    const r = runOnce(cfg, { requests });
    assert.equal(r.iterations, 0);
    assert.equal(r.decodeStepSecMean, 0);
    assert.ok(r.latencySec > 0, "prefill still takes time");
  });
});

describe("what runOnce reads from the config itself", () => {
  test("requests, seed and rate from the config reach the trace (no requests passed in)", () => {
    const r = runOnce({ system: "papi", model: "llama-65b", trace: "fixed:32:4", requests: 3, batch: 4, spec: 1 });
    assert.equal(r.numRequests, 3);
    assert.equal(r.generatedTokens, 12);
    const a = runOnce({ system: "papi", model: "llama-65b", trace: "fixed:32:4", requests: 3, batching: "continuous", batch: 4, spec: 1, ratePerSec: 0.5, seed: 3 });
    const b = runOnce({ system: "papi", model: "llama-65b", trace: "fixed:32:4", requests: 3, batching: "continuous", batch: 4, spec: 1, ratePerSec: 0.5, seed: 4 });
    // Poisson arrivals at 0.5/s spread 3 requests over seconds: the run spans them, and the seed moves them
    assert.ok(a.latencySec > 0.5, `${a.latencySec}`);
    assert.notEqual(a.latencySec, b.latencySec);
  });

  test("a model given as an object (a Hugging Face config) runs like the preset it copies", () => {
    const { name: _n, ...hf } = { ...MODEL_PRESETS["opt-30b"] } as Record<string, unknown>;
    const obj = runOnce({ system: "papi", model: { ...hf, name: "my-opt" }, trace: "fixed:32:4", requests: 2, batch: 2, spec: 1 });
    const preset = runOnce({ system: "papi", model: "opt-30b", trace: "fixed:32:4", requests: 2, batch: 2, spec: 1 });
    assert.equal(obj.model, "my-opt");
    assert.equal(obj.latencySec, preset.latencySec);
  });

  test("a model given as a path goes through the loader (a Hugging Face config.json file)", () => {
    const path = fileURLToPath(new URL("../../examples/models/Qwen3-30B-A3B/config.json", import.meta.url));
    const r = runOnce({ system: "papi", model: path, trace: "fixed:32:4", requests: 2, batch: 2, spec: 1 }, { loader: nodeLoader() });
    assert.equal(r.numRequests, 2);
    assert.ok(r.latencySec > 0);
  });

  test("the attention link's busy time adds up over iterations and is positive where attention has its own stacks", () => {
    const r = runOnce({ system: "a100-attacc", model: "llama-65b", trace: "fixed:32:4", requests: 2, batch: 2, spec: 1 });
    assert.ok(r.attentionLinkBandwidthSec > 0);
    assert.ok(r.attentionLinkBandwidthSec <= r.breakdownSec.communication + r.prefillSec);
  });
});

test("fcIterationsByUnit names the units of roles.fc and splits the iterations as the placement counts do", () => {
  const small = { trace: "fixed:64:24", requests: 8, batch: 4, spec: 2 } as const;
  const papi = runOnce({ ...small, system: "papi", alpha: 8 }); // RLP x TLP: 8 (PIM) down to 2 as requests end
  assert.deepEqual(papi.fcIterationsByUnit, { gpu: papi.fcOnGpuIterations, "fc-pim": papi.fcOnPimIterations });
  const both = runOnce({ ...small, system: "papi", alpha: 7, batch: 8 }); // 16 tokens above alpha: FC on the GPUs
  assert.ok(both.fcIterationsByUnit.gpu > 0);
  assert.deepEqual(runOnce({ ...small, system: "gpu-only" }).fcIterationsByUnit, { gpu: runOnce({ ...small, system: "gpu-only" }).iterations });
  const pimOnly = runOnce({ ...small, system: "attacc-only" });
  assert.deepEqual(pimOnly.fcIterationsByUnit, { "fc-pim": pimOnly.iterations });
  // the 0.2 shape's plain-HBM stacks are not an FC unit: only the GPUs appear
  assert.deepEqual(Object.keys(runOnce({ ...small, system: "a100-attacc" }).fcIterationsByUnit), ["gpu"]);
});

test("configHash is hashOf(config), run after run and system after system (its parts cached per system)", () => {
  const reqs: RequestSpec[] = [{ id: 0, arrivalSec: 0, inputTokens: 32, outputTokens: 3 }];
  for (const system of ["papi", "gpu-only", "papi"]) {
    for (const batch of [1, 2, 1]) {
      const r = runOnce({ system, model: "llama-65b", trace: "dolly-creative", batch, spec: 2 }, { requests: reqs });
      assert.equal(r.configHash, hashOf(r.config), `${system} batch ${batch}`);
    }
  }
});
