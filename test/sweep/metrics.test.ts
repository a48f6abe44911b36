import { test } from "node:test";
import assert from "node:assert/strict";
import { checkMetrics, DEFAULT_METRICS, METRIC_NAMES, runMetric } from "../../src/sweep/metrics.ts";
import { cellOf } from "../../src/sweep/prepare.ts";
import type { RunResult } from "../../src/serving/run.ts";

test("metric names: every default is known; unknown and repeated names are one-line errors", () => {
  for (const m of DEFAULT_METRICS) assert.ok(METRIC_NAMES.includes(m), m);
  assert.doesNotThrow(() => checkMetrics(["latencySec", "breakdownSec.fc", "ttftSec.p99", "areaMm2", "attnPimReuse"]));
  assert.throws(() => checkMetrics(["latencySecs"]), /^UserError: metrics: unknown metric "latencySecs" \(did you mean "latencySec"\?\)/);
  assert.throws(() => checkMetrics(["areaMm2", "areaMm2"]), /^UserError: metrics: "areaMm2" is listed twice$/);
});

test("run metrics by dotted path; missing or non-finite values are null", () => {
  const r = { latencySec: 2.5, alpha: NaN, breakdownSec: { fc: 1.25 }, ttftSec: { p99: Infinity } } as unknown as RunResult;
  assert.equal(runMetric(r, "latencySec"), 2.5);
  assert.equal(runMetric(r, "breakdownSec.fc"), 1.25);
  assert.equal(runMetric(r, "alpha"), null);
  assert.equal(runMetric(r, "ttftSec.p99"), null);
  assert.equal(runMetric(r, "breakdownSec.attention"), null);
  assert.equal(runMetric(r, "latencySec.x"), null);
  assert.equal(runMetric(r, "nothing.here"), null);
});

test("table cells: primitives as they are, non-finite numbers and structures as stable JSON", () => {
  assert.equal(cellOf(3), 3);
  assert.equal(cellOf("pcie5"), "pcie5");
  assert.equal(cellOf(true), true);
  assert.equal(cellOf(null), null);
  assert.equal(cellOf({ b: 1, a: [2] }), '{"a":[2],"b":1}');
  assert.equal(cellOf([1, 2]), "[1,2]");
  assert.equal(cellOf(Infinity), "null");
});

test("run metrics: 52 distinct paths, every one a finite number of a run's result (disaggregated, with SLOs)", async () => {
  const { RUN_METRICS, POINT_METRICS } = await import("../../src/sweep/metrics.ts");
  const { runOnce } = await import("../../src/serving/run.ts");
  const { nodeLoader } = await import("../../src/node/loader.ts");
  // 7 headline + 11 counters and times + 4 x 2 breakdowns (sec, per token) + 6 energy parts + 4 x 2 percentiles + 6 serving + 2 utilizations + 4 SLO
  assert.equal(RUN_METRICS.length, 7 + 11 + 8 + 6 + 8 + 6 + 2 + 4);
  assert.equal(new Set(RUN_METRICS).size, RUN_METRICS.length);
  assert.deepEqual(METRIC_NAMES, [...RUN_METRICS, ...Object.keys(POINT_METRICS)]);
  const r = runOnce({ requests: 8, trace: "fixed:16:4", batching: "disaggregated", slo: { ttftSec: 10, tpotSec: 1 } }, { loader: nodeLoader() });
  for (const m of RUN_METRICS) {
    const v = runMetric(r, m);
    assert.ok(typeof v === "number" && Number.isFinite(v), m);
    assert.equal(v, m.split(".").reduce((o: unknown, k) => (o as Record<string, unknown>)[k], r), m);
  }
});
