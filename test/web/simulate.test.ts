import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UserError } from "../../src/core/errors.ts";
import { pimStackPowerWatts } from "../../src/hardware/pim/power.ts";
import { PIM_DESIGNS } from "../../src/hardware/pim/presets.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { builtInTracePath } from "../../src/node/traces.ts";
import { runOnce } from "../../src/serving/run.ts";
import { BUILT_IN_TRACES } from "../../src/serving/trace.ts";
import { SYSTEM_PRESETS } from "../../src/systems/presets.ts";
import { browserLoader } from "../../src/web/browser-loader.ts";
import {
  describe as describePage, isCustomSystem, parseConfigUpload, parseModelUpload, parseTraceUpload, pimCheck, simulateRun, simulateSystems, SystemRunsCache,
} from "../../src/web/simulate.ts";
import { papi } from "../cli/helpers.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
// The page's bundle: the shipped files' text, keyed as bundled-traces.ts keys them.
const BUNDLE = Object.fromEntries(Object.values(BUILT_IN_TRACES).map((b) => [b.file, readFileSync(builtInTracePath(Object.keys(BUILT_IN_TRACES).find((n) => BUILT_IN_TRACES[n].file === b.file)!), "utf8")]));
const loader = browserLoader(BUNDLE);
const userMessage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    return e.message;
  }
  assert.fail("no error");
};

test("the page's run equals papi run --json for the same config (batch 64, spec 4, a hardware override)", async () => {
  const config = { batch: 64, spec: 4, hardware: { fcPim: { numFpus: 2 } } };
  const page = simulateRun(config, loader).result;
  const cli = JSON.parse((await papi(["run", "--batch", "64", "--spec", "4", "--set", "hardware.fcPim.numFpus=2", "--json"])).stdout);
  assert.equal(page.latencySec, cli.latencySec);
  assert.equal(page.energyJoules, cli.energyJoules);
  assert.equal(page.configHash, cli.configHash);
  assert.equal(page.fcOnGpuIterations, cli.fcOnGpuIterations);
});

test("records: one per iteration and per request, adding up to the run's totals", () => {
  const v = simulateRun({ batching: "continuous", batch: 32, requests: 200, ratePerSec: 4 }, loader);
  assert.equal(v.iterations.length, v.result.iterations);
  assert.equal(v.requests.length, v.result.numRequests);
  const fcSec = v.iterations.reduce((s, i) => s + i.fcSec, 0);
  assert.ok(Math.abs(fcSec - v.result.breakdownSec.fc) <= 1e-9 * v.result.breakdownSec.fc);
  assert.equal(v.iterations.filter((i) => i.fcUnit === "gpu").length, v.result.fcOnGpuIterations);
  assert.equal(v.configYaml, "batching: continuous\nbatch: 32\nrequests: 200\nratePerSec: 4\n");
});

test("Fig. 8 column: each preset at the page's workload, normalized to A100+AttAcc", async () => {
  const config = { model: "gpt3-66b", batch: 4, spec: 2, requests: 64 };
  const r = (await simulateSystems(config, loader))!;
  assert.deepEqual(r.rows.map((x) => x.system), Object.keys(SYSTEM_PRESETS));
  assert.deepEqual(r.errors, []);
  const ref = runOnce({ ...config, system: "a100-attacc" }, { loader: nodeLoader() });
  for (const row of r.rows) {
    const alone = runOnce({ ...config, system: row.system }, { loader: nodeLoader() });
    assert.equal(row.latencySec, alone.latencySec, row.system);
    assert.equal(row.speedupVsA100Attacc, ref.latencySec / alone.latencySec, row.system);
    assert.equal(row.energyEfficiencyVsA100Attacc, ref.energyJoules / alone.energyJoules, row.system);
  }
  assert.equal(r.rows.find((x) => x.system === "a100-attacc")!.speedupVsA100Attacc, 1);
  // hardware knobs, counts, scheduler and alpha apply to the page's own system only: it is added as a seventh row
  const own = simulateRun({ ...config, alpha: 1000 }, loader).result;
  const withOwn = (await simulateSystems({ ...config, alpha: 1000 }, loader, own))!;
  assert.equal(withOwn.rows.length, 7);
  assert.equal(withOwn.rows[6].latencySec, own.latencySec);
  assert.equal(withOwn.rows[6].fcOnGpuShare, 0); // alpha 1000 > RLP x TLP = 8: FC always on FC-PIM
  // a cancelled column (the page sent a newer request) returns nothing
  assert.equal(await simulateSystems(config, loader, undefined, async () => false), undefined);
});

test("a system that cannot hold the model fails alone, with its one-line reason", async () => {
  const r = (await simulateSystems({ model: "gpt3-175b", requests: 4, attnStacks: 0 }, loader))!;
  assert.equal(r.rows.length, 6);
  const ok = r.rows.filter((x) => Number.isFinite(x.latencySec));
  assert.ok(ok.length > 0);
  for (const e of r.errors) assert.doesNotMatch(e, /\n/);
});

test("custom system detection", () => {
  assert.equal(isCustomSystem({ batch: 64, spec: 4, model: "gpt3-66b" }), false);
  assert.equal(isCustomSystem({ system: "a100-attacc" }), false);
  for (const c of [{ system: { preset: "papi" } }, { hardware: { gpu: "h100-sxm" } }, { fcStacks: 20 }, { scheduler: "oracle" }, { alpha: 3 }]) assert.equal(isCustomSystem(c), true, JSON.stringify(c));
});

test("PIM check: the paper's area rule by hand", () => {
  // FC-PIM 4P1B, 3 of 4 bank groups: 1,024 banks per stack / 8 dies x 3/4 = 96 banks per die;
  // 96 x (4 x 0.1025 + 0.83) = 96 x 1.24 = 119.04 mm2 <= 121; at most floor(121 / 1.24) = 97 banks fit.
  const fc = pimCheck("FC-PIM", PIM_DESIGNS["fc-pim"]);
  assert.equal(fc.label, "4P1B");
  assert.equal(fc.banksPerDie, 96);
  assert.ok(Math.abs(fc.dieAreaMm2 - 119.04) < 1e-9);
  assert.equal(fc.maxBanksPerDie, 97);
  // Attn-PIM 1P2B: 128 banks per die x (0.5 x 0.1025 + 0.83) = 112.8 mm2
  const attn = pimCheck("Attn-PIM", PIM_DESIGNS["attn-pim"]);
  assert.equal(attn.banksPerDie, 128);
  assert.ok(Math.abs(attn.dieAreaMm2 - 112.8) < 1e-9);
  // power rows: one per reuse level of the paper's power study, each the power model's answer for that reuse
  assert.deepEqual(fc.power.map((p) => p.reuse), [1, 2, 4, 8, 16, 32, 64, 128]);
  for (const p of fc.power) {
    const m = pimStackPowerWatts(PIM_DESIGNS["fc-pim"], p.reuse);
    assert.deepEqual(p, { reuse: p.reuse, watts: m.watts, fpuPeakWatts: m.fpuPeakWatts, withinBudget: m.withinBudget, fpuPeakWithinBudget: m.fpuPeakWithinBudget });
  }
  assert.equal(fc.budgetWatts, PIM_DESIGNS["fc-pim"].powerBudgetWattsPerStack);
  assert.deepEqual(simulateRun({ system: "a100-attacc", requests: 4 }, loader).pim.map((p) => p.role), ["Attn-PIM"]);
  assert.deepEqual(simulateRun({ system: "papi", requests: 4 }, loader).pim.map((p) => `${p.role} ${p.label}`), ["FC-PIM 4P1B", "Attn-PIM 1P2B"]);
});

test("uploads: the same checks and one-line messages as the CLI", async () => {
  // a bad trace: the CLI's message for the same file name
  const cli = await papi(["run", "--trace", "bad-trace.csv"], { cwd: fixture(".") });
  const bad = readFileSync(fixture("bad-trace.csv"), "utf8");
  assert.equal(`papi: error: ${userMessage(() => parseTraceUpload(bad, "bad-trace.csv"))}\n`, cli.stderr);
  assert.equal(`papi: error: ${userMessage(() => simulateRun({ trace: "bad-trace.csv" }, browserLoader(BUNDLE, { "bad-trace.csv": bad })))}\n`, cli.stderr);
  assert.equal(parseTraceUpload("lin,lout\n1,2\n3,4\n", "t.csv"), 2);
  // an HF config.json: the run equals papi run --model FILE
  const hf = readFileSync(fixture("mistral-7b-config.json"), "utf8");
  const { model, name } = parseModelUpload(hf, "mistral-7b-config.json");
  assert.equal(name, "Mistral-7B-Instruct-v0.2");
  const page = simulateRun({ model, requests: 32 }, loader).result;
  const fromFile = JSON.parse((await papi(["run", "--model", "mistral-7b-config.json", "--requests", "32", "--json"], { cwd: fixture(".") })).stdout);
  assert.equal(page.latencySec, fromFile.latencySec);
  assert.equal(page.energyJoules, fromFile.energyJoules);
  assert.match(userMessage(() => parseModelUpload('{"hidden_size": 4096}', "x.json")), /^x\.json: .*intermediate_size/);
  assert.match(userMessage(() => parseModelUpload("{", "config.json")), /^config\.json: cannot parse/);
  // run configs: YAML or JSON by name, unknown keys with the nearest valid one
  assert.deepEqual(parseConfigUpload("batch: 64\nspec: [1, 2]\n", "run.yaml"), { batch: 64, spec: [1, 2] });
  assert.equal(userMessage(() => parseConfigUpload('{"bacth": 4}', "run.json")), 'run.json: unknown key "bacth" (did you mean "batch"?)');
  assert.match(userMessage(() => parseConfigUpload("- 1\n", "run.yaml")), /expected a mapping/);
});

test("describe: the controls' lists come from the registries", () => {
  const d = describePage();
  assert.deepEqual(d.systems.map((s) => s.name), Object.keys(SYSTEM_PRESETS));
  assert.deepEqual(d.traces.map((t) => t.name), Object.keys(BUILT_IN_TRACES));
  assert.equal(d.defaults.batch, 16);
  assert.ok(d.links.every((l) => l.bandwidthBytesPerSec > 0));
  assert.deepEqual(Object.keys(d.presetSpecs), Object.keys(SYSTEM_PRESETS));
});

test("the assumption profile reaches the page's run and every system of its comparison, as papi run --profile", async () => {
  const config = { batch: 16, spec: 2, requests: 32, profile: "attacc-toolchain" as const };
  const page = simulateRun(config, loader).result;
  const cli = JSON.parse((await papi(["run", "--batch", "16", "--spec", "2", "--set", "requests=32", "--profile", "attacc-toolchain", "--json"])).stdout);
  assert.equal(page.latencySec, cli.latencySec);
  assert.equal(page.energyJoules, cli.energyJoules);
  assert.ok(describePage().profiles.includes("attacc-toolchain"));
  // the controls' bounds are the schemas' (src/serving/limits.ts, src/systems/limits.ts)
  assert.deepEqual(describePage().limits, { maxBatch: 65_536, maxTlp: 256, maxStacks: 4096, maxGpus: 4096 });
  const rows = (await simulateSystems(config, loader))!.rows;
  const plain = (await simulateSystems({ ...config, profile: "papi" }, loader))!.rows;
  const attacc = rows.find((r) => r.system === "attacc-only")!;
  assert.equal(attacc.latencySec, runOnce({ ...config, system: "attacc-only" }, { loader }).latencySec);
  assert.notEqual(attacc.energyJoules, plain.find((r) => r.system === "attacc-only")!.energyJoules);
});

test("Fig. 8 column with a cache: the same rows; a change to the page's own system only reruns nothing, a workload change reruns all", async () => {
  let traceReads = 0;
  const counting = { ...loader, traceSource: ((...args: Parameters<typeof loader.traceSource>) => (traceReads++, loader.traceSource(...args))) as typeof loader.traceSource };
  const config = { model: "gpt3-66b", batch: 4, spec: 2, requests: 64 };
  const cache = new SystemRunsCache().forTraces({});
  const plain = (await simulateSystems(config, counting))!;
  const first = (await simulateSystems(config, counting, undefined, undefined, cache))!;
  assert.deepEqual(first.rows, plain.rows);
  assert.equal(cache.size, 6);
  assert.equal(traceReads, 2);
  // hardware knobs, counts, scheduler, alpha: the six presets' runs are the cached ones; "yours" is the page's run
  const own = simulateRun({ ...config, alpha: 1000, fcStacks: 24 }, loader).result;
  const mine = (await simulateSystems({ ...config, alpha: 1000, fcStacks: 24 }, counting, own, undefined, cache))!;
  assert.equal(traceReads, 2, "nothing reran");
  assert.deepEqual(mine.rows.slice(0, 6), plain.rows);
  assert.equal(mine.rows[6].latencySec, own.latencySec);
  // the workload changed: six new runs, equal to the uncached column's
  const batch8 = (await simulateSystems({ ...config, batch: 8 }, counting, undefined, undefined, cache))!;
  assert.equal(traceReads, 3);
  assert.equal(cache.size, 12);
  assert.deepEqual(batch8.rows, (await simulateSystems({ ...config, batch: 8 }, loader))!.rows);
  // other uploaded traces (or another text under the same name) clear it; it keeps the newest `max` runs
  assert.equal(cache.forTraces({}).size, 12);
  assert.equal(cache.forTraces({ "mine.csv": "input_tokens,output_tokens\n1,1\n" }).size, 0);
  const small = new SystemRunsCache(8).forTraces({});
  await simulateSystems(config, loader, undefined, undefined, small);
  await simulateSystems({ ...config, batch: 8 }, loader, undefined, undefined, small);
  assert.equal(small.size, 8);
});
