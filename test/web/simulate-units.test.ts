import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { builtInTracePath } from "../../src/node/traces.ts";
import type { RunResult } from "../../src/serving/run.ts";
import { BUILT_IN_TRACES } from "../../src/serving/trace.ts";
import { resolveSystem } from "../../src/systems/resolve.ts";
import { browserLoader } from "../../src/web/browser-loader.ts";
import { isCustomSystem, parseModelUpload, parseTraceUpload, pimChecks, simulateRun, simulateSystems, SystemRunsCache } from "../../src/web/simulate.ts";

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
  assert.equal(r.rows[1].speedupVsA100Attacc, 1);
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
