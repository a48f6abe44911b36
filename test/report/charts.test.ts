import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { esc, groupedBarChart, lineChart, rooflineChart, scatterChart, stackedBarChart, uniques } from "../../src/report/charts.ts";
import { specToSvg, type VegaLiteSpec } from "../../src/report/plot.ts";

/** Renders to SVG and fails on any vega-lite / vega warning (they go to console.warn). */
async function svgOf(spec: VegaLiteSpec): Promise<string> {
  const warnings: unknown[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    const svg = await specToSvg(spec);
    assert.deepEqual(warnings, [], "rendering logged warnings");
    return svg;
  } finally {
    console.warn = original;
  }
}
const count = (svg: string, re: RegExp): number => (svg.match(re) ?? []).length;
const legends = (svg: string): number => count(svg, /role-legend"/g);

const speedups = ["llama-65b", "gpt3-66b"].flatMap((model) =>
  ["B=4", "B=64"].flatMap((point) => ["PAPI", "A100+AttAcc"].map((system, k) => ({ model, point, system, speedup: 1 + k }))),
);

test("grouped bars: one facet per model, a reference line, legend in row order", async () => {
  const svg = await svgOf(groupedBarChart({ rows: speedups, x: "point", group: "system", y: "speedup", facet: "model", title: "Speedup", yTitle: "Speedup (×)", refLine: 1 }));
  assert.ok(svg.includes("llama-65b") && svg.includes("gpt3-66b") && svg.includes("Speedup (×)"));
  assert.equal(count(svg, /aria-roledescription="rect mark container"/g), 2, "one bar layer per facet");
  assert.equal(count(svg, /aria-roledescription="bar"/g), speedups.length);
  assert.equal(count(svg, /aria-roledescription="rule mark container"/g), 2, "one y = 1 rule per facet");
  assert.ok(svg.indexOf(">PAPI<") < svg.indexOf(">A100+AttAcc<"), "legend keeps first-appearance order, not alphabetical");
  assert.equal(legends(svg), 1);
});

test("grouped bars on a log axis still draw every bar", async () => {
  const rows = speedups.filter((r) => r.model === "llama-65b").map((r, i) => ({ ...r, speedup: 10 ** (i - 1) }));
  const svg = await svgOf(groupedBarChart({ rows, x: "point", group: "system", y: "speedup", title: "Log", yTitle: "Speedup (×)", logY: true }));
  const bars = [...svg.matchAll(/<path aria-label="[^"]*" role="graphics-symbol" aria-roledescription="bar" d="M[\d.-]+,([\d.-]+)h[\d.-]+v([\d.-]+)h/g)];
  assert.equal(bars.length, 4);
  for (const b of bars) assert.ok(Number(b[2]) > 0, `bar height ${b[2]}`);
});

test("line chart merges colour and shape into one legend", async () => {
  const rows = ["GPU", "PAPI"].flatMap((system) => [1, 4, 16].map((batch) => ({ system, batch, tokensPerSec: batch * (system === "PAPI" ? 2 : 1) })));
  const svg = await svgOf(lineChart({ rows, x: "batch", y: "tokensPerSec", series: "system", title: "Throughput", xTitle: "Batch size", yTitle: "Throughput (tokens/s)", logX: true, logY: true }));
  assert.equal(legends(svg), 1);
  assert.equal(count(svg, /aria-roledescription="line mark"/g), 2, "one line per series");
  assert.equal(count(svg, /aria-roledescription="point"/g), rows.length);
});

test("stacked bars stack in row order and normalise to 100%", async () => {
  const rows = ["GPU", "PAPI"].flatMap((system) => ["FC", "attention"].map((component, k) => ({ system, component, timeSec: 1 + k })));
  const svg = await svgOf(stackedBarChart({ rows, x: "system", stack: "component", y: "timeSec", title: "Breakdown", yTitle: "Time (s)", normalize: true }));
  assert.ok(svg.includes(">100%<"));
  assert.ok(svg.indexOf(">FC<") < svg.indexOf(">attention<"));
  await svgOf(stackedBarChart({ rows: rows.map((r) => ({ ...r, model: "m" })), x: "system", stack: "component", y: "timeSec", facet: "model", title: "Breakdown" }));
});

test("roofline: the roof bends at the ridge point AI = peak / bandwidth and never exceeds the peak", async () => {
  const spec = rooflineChart({
    title: "Roofline",
    peakFlopsPerSec: 312e12, // example values only
    bandwidthBytesPerSec: 2e12,
    points: [
      { name: "FC B=1", ai: 1, flopsPerSec: 1.9e12, group: "FC" },
      { name: "attention", ai: 1, flopsPerSec: 1e12, group: "attention" },
    ],
  });
  const roof = (spec as { layer: { data?: { values: { ai: number; tflops: number; k: number }[] } }[] }).layer[0].data!.values;
  assert.deepEqual(roof.map((r) => r.k), [0, 1, 2]);
  assert.equal(roof[1].ai, 156);
  assert.equal(roof[1].tflops, 312);
  assert.ok(roof[0].ai < 1 && roof[2].ai > 156);
  assert.ok(Math.abs(roof[0].tflops - roof[0].ai * 2) < 1e-9, "memory-bound segment = bandwidth x AI");
  assert.equal(roof[2].tflops, 312);
  const svg = await svgOf(spec);
  assert.ok(svg.includes(">FC B=1<") && svg.includes("Arithmetic intensity (FLOP/byte)") && svg.includes("Performance (TFLOP/s)"));
  assert.equal(legends(svg), 2, "roof legend + one merged colour/shape legend");
});

test("scatter: y = x line spans the data on shared axes", async () => {
  const rows = [{ kernel: "fc", measuredUs: 10, predictedUs: 12 }, { kernel: "attn", measuredUs: 100, predictedUs: 90 }];
  const spec = scatterChart({ rows, x: "measuredUs", y: "predictedUs", series: "kernel", title: "Predicted vs measured", xTitle: "Measured (µs)", yTitle: "Predicted (µs)", logX: true, logY: true });
  const identity = (spec as { layer: { data: { values: { __x: number; __y: number }[] } }[] }).layer[0].data.values;
  assert.deepEqual(identity, [{ __x: 10, __y: 10 }, { __x: 100, __y: 100 }]);
  const svg = await svgOf(spec);
  assert.equal(legends(svg), 1);
  await svgOf(scatterChart({ rows, x: "measuredUs", y: "predictedUs", title: "no series", xTitle: "x", yTitle: "y", identityLine: false }));
});

test("field names with dots are taken literally", async () => {
  assert.equal(esc("a.b[0]"), "a\\.b\\[0\\]");
  const svg = await svgOf(lineChart({ rows: [{ "time.s": 1, "x.y": 1, s: "a" }, { "time.s": 2, "x.y": 2, s: "a" }], x: "x.y", y: "time.s", series: "s", title: "dots", xTitle: "x", yTitle: "y" }));
  assert.equal(count(svg, /aria-roledescription="point"/g), 2);
});

test("a field missing from a row is a programming error, not an empty chart", () => {
  assert.throws(() => uniques([{ a: 1 }, { b: 2 }], "a"), /chart field "a" missing/);
});

test("property: uniques keeps first-appearance order without duplicates", () =>
  fc.assert(
    fc.property(fc.array(fc.constantFrom("a", "b", "c", "d")), (vals) => {
      const u = uniques(vals.map((v) => ({ v })), "v");
      assert.deepEqual(u, [...new Set(vals)]);
    }),
  ));
