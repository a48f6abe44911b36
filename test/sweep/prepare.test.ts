import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { hashOf } from "../../src/core/hash.ts";
import { PAPI_VERSION } from "../../src/core/version.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { parseRunConfig, runOnce } from "../../src/serving/run.ts";
import { powerChecks } from "../../src/sweep/constraints/power.ts";
import { DEFAULT_METRICS, POINT_METRICS } from "../../src/sweep/metrics.ts";
import { PointState } from "../../src/sweep/point-state.ts";
import { evaluatePoint, makeEnv, prepareSweep, sweepProducer, type PreparedSweep } from "../../src/sweep/prepare.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";

const loader = nodeLoader();
const BASE = { system: "papi", trace: "fixed:16:4", requests: 4, batch: 4 };
const prepare = (raw: Record<string, unknown>, base: Record<string, unknown> = BASE) => prepareSweep(parseSweepSpec(raw), base);
const evaluate = (prep: PreparedSweep, i: number) => evaluatePoint(prep, i, makeEnv(loader));

test("prepare: the columns are index, pointId, the swept paths, the metrics, status and reason; default metrics", () => {
  const p = prepare({ grid: { batch: [4, 8] }, zip: [{ fcStacks: [30, 36], attnStacks: [60, 50] }] });
  assert.deepEqual(p.metrics, DEFAULT_METRICS);
  assert.deepEqual(p.columns, ["index", "pointId", "batch", "fcStacks", "attnStacks", ...DEFAULT_METRICS, "status", "reason"]);
  assert.deepEqual(prepare({ grid: { spec: [1] }, metrics: ["energyJoules"] }).columns, ["index", "pointId", "spec", "energyJoules", "status", "reason"]);
  assert.deepEqual(sweepProducer(), { papiVersion: PAPI_VERSION });
});

test("prepare: the spec hash is the same for the same sweep and changes with the base, an axis, the constraints or the metrics", () => {
  const spec = { grid: { batch: [4, 8] } };
  const h = prepare(spec).specHash;
  assert.equal(prepare(spec).specHash, h);
  assert.notEqual(prepare(spec, { ...BASE, seed: 2 }).specHash, h);
  assert.notEqual(prepare({ grid: { batch: [4, 16] } }).specHash, h);
  assert.notEqual(prepare({ grid: { spec: [4, 8] } }).specHash, h);
  assert.notEqual(prepare({ ...spec, constraints: ["area"] }).specHash, h);
  assert.notEqual(prepare({ ...spec, constraints: { power: { mode: "model" } } }).specHash, prepare({ ...spec, constraints: { power: {} } }).specHash);
  assert.notEqual(prepare({ ...spec, metrics: ["latencySec"] }).specHash, h);
});

test("prepare: a bad base, metric or axis value fails before anything runs, naming it", () => {
  assert.throws(() => prepare({ grid: { batch: [4] } }, { bacth: 4 }), (e: unknown) => e instanceof UserError && /^base: /.test(e.message));
  assert.throws(() => prepare({ grid: { batch: [4] }, metrics: ["latency"] }), /unknown metric "latency"/);
  // every value of every axis is checked, with the other axes at their first value: the bad value is the last one
  assert.throws(() => prepare({ grid: { spec: [1, 2], batch: [4, 8, 0] } }), (e: unknown) => e instanceof UserError && /^point 0 \(spec=1, batch=0\)/.test(e.message));
  assert.throws(() => prepare({ grid: { batch: [4, 8] }, zip: [{ spec: [1, 2], requests: [4, -1] }] }), /^UserError: point 0 \(batch=4, spec=2, requests=-1\)/);
});

test("evaluate: a feasible point is run as papi run runs it; its row holds its swept values, its id and the metrics", () => {
  const p = prepare({ grid: { batch: [4, 8], spec: [1, 2] }, metrics: ["latencySec", "energyJoules", "iterations"] });
  const row = evaluate(p, 3); // batch 8, spec 2
  const config = parseRunConfig({ ...BASE, batch: 8, spec: 2 });
  const r = runOnce(config, { loader });
  assert.deepEqual(row, { index: 3, pointId: hashOf(config), batch: 8, spec: 2, latencySec: r.latencySec, energyJoules: r.energyJoules, iterations: r.iterations, status: "ok", reason: "" });
  assert.deepEqual(Object.keys(row), p.columns);
});

test("evaluate: a point whose config does not parse is infeasible with the parser's message and the hash of its raw config", () => {
  // each value is valid with the other axis at its first value; static batching with a paged-KV field is not
  const p = prepare({ grid: { batching: ["continuous", "static"], serving: [{}, { kvBlockTokens: 32 }] } });
  assert.equal(evaluate(p, 2).status, "ok");
  const row = evaluate(p, 3);
  assert.equal(row.status, "infeasible");
  assert.match(String(row.reason), /^config: point 3 \(batching=static, serving=\{"kvBlockTokens":32\}\): serving\.kvBlockTokens: batching static does not use it/);
  assert.equal(row.pointId, hashOf({ ...BASE, batching: "static", serving: { kvBlockTokens: 32 } }));
  assert.deepEqual([row.batching, row.serving], ["static", '{"kvBlockTokens":32}']);
  for (const m of p.metrics) assert.equal(row[m], null, m);
});

test("evaluate: the first violated constraint is the reason; without constraints the resolver's or the run's error is", () => {
  const big = { "hardware.fcPim.numFpus": [8] };
  // 8P1B breaks the area rule; gpt3-175b on 6 stacks also breaks capacity: area is checked first
  const both = evaluate(prepare({ grid: { ...big, model: ["gpt3-175b"], fcStacks: [6] }, metrics: ["latencySec", "fcPimDieAreaMm2"] }), 0);
  assert.match(String(both.reason), /^area: .*158\.4 mm2 > area\.maxDieAreaMm2 121/);
  assert.equal(both.status, "infeasible");
  assert.equal(both.latencySec, null);
  assert.ok(Math.abs((both.fcPimDieAreaMm2 as number) - 158.4) < 1e-9, "point metrics are computed for infeasible points");
  const unchecked = evaluate(prepare({ grid: big, constraints: [] }), 0);
  assert.match(String(unchecked.reason), /^config: hardware\.fcPim\.numFpus: 8P1B .*158\.4 mm2 > area\.maxDieAreaMm2 121/);
  const heavy = evaluate(prepare({ grid: { model: ["gpt3-175b"], fcStacks: [6] }, constraints: [] }), 0);
  assert.match(String(heavy.reason), /^run: gpt3-175b.s weights .* do not fit system papi/);
  assert.equal(evaluate(prepare({ grid: { model: ["gpt3-175b"], fcStacks: [6] } }), 0).reason, String(heavy.reason).replace(/^run: /, "capacity: "));
});

test("evaluate: power metrics use the power constraint's options (model mode and fcReuse)", () => {
  const spec = (constraints: unknown) => prepare({ grid: { batch: [4] }, constraints, metrics: ["fcPimPowerWatts", "fcPimReuse"] }, { ...BASE, alpha: 100, hardware: { fcPim: { numFpus: 3 } } });
  const config = parseRunConfig({ ...BASE, alpha: 100, hardware: { fcPim: { numFpus: 3 } } });
  const expected = (o: Record<string, unknown>) => powerChecks(new PointState(0, config, loader, new Map()), o).find((c) => c.unit === "FC-PIM")!;
  // fpu-peak at the largest RLP x TLP: 4 requests x TLP 4 (the default spec), all under alpha 100
  const peak = evaluate(spec([]), 0);
  assert.deepEqual([peak.fcPimPowerWatts, peak.fcPimReuse], [expected({}).watts, 16]);
  const model = evaluate(spec({ power: { mode: "model", budgetWatts: 1000, fcReuse: 3 } }), 0);
  assert.deepEqual([model.fcPimPowerWatts, model.fcPimReuse], [expected({ mode: "model", fcReuse: 3 }).watts, 3]);
  assert.notEqual(model.fcPimPowerWatts, peak.fcPimPowerWatts);
});

test("evaluate: a metric that is not finite makes the point infeasible, naming it, and blanks every metric", () => {
  const metrics = POINT_METRICS as Record<string, (typeof POINT_METRICS)[string]>;
  metrics.testInfinite = { description: "test only", of: () => Infinity };
  try {
    const p = prepare({ grid: { batch: [4] }, metrics: ["latencySec"] });
    const row = evaluate({ ...p, metrics: ["latencySec", "testInfinite"] }, 0);
    assert.deepEqual([row.status, row.reason, row.latencySec, row.testInfinite], ["infeasible", "not finite: testInfinite is Infinity", null, null]);
    // an infeasible point keeps its own reason
    const bad = prepare({ grid: { "hardware.fcPim.numFpus": [8] }, metrics: ["latencySec"] });
    assert.match(String(evaluate({ ...bad, metrics: ["testInfinite"] }, 0).reason), /^area: /);
  } finally {
    delete metrics.testInfinite;
  }
});
