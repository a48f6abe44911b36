import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { builtInTracePath } from "../../src/node/traces.ts";
import type { RunResult } from "../../src/serving/run.ts";
import { BUILT_IN_TRACES } from "../../src/serving/trace.ts";
import { resolveSystem } from "../../src/systems/resolve.ts";
import { browserLoader } from "../../src/web/browser-loader.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { PIM_DESIGNS } from "../../src/hardware/pim/presets.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { runOnce } from "../../src/serving/run.ts";
import { SYSTEM_PRESETS } from "../../src/systems/presets.ts";
import {
  describe as describePage, isCustomSystem, parseConfigUpload, parseModelUpload, parseTraceUpload, pimCheck, pimChecks, simulateRun, simulateSystems, SystemRunsCache,
} from "../../src/web/simulate.ts";

const BUNDLE = Object.fromEntries(Object.keys(BUILT_IN_TRACES).map((n) => [BUILT_IN_TRACES[n].file, readFileSync(builtInTracePath(n), "utf8")]));
const loader = browserLoader(BUNDLE);
const run = (tag: number) => ({ latencySec: tag }) as unknown as RunResult;

test("runs cache: newest `max` kept, a read makes a run the newest, a miss adds nothing", () => {
  const c = new SystemRunsCache(2).forTraces({});
  c.set("a", run(1));
  c.set("b", run(2));
  assert.equal(c.get("a")!.latencySec, 1); // a is now newer than b
  c.set("c", run(3));
  assert.deepEqual([c.has("a"), c.has("b"), c.has("c"), c.size], [true, false, true, 2]);
  assert.equal(c.get("b"), undefined);
  assert.deepEqual([c.has("b"), c.size], [false, 2]);
  assert.equal(new SystemRunsCache().max, 60);
});

test("runs cache: the same uploaded traces keep it; another text under the same name, or another set of names, clears it", () => {
  const c = new SystemRunsCache().forTraces({ "a.csv": "lin,lout\n1,1\n" });
  c.set("k", run(1));
  assert.equal(c.forTraces({ "a.csv": "lin,lout\n1,1\n" }).size, 1);
  assert.equal(c.forTraces({ "a.csv": "lin,lout\n1,2\n" }).size, 0);
  c.set("k", run(1));
  assert.equal(c.forTraces({ "b.csv": "lin,lout\n1,2\n" }).size, 0, "same length, another name");
  c.set("k", run(1));
  assert.equal(c.forTraces({ "b.csv": "lin,lout\n1,2\n", "c.csv": "x" }).size, 0, "one more trace");
});

test("Fig. 8 column: a system that cannot hold the request fails alone with its one-line reason; without A100+AttAcc nothing is normalized", async () => {
  // a 100,000-token request: GPU-only's 166 GB of KV cache is too small, the PIM systems' 1 TB is not
  const r = (await simulateSystems({ model: "gpt3-175b", requests: 1, batch: 1, trace: "fixed:100000:2" }, loader))!;
  assert.deepEqual(r.errors, ["GPU-only: request 0 (100000 in + 2 out tokens) needs more KV cache than system gpu-only has (166.3 GB)"]);
  assert.deepEqual(r.rows.map((x) => Number.isNaN(x.latencySec)), [true, false, false, false, false, false]);
  assert.deepEqual([r.rows[0].system, r.rows[0].label], ["gpu-only", "GPU-only"]);
  assert.equal(r.rows[1].speedupVsA100Attacc, 1);
  // every column of a row is its preset's run at the page's workload
  const ref = runOnce({ model: "gpt3-175b", requests: 1, batch: 1, trace: "fixed:100000:2", system: "a100-attacc" }, { loader });
  const papi = runOnce({ model: "gpt3-175b", requests: 1, batch: 1, trace: "fixed:100000:2", system: "papi" }, { loader });
  const row = r.rows.find((x) => x.system === "papi")!;
  assert.deepEqual(row, {
    system: "papi", label: "PAPI", latencySec: papi.latencySec, energyJoules: papi.energyJoules, tokensPerSec: papi.tokensPerSec, tokensPerJoule: papi.tokensPerJoule,
    speedupVsA100Attacc: ref.latencySec / papi.latencySec, energyEfficiencyVsA100Attacc: ref.energyJoules / papi.energyJoules, fcOnGpuShare: papi.fcOnGpuIterations / papi.iterations,
  });
  // FC on the GPUs every iteration (A100+AttAcc) or never (AttAcc-only has no GPU)
  assert.equal(r.rows.find((x) => x.system === "a100-attacc")!.fcOnGpuShare, 1);
  assert.equal(r.rows.find((x) => x.system === "attacc-only")!.fcOnGpuShare, 0);
  assert.ok(r.computeMs >= 0);
  // 300,000 tokens: every system fails, the reference too
  const all = (await simulateSystems({ model: "gpt3-175b", requests: 1, batch: 1, trace: "fixed:300000:2" }, loader))!;
  assert.equal(all.errors.length, 6);
  assert.ok(all.rows.every((x) => Number.isNaN(x.latencySec) && Number.isNaN(x.speedupVsA100Attacc)));
});

test("the run's own time is measured from its start (ms, within the call)", () => {
  const before = performance.now();
  const v = simulateRun({ requests: 4 }, loader);
  const spent = performance.now() - before;
  assert.ok(v.runMs >= 0 && v.runMs <= spent, `${v.runMs} of ${spent}`);
});

test("PIM checks: none for a system without PIM; an empty hardware patch is not a custom system", () => {
  assert.deepEqual(pimChecks(resolveSystem("gpu-only")), []);
  assert.deepEqual(pimChecks(resolveSystem("a100-hbmpim")).map((p) => p.role), ["Attn-PIM"]);
  assert.equal(isCustomSystem({ hardware: {} }), false);
  assert.equal(isCustomSystem({ hardware: { fcPim: {} } }), true);
});

test("uploads: a model without a name takes its file's name without the .json/.yaml/.yml ending; an empty trace is refused", () => {
  const raw = JSON.parse(readFileSync(fileURLToPath(new URL("./fixtures/mistral-7b-config.json", import.meta.url)), "utf8"));
  delete raw._name_or_path;
  const text = JSON.stringify(raw);
  assert.equal(parseModelUpload(text, "my-model.JSON").name, "my-model");
  assert.equal(parseModelUpload(text, "my-model.yml").name, "my-model");
  assert.equal(parseModelUpload(text, "my-model.yaml").name, "my-model");
  assert.equal(parseModelUpload(text, "a.json.yml").name, "a.json");
  assert.equal(parseModelUpload(text, "my.json.model").name, "my.json.model");
  assert.deepEqual(parseModelUpload(text, "m.json").model, { ...raw, name: "m" });
  assert.throws(() => parseTraceUpload("lin,lout\n", "t.csv"), /^UserError: t\.csv: trace has no requests$/);
});

test("describe: every list the controls offer is the registry's", () => {
  const d = describePage();
  assert.deepEqual(d.systems, Object.values(SYSTEM_PRESETS).map((s) => ({ name: s.name, description: s.description })));
  assert.deepEqual(d.models, Object.keys(MODEL_PRESETS));
  assert.deepEqual(d.traces, Object.entries(BUILT_IN_TRACES).map(([name, t]) => ({ name, description: t.description })));
  assert.deepEqual(d.gpus, Object.keys(GPU_PRESETS));
  assert.deepEqual(d.pimDesigns, Object.keys(PIM_DESIGNS));
  assert.deepEqual(d.links, Object.values(LINK_PRESETS).map((l) => ({ name: l.name, bandwidthBytesPerSec: l.bandwidthBytesPerSec })));
  assert.deepEqual(d.schedulers, ["papi", "oracle", "static-gpu", "static-pim"]);
  assert.deepEqual(d.batchings, ["static", "continuous", "chunked", "disaggregated", "continuous-v02"]);
  assert.deepEqual(d.profiles, ["papi", "attacc-toolchain"]);
  assert.ok(Object.keys(d.pimEnumFields).length > 0 && Object.values(d.pimEnumFields).every((v) => v.length > 1));
  assert.deepEqual(d.presetSpecs.papi, resolveSystem("papi"));
});

test("PIM check fields by hand: FC-PIM 4P1B has 4 FPUs per bank under a 121 mm2 die limit", () => {
  const c = pimCheck("FC-PIM", PIM_DESIGNS["fc-pim"]);
  assert.deepEqual([c.role, c.design, c.fpusPerBank, c.maxDieAreaMm2], ["FC-PIM", "fc-pim", 4, 121]);
  assert.equal(pimCheck("Attn-PIM", PIM_DESIGNS["attn-pim"]).fpusPerBank, 0.5);
});

test("config uploads: an empty file is the empty config", () => {
  assert.deepEqual(parseConfigUpload("", "run.yaml"), {});
  assert.deepEqual(parseConfigUpload("null", "run.json"), {});
  assert.deepEqual(parseConfigUpload("batch: 8\n", "run.yml"), { batch: 8 });
});

test("Fig. 8 column: the page's own run is a seventh row only when its system is customized, labelled with its system", async () => {
  const plain = { requests: 4, batch: 4 };
  const own = simulateRun(plain, loader).result;
  assert.equal((await simulateSystems(plain, loader, own))!.rows.length, 6);
  const custom = { ...plain, fcStacks: 24 };
  const mine = (await simulateSystems(custom, loader, simulateRun(custom, loader).result))!.rows;
  assert.deepEqual([mine.length, mine[6].system, mine[6].label], [7, "yours", "yours (PAPI)"]);
});

test("Fig. 8 column: with only some of the six runs cached, the trace is read again for the others and the rows are unchanged", async () => {
  const config = { requests: 8, batch: 4, spec: 2 };
  const plain = (await simulateSystems(config, loader))!.rows;
  const cache = new SystemRunsCache(3).forTraces({});
  await simulateSystems(config, loader, undefined, undefined, cache);
  assert.equal(cache.size, 3); // the three newest runs only
  assert.deepEqual((await simulateSystems(config, loader, undefined, undefined, cache))!.rows, plain);
});

test("runs cache: dropping one of the uploaded traces clears it too", () => {
  const c = new SystemRunsCache().forTraces({ "a.csv": "x", "b.csv": "y" });
  c.set("k", run(1));
  assert.equal(c.forTraces({ "a.csv": "x", "b.csv": "y" }).size, 1);
  assert.equal(c.forTraces({ "a.csv": "x" }).size, 0);
});
