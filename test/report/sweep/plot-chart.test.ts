import { test } from "node:test";
import assert from "node:assert/strict";
import { logTicks } from "../../../src/report/chart-parts.ts";
import { MAX_SERIES, type PlotPlan } from "../../../src/report/sweep/plot-data.ts";
import { MAX_CELL_LABELS, MAX_LABELS, sweepPlotChart } from "../../../src/report/sweep/plot-chart.ts";
import type { SweepRow } from "../../../src/sweep/prepare.ts";

type Ch = { field?: string; type?: string; sort?: unknown[]; scale?: Record<string, unknown>; axis?: { values?: number[] }; title?: string };
type Spec = { width: number; height: number; layer: { mark: { type: string; size?: number; opacity?: number }; encoding: Record<string, Ch> }[] };
const plan = (rows: Record<string, unknown>[], o: Partial<PlotPlan> = {}): PlotPlan =>
  ({ mark: "line", x: "x", y: "y", xIsMetric: false, xNumeric: true, rows: rows as SweepRow[], numPoints: rows.length, excluded: [], varying: [], oneRowPerCell: true, caption: [], ...o });
const chart = (p: PlotPlan): Spec => sweepPlotChart({ title: "t", plan: p }) as unknown as Spec;
const xs = (vals: number[], y = (i: number) => i + 1) => vals.map((x, i) => ({ x, y: y(i) }));

test("numeric x: a log axis from a factor LOG_X_RATIO (20) up; swept values as ticks up to 12; a metric x: 1-2-5 ticks on a log axis only", () => {
  const log = chart(plan(xs([4, 80]))).layer[0].encoding.x;
  assert.deepEqual(log.scale, { type: "log", nice: false, padding: 16 });
  assert.deepEqual(log.axis?.values, [4, 80]);
  assert.deepEqual(chart(plan(xs([4, 79]))).layer[0].encoding.x.scale, { zero: false, nice: false, padding: 16 });
  // x values are drawn in ascending order whatever the row order
  assert.deepEqual(chart(plan(xs([80, 4]))).layer[0].encoding.x.axis?.values, [4, 80]);
  // 0 or negative x: never log
  assert.equal(chart(plan(xs([0, 100]))).layer[0].encoding.x.scale?.type, undefined);
  const metricLog = chart(plan(xs([1, 50, 100]), { xIsMetric: true, mark: "point" })).layer[0].encoding.x;
  assert.deepEqual(metricLog.axis?.values, logTicks([1, 50, 100]));
  assert.equal(chart(plan(xs([1, 5, 10]), { xIsMetric: true, mark: "point" })).layer[0].encoding.x.axis, undefined);
  const twelve = Array.from({ length: 12 }, (_, i) => i + 1);
  assert.deepEqual(chart(plan(xs(twelve))).layer[0].encoding.x.axis?.values, twelve);
  assert.equal(chart(plan(xs([...twelve, 13]))).layer[0].encoding.x.axis, undefined);
});

test("y from zero unless a value is negative; value labels up to MAX_LABELS marks; many points per cell smaller and see-through", () => {
  assert.deepEqual(chart(plan(xs([1, 2], (i) => i))).layer[0].encoding.y.scale, { zero: true });
  assert.deepEqual(chart(plan(xs([1, 2], (i) => i - 1))).layer[0].encoding.y.scale, { zero: false, padding: 14 });
  const n = (k: number) => chart(plan(xs(Array.from({ length: k }, (_, i) => i + 1)))).layer.map((l) => l.mark.type);
  assert.deepEqual(n(MAX_LABELS), ["line", "point", "text"]);
  assert.deepEqual(n(MAX_LABELS + 1), ["line", "point"]);
  const bars = (k: number) => chart(plan(Array.from({ length: k }, (_, i) => ({ x: `c${i}`, y: 1 })), { mark: "bar", xNumeric: false })).layer.map((l) => l.mark.type);
  assert.deepEqual(bars(MAX_LABELS), ["bar", "text"]);
  assert.deepEqual(bars(MAX_LABELS + 1), ["bar"]);
  const one = chart(plan(xs([1, 2]), { mark: "point", xIsMetric: true })).layer[0].mark;
  const many = chart(plan(xs([1, 1, 2]), { mark: "point", xIsMetric: true, oneRowPerCell: false })).layer[0].mark;
  assert.deepEqual([one.size, one.opacity], [55, 1]);
  assert.deepEqual([many.size, many.opacity], [30, 0.6]);
});

test("series: a nominal legend in ascending order with shapes and side-by-side bars; more numeric values than the palette: a gradient", () => {
  const rows = [{ x: "a", y: 1, c: 16 }, { x: "a", y: 2, c: 4 }];
  const bar = chart(plan(rows, { mark: "bar", xNumeric: false, color: "c" })).layer[0].encoding;
  assert.deepEqual(bar.color.scale, { domain: [4, 16] });
  assert.deepEqual([bar.xOffset.field, bar.xOffset.sort], ["c", [4, 16]]);
  const pts = chart(plan([{ x: 1, y: 1, c: "p" }, { x: 2, y: 2, c: "q" }], { mark: "point", xIsMetric: true, color: "c" })).layer[0].encoding;
  assert.equal(pts.xOffset, undefined, "no bands on a quantitative x");
  assert.deepEqual([pts.shape.field, pts.shape.type], ["c", "nominal"]);
  const k = MAX_SERIES + 1;
  const grad = (n: number) => chart(plan(Array.from({ length: n }, (_, i) => ({ x: 1 + i, y: 1, c: i })), { mark: "point", xIsMetric: true, color: "c" })).layer[0].encoding;
  assert.deepEqual([grad(k).color.type, grad(k).color.scale], ["quantitative", { scheme: "viridis" }]);
  assert.equal(grad(k).shape, undefined);
  assert.equal(grad(MAX_SERIES).color.type, "nominal");
});

test("heatmap: rows of 18 px (at least half the plot's height), cell labels up to MAX_CELL_LABELS", () => {
  const cells = (nx: number, ny: number) => Array.from({ length: nx * ny }, (_, i) => ({ x: i % nx, y: i, c: Math.floor(i / nx) }));
  const heat = (nx: number, ny: number) => chart(plan(cells(nx, ny), { mark: "heatmap", color: "c" }));
  assert.equal(heat(2, 3).height, 150);
  assert.equal(heat(2, 20).height, 360);
  assert.equal(heat(2, 20).width, 500);
  assert.deepEqual(heat(15, 10).layer.map((l) => l.mark.type), ["rect", "text"]);
  // the cell labels read the label column every plotted row carries
  assert.deepEqual(heat(15, 10).layer[1].encoding.text, { field: "__label" });
  assert.equal(MAX_CELL_LABELS, 150);
  assert.deepEqual(heat(151, 1).layer.map((l) => l.mark.type), ["rect"]);
  // 151 categories of x tilt and take 20 px each
  assert.equal(heat(151, 1).width, 151 * 20);
  assert.deepEqual(heat(2, 3).layer[0].encoding.y.sort, [0, 1, 2]);
});

test("bands: bars, a non-numeric x, and a swept x with several points per cell; a metric x or one point per cell is a number line", () => {
  const xType = (rows: Record<string, unknown>[], o: Partial<PlotPlan>) => chart(plan(rows, o)).layer[0].encoding.x.type;
  assert.equal(xType(xs([1, 2]), { mark: "bar" }), "ordinal");
  assert.equal(xType([{ x: "a", y: 1 }], { mark: "point", xNumeric: false, xIsMetric: true }), "nominal");
  assert.equal(xType(xs([1, 1, 2]), { mark: "point", oneRowPerCell: false }), "ordinal");
  assert.equal(xType(xs([1, 1, 2]), { mark: "point", oneRowPerCell: false, xIsMetric: true }), "quantitative");
  assert.equal(xType(xs([1, 2]), { mark: "point" }), "quantitative");
  assert.equal(xType(xs([1, 2]), { mark: "line" }), "quantitative");
  // more named series than the palette stay a legend: only numbers make a gradient
  const names = chart(plan(Array.from({ length: MAX_SERIES + 1 }, (_, i) => ({ x: 1 + i, y: 1, c: `s${i}` })), { mark: "point", xIsMetric: true, color: "c" }));
  assert.equal(names.layer[0].encoding.color.type, "nominal");
});

test("rows drawn: the y value's label to 3 significant digits, panels headed path = value as written", () => {
  const spec = sweepPlotChart({ title: "t", plan: plan([{ x: 1, y: 1234.5, f: 0.125 }, { x: 2, y: "n", f: "b" }], { facet: "f" }) }) as unknown as { data: { values: Record<string, unknown>[] }; columns: number };
  assert.deepEqual(spec.data.values.map((r) => [r.__label, r.__panel]), [["1230", "f = 0.125"], ["n", "f = b"]]);
  assert.equal(spec.columns, 2);
});
