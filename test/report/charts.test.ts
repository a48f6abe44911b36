import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { esc, groupedBarChart, lineChart, logTicks, rooflineChart, scatterChart, stackedBarChart, uniques } from "../../src/report/charts.ts";
import { specToSvg, type VegaLiteSpec } from "../../src/report/plot.ts";
import { systemsChart } from "../../src/report/run-charts.ts";

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

test("logTicks: 1-2-5 per decade, finer on a narrow range, decades only on a wide one", () => {
  assert.deepEqual(logTicks([0.1, 10]), [0.1, 0.2, 0.5, 1, 2, 5, 10]);
  assert.deepEqual(logTicks([1, 4.5]), [1, 1.5, 2, 3, 4]);
  assert.deepEqual(logTicks([1e-3, 1e6]), [0.001, 0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e5, 1e6]);
  assert.deepEqual(logTicks([0, -1]), []);
});

test("reference lines and their labels are drawn once, not once per data row", async () => {
  const rows = [1, 2, 4, 8].map((reuse) => ({ reuse, design: "4P1B", watts: 100 / reuse }));
  const svg = await svgOf(lineChart({ rows, x: "reuse", y: "watts", series: "design", title: "Power", xTitle: "reuse", yTitle: "W", logX: true, xTicks: [1, 2, 4, 8], refLines: [{ y: 50, label: "budget 50 W" }] }));
  assert.equal(count(svg, />budget 50 W</g), 1);
  const rules = /aria-roledescription="rule mark container"[^>]*>(.*?)<\/g>/.exec(svg);
  assert.ok(rules, "a rule mark");
  assert.equal(count(rules[1], /<line /g), 1, "one dashed line");
});

test("stacked bars: segment labels at segment midpoints, small segments unlabelled", async () => {
  const rows = [{ s: "a", part: "big", v: 0.9 }, { s: "a", part: "tiny", v: 0.01 }, { s: "a", part: "rest", v: 0.09 }];
  const spec = stackedBarChart({ rows, x: "s", stack: "part", y: "v", title: "t", normalize: true, segmentLabel: (_v, f) => `${Math.round(f * 100)}%` });
  const labels = (spec as { layer: { data: { values: { __y: number; __t: string }[] } }[] }).layer[1].data.values;
  assert.deepEqual(labels.map((l) => l.__t), ["90%", "9%"], "the 1 % segment gets no label");
  assert.ok(Math.abs(labels[0].__y - 0.45) < 1e-12 && Math.abs(labels[1].__y - (0.91 + 0.045)) < 1e-12);
  const svg = await svgOf(spec);
  assert.ok(svg.includes(">90%<") && svg.includes(">9%<"));
});

test("roofline: points of one group at the same spot share one label", async () => {
  const points = [4, 16, 64].map((b) => ({ name: `B${b}`, ai: 7 * (1 + b * 1e-4), flopsPerSec: 14e12, group: "attention" }));
  const svg = await svgOf(rooflineChart({ title: "r", peakFlopsPerSec: 312e12, bandwidthBytesPerSec: 2e12, points: [...points, { name: "S2", ai: 2, flopsPerSec: 4e12, group: "FC", label: "below" }] }));
  assert.equal(count(svg, />B4–B64</g), 1);
  assert.equal(count(svg, />B16</g), 0);
  assert.ok(svg.includes(">S2<") && svg.includes("ridge 156 FLOP/B"));
});

test("tick labels lie flat when they fit and tilt when they do not", async () => {
  const few = groupedBarChart({ rows: speedups, x: "point", group: "system", y: "speedup", title: "t", yTitle: "y" });
  const many = groupedBarChart({ rows: Array.from({ length: 30 }, (_, i) => ({ point: `a long category ${i}`, system: "x", speedup: 1 })), x: "point", group: "system", y: "speedup", title: "t", yTitle: "y" });
  const angle = (s: unknown): number => (s as { layer: { encoding: { x: { axis: { labelAngle: number } } } }[] }).layer[0].encoding.x.axis.labelAngle;
  const some = groupedBarChart({ rows: Array.from({ length: 10 }, (_, i) => ({ point: `a long category ${i}`, system: "x", speedup: 1 })), x: "point", group: "system", y: "speedup", title: "t", yTitle: "y" });
  assert.equal(angle(few), 0);
  assert.equal(angle(some), -30, "50 px bands: tilted");
  assert.equal(angle(many), -90, "17 px bands: a tilted label would cross its neighbour, so vertical");
});

test("roofline: a label can go left of its point or nowhere (a point that sits on another group's labelled one)", async () => {
  const svg = await svgOf(rooflineChart({
    title: "r", peakFlopsPerSec: 312e12, bandwidthBytesPerSec: 2e12,
    points: [
      { name: "B16", ai: 125, flopsPerSec: 190e12, group: "FC, batch", label: "left" },
      { name: "S4", ai: 125, flopsPerSec: 190e12, group: "FC, spec", label: "none" },
      { name: "S6", ai: 185, flopsPerSec: 225e12, group: "FC, spec", label: "below" },
    ],
  }));
  assert.equal(count(svg, />B16</g), 1);
  assert.equal(count(svg, />S4</g), 0);
  assert.equal(count(svg, />S6</g), 1);
  // the left label ends left of its point: text-anchor end
  assert.match(svg, /text-anchor="end"[^>]*>B16</);
});

test("stacked bars: segments too thin for an inside label are labelled beside the bar, spread apart, one legend", async () => {
  // fig12's shape: per-token ms. Tallest bar 1.5: "attention" 0.025 is 5 px of 300, "other" 0.0046 under 1 px.
  const rows = [
    ...[["fc", 0.707], ["attention", 0.025], ["communication", 0.763], ["other", 0.0046]].map(([part, v]) => ({ system: "A", part, ms: v })),
    ...[["fc", 0.263], ["attention", 0.046], ["communication", 0.763], ["other", 0.0046]].map(([part, v]) => ({ system: "B", part, ms: v })),
  ];
  const spec = stackedBarChart({ rows, x: "system", stack: "part", y: "ms", title: "t", segmentLabel: (v) => `${v} ms`, outsideLabelName: (k) => k.toUpperCase() });
  const layers = (spec as { layer: { data: { values: Record<string, unknown>[] } }[] }).layer;
  const inside = layers[1].data.values.map((l) => l.__t);
  // 0.046 of 1.5 is 9.2 px (< 15 px): outside too; 0.263 is 53 px: inside
  assert.deepEqual(inside, ["0.707 ms", "0.763 ms", "0.263 ms", "0.763 ms"]);
  const outside = layers[3].data.values;
  assert.deepEqual(outside.map((l) => `${l.system} ${l.__t}`), ["A ATTENTION: 0.025 ms", "A OTHER: 0.0046 ms", "B ATTENTION: 0.046 ms", "B OTHER: 0.0046 ms"]);
  // each at its segment's middle unless that is within the minimum gap (5.5 % of the tallest bar) of the one below
  assert.equal(outside[0].__y, 0.707 + 0.025 / 2);
  assert.equal(outside[1].__mid, 0.707 + 0.025 + 0.763 + 0.0023);
  for (const o of outside) assert.ok(Number(o.__y) >= Number(o.__mid) - 1e-12);
  const svg = await svgOf(spec);
  assert.equal(legends(svg), 1, "the swatches share the bars' colour legend");
  assert.ok(svg.includes(">OTHER: 0.0046 ms<"));
});

test("stacked bars: labels pushed past the top come back down, keeping the gap", () => {
  const rows = [["big", 1], ["a", 0.01], ["b", 0.01], ["c", 0.01]].map(([part, v]) => ({ x: "X", part, v }));
  const spec = stackedBarChart({ rows, x: "x", stack: "part", y: "v", title: "t", segmentLabel: (v) => String(v), outsideLabelName: (k) => k });
  const ys = (spec as { layer: { data: { values: { __y: number }[] } }[] }).layer[3].data.values.map((l) => l.__y);
  const top = 1.03;
  const gap = top * 0.055;
  assert.ok(ys[ys.length - 1] <= top + 1e-12, JSON.stringify(ys));
  for (let i = 1; i < ys.length; i++) assert.ok(ys[i] - ys[i - 1] >= gap - 1e-12, JSON.stringify(ys));
});

describe("category axes never drop a label (labelOverlap off, tilted or vertical when crowded)", () => {
  /** The labels an SVG draws with opacity 0 (vega's overlap removal hides them that way). */
  const hidden = (svg: string, labels: readonly string[]) =>
    labels.filter((l) => {
      const esc = l.replace(/&/g, "&amp;").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const m = new RegExp(`<text[^>]*>${esc}</text>`).exec(svg);
      return m === null || /opacity="0"/.test(m[0]);
    });

  test("the explorer's six systems plus yours: all 7 labels drawn", async () => {
    const labels = ["GPU-only", "A100+AttAcc", "A100+HBM-PIM", "AttAcc-only", "PAPI", "PIM-only PAPI", "yours (PAPI)"];
    const rows = labels.map((label, i) => ({ label, speedupVsA100Attacc: 1 + i / 3, energyEfficiencyVsA100Attacc: 1 + i / 5 }));
    assert.deepEqual(hidden(await svgOf(systemsChart(rows, "t", "s")), labels), []);
  });

  test("papi compare --html's four metrics: all 4 labels drawn", async () => {
    const labels = ["latency (s)", "energy (J)", "throughput (tokens/s)", "energy efficiency (tokens/J)"];
    const rows = labels.flatMap((metric) => ["base", "2p1b"].map((run, i) => ({ metric, run, relative: 1 + i / 4 })));
    assert.deepEqual(hidden(await svgOf(groupedBarChart({ rows, x: "metric", group: "run", y: "relative", title: "t", yTitle: "relative", refLine: 1 })), labels), []);
  });

  test("stacked bars with many long categories, too", async () => {
    const labels = Array.from({ length: 14 }, (_, i) => `configuration number ${i + 1}`);
    const rows = labels.flatMap((x) => ["a", "b"].map((phase) => ({ x, phase, sec: 1 })));
    assert.deepEqual(hidden(await svgOf(stackedBarChart({ rows, x: "x", stack: "phase", y: "sec", title: "t" })), labels), []);
  });
});

test("spec options by hand: given x ticks are used as they are; axis titles default to the field; exactly four 1-2-5 ticks suffice", () => {
  const rows = [{ s: "a", x: 1, y: 2 }, { s: "a", x: 3, y: 4 }];
  const json = (spec: unknown) => JSON.stringify(spec);
  assert.ok(json(lineChart({ rows, x: "x", y: "y", series: "s", title: "t", xTitle: "x", yTitle: "y", xTicks: [1, 2, 3] })).includes('"axis":{"values":[1,2,3]}'));
  assert.ok(json(lineChart({ rows, x: "x", y: "y", series: "s", title: "t", xTitle: "x", yTitle: "y", logX: true, xTicks: [1, 3] })).includes('"axis":{"values":[1,3]}'));
  assert.ok(!json(lineChart({ rows, x: "x", y: "y", series: "s", title: "t", xTitle: "x", yTitle: "y" })).includes('"axis":{"values"'));
  const stacked = (o: object) => json(stackedBarChart({ rows: [{ x: "a", part: "p", v: 1 }], x: "x", stack: "part", y: "v", title: "t", ...o }));
  assert.ok(stacked({ yTitle: "seconds" }).includes('"title":"seconds"'));
  assert.ok(stacked({}).includes('"title":"v"'));
  // 0.95..10.5: 1, 2, 5, 10 is enough; one tick fewer and the 1-1.5-2-3-4-5-7 set is used
  assert.deepEqual(logTicks([1, 10]), [1, 2, 5, 10]);
  assert.deepEqual(logTicks([1, 5]), [1, 1.5, 2, 3, 4, 5]);
});

test("scatter scales: linear ones not from zero, log ones the house log scale; with the y = x line both share [lo, hi]", () => {
  type Enc = { x: { scale: object; axis?: { values: number[] } }; y: { scale: object; axis?: { values: number[] } } };
  const enc = (spec: unknown): Enc => {
    const layers = (spec as { layer: { encoding: Enc }[] }).layer;
    return layers[layers.length - 1].encoding;
  };
  const rows = [{ m: 0, p: 4 }, { m: 20, p: 8 }, { m: 5, p: "n/a" }, { m: Infinity, p: 6 }, { m: "7", p: Number.NaN }];
  const base = { rows, x: "m", y: "p", title: "t", xTitle: "x", yTitle: "y" };
  // the values: 0, 4, 20, 8, 5, 6 (non-numbers, strings of digits, infinities and NaN skipped); lo 0 on linear axes, the least positive (4) when an axis is log
  const lin = enc(scatterChart(base));
  assert.deepEqual(lin.x.scale, { zero: false, domain: [0, 20] });
  assert.deepEqual(lin.y.scale, { zero: false, domain: [0, 20] });
  assert.equal(lin.x.axis, undefined);
  const logX = enc(scatterChart({ ...base, logX: true }));
  assert.deepEqual(logX.x.scale, { type: "log", nice: false, padding: 12, domain: [4, 20] });
  assert.deepEqual(logX.y.scale, { zero: false, domain: [4, 20] });
  assert.deepEqual(logX.x.axis?.values, logTicks([4, 5, 6, 8, 20]));
  assert.equal(logX.y.axis, undefined);
  const logY = enc(scatterChart({ ...base, logY: true }));
  assert.deepEqual(logY.y.scale, { type: "log", nice: false, padding: 12, domain: [4, 20] });
  assert.deepEqual(logY.x.scale, { zero: false, domain: [4, 20] });
  const free = enc(scatterChart({ ...base, identityLine: false, logY: true }));
  assert.deepEqual(free.x.scale, { zero: false });
  assert.deepEqual(free.y.scale, { type: "log", nice: false, padding: 12 });
  assert.equal((scatterChart({ ...base, identityLine: false }) as { layer: unknown[] }).layer.length, 1, "no y = x layer");
  // no numbers at all: no line, no shared domain
  assert.deepEqual(enc(scatterChart({ ...base, rows: [{ m: "a", p: "b" }] })).x.scale, { zero: false });
});

test("line chart axes by hand: a log x gets 1-2-5 ticks of its data, a linear x fits the data, y from zero unless told", () => {
  type Enc = { x: { scale: object; axis?: { values: number[] } }; y: { scale: object; axis?: { values: number[] } } };
  const rows = [{ s: "a", x: 1, y: 3 }, { s: "a", x: 100, y: 30 }];
  const enc = (o: object): Enc => (lineChart({ rows, x: "x", y: "y", series: "s", title: "t", xTitle: "x", yTitle: "y", ...o }) as unknown as { layer: { encoding: Enc }[] }).layer[0].encoding;
  assert.deepEqual(enc({ logX: true }).x.axis?.values, [1, 2, 5, 10, 20, 50, 100]);
  assert.deepEqual(enc({ logX: true }).x.scale, { type: "log", nice: false, padding: 12 });
  assert.deepEqual(enc({}).x.scale, { zero: false, nice: false, padding: 12 });
  assert.deepEqual(enc({}).y.scale, { zero: true });
  assert.deepEqual(enc({ yZero: false }).y.scale, { zero: false, padding: 14 });
  // 3..30: 1-2-5 gives only 5, 10, 20, so the finer set
  assert.deepEqual(enc({ logY: true }).y.axis?.values, [3, 4, 5, 7, 10, 15, 20, 30]);
});

test("stacked bars stack in row order from the bottom, not alphabetically; roof notes end inside the plot", async () => {
  // "b" comes first, so it is the bottom of every bar, also of Y whose rows list "a" first
  const rows = [{ x: "X", k: "b", v: 1 }, { x: "Y", k: "a", v: 2 }, { x: "X", k: "a", v: 2 }, { x: "Y", k: "b", v: 1 }];
  const svg = await svgOf(stackedBarChart({ rows, x: "x", stack: "k", y: "v", title: "t" }));
  // each bar is 3 of a 300 px axis: "b" (1) from y 200 to 300, "a" (2) from 0 to 200
  const top = (x: string, k: string): number => Number(new RegExp(`aria-label="x: ${x}; v: \\d; k: ${k}"[^>]*d="M[\\d.]+,([\\d.]+)h`).exec(svg)![1]);
  for (const x of ["X", "Y"]) assert.ok(Math.abs(top(x, "b") - 200) < 1e-6 && Math.abs(top(x, "a")) < 1e-6, x);
  const roof = await svgOf(rooflineChart({ title: "r", peakFlopsPerSec: 312e12, bandwidthBytesPerSec: 2e12, points: [{ name: "P", ai: 10, flopsPerSec: 10e12, group: "g" }] }));
  const note = /text-anchor="end" transform="translate\(([\d.]+),[\d.]+\)"[^>]*>roof: 312 TFLOP\/s, 2 TB\/s, ridge 156 FLOP\/B</.exec(roof);
  assert.ok(note && Number(note[1]) < 500, "right-aligned at the right edge, a little inside it");
});

test("grouped bars by hand: titles default to field names, groups in row order, y from yMaxAtLeast, log y with 1-2-5 ticks, sizes", () => {
  type Enc = Record<string, { sort?: unknown[]; title?: string; scale?: Record<string, unknown>; axis?: { values?: number[] }; stack?: null }>;
  const rows = [{ p: "B=4", sys: "PAPI", y: 0 }, { p: "B=4", sys: "GPU", y: 0 }, { p: "B=64", sys: "PAPI", y: 0.5 }];
  const spec = (o: object) => groupedBarChart({ rows, x: "p", group: "sys", y: "y", title: "t", yTitle: "Y", ...o }) as unknown as { width: number; height: number; layer: { encoding: Enc }[] };
  const e = spec({}).layer[0].encoding;
  assert.deepEqual([e.x.title, e.color.title, e.y.title], ["p", "sys", "Y"]);
  assert.deepEqual(e.x.sort, ["B=4", "B=64"]);
  assert.deepEqual(e.xOffset.sort, ["PAPI", "GPU"]);
  assert.deepEqual(e.color.scale, { domain: ["PAPI", "GPU"] });
  assert.equal(e.y.stack, null, "side by side, never stacked");
  assert.deepEqual(e.y.scale, {});
  const titled = spec({ xTitle: "point", groupTitle: "system" }).layer[0].encoding;
  assert.deepEqual([titled.x.title, titled.color.title], ["point", "system"]);
  // all bars 0..0.5 but the axis must reach 1 (e.g. 0..1 %); a bar above it wins
  assert.deepEqual(spec({ yMaxAtLeast: 1 }).layer[0].encoding.y.scale, { domainMax: 1 });
  assert.deepEqual(spec({ yMaxAtLeast: 0.25 }).layer[0].encoding.y.scale, { domainMax: 0.5 });
  const log = groupedBarChart({ rows: [{ p: "a", sys: "s", y: 1 }, { p: "b", sys: "s", y: 100 }], x: "p", group: "sys", y: "y", title: "t", yTitle: "Y", logY: true }) as unknown as { layer: { encoding: Enc }[] };
  assert.deepEqual(log.layer[0].encoding.y.axis?.values, [1, 2, 5, 10, 20, 50, 100]);
  assert.equal(log.layer[0].encoding.y.scale?.type, "log");
  assert.equal(e.y.axis, undefined);
  assert.deepEqual([spec({}).width, spec({}).height], [500, 300]);
  assert.deepEqual([spec({ width: 320, height: 200 }).width, spec({ width: 320, height: 200 }).height], [320, 200]);
  assert.equal(spec({}).layer.length, 1);
  assert.equal(spec({ refLine: 0 }).layer.length, 2, "a reference line at 0 is still drawn");
});

test("line chart by hand: ordinal x in row order, dash series, legend titles, reference lines inside a log y", () => {
  type Ch = { field?: string; type?: string; sort?: unknown[]; title?: string; scale?: Record<string, unknown>; axis?: { values?: number[] } };
  type Spec = { layer: { mark: { type: string }; encoding: Record<string, Ch> }[] };
  const rows = [{ s: "b", x: 8, y: 1, d: "sim" }, { s: "a", x: 2, y: 4, d: "peak" }, { s: "b", x: 2, y: 2, d: "sim" }];
  const base = { rows, x: "x", y: "y", series: "s", title: "t", xTitle: "X", yTitle: "Y" };
  const ord = lineChart({ ...base, xOrdinal: true }) as unknown as Spec;
  assert.deepEqual([ord.layer[0].encoding.x.type, ord.layer[0].encoding.x.sort], ["ordinal", [8, 2]]);
  const line = ord.layer[0].encoding;
  assert.deepEqual([line.color.title, line.color.scale], ["s", { domain: ["b", "a"] }]);
  assert.equal(line.strokeDash, undefined);
  const points = ord.layer[1].encoding;
  assert.deepEqual([points.shape.field, points.shape.title, points.shape.scale], ["s", "s", { domain: ["b", "a"] }]);
  assert.equal(points.detail, undefined);
  const dashed = lineChart({ ...base, dash: "d", dashTitle: "power", seriesTitle: "series" }) as unknown as Spec;
  const de = dashed.layer[0].encoding;
  assert.deepEqual([de.strokeDash.field, de.strokeDash.sort, de.strokeDash.title, de.color.title], ["d", ["sim", "peak"], "power", "series"]);
  assert.equal(dashed.layer[1].encoding.shape.title, "series");
  assert.deepEqual(dashed.layer[1].encoding.detail, { field: "d" }, "points of one series split by dash");
  assert.equal((lineChart({ ...base, dash: "d" }) as unknown as Spec).layer[0].encoding.strokeDash.title, "d");
  // a budget line at 100 must be inside the log y axis: ticks span 1..100
  const ref = lineChart({ ...base, logY: true, refLines: [{ y: 100, label: "budget" }] }) as unknown as Spec;
  assert.deepEqual(ref.layer[0].encoding.y.axis?.values, [1, 2, 5, 10, 20, 50, 100]);
  assert.deepEqual(ref.layer.map((l) => l.mark.type), ["line", "point", "rule", "text"]);
});

test("roofline by hand: axis from the decade below to the decade above (with margins), labels merged per group, extra roofs", () => {
  type L = { data?: { values: Record<string, unknown>[] }; encoding?: Record<string, { title?: string; scale?: { domain?: unknown[] } }> };
  const layers = (o: object) => (rooflineChart({ title: "r", peakFlopsPerSec: 312e12, bandwidthBytesPerSec: 2e12, points: [], ...o }) as unknown as { layer: L[] }).layer;
  // AI 1 and the ridge 156: 10^floor(0 - 0.15) = 0.1 to 10^ceil(2.19 + 0.3) = 1000
  const one = layers({ points: [{ name: "p", ai: 1, flopsPerSec: 1e12, group: "g" }] });
  assert.deepEqual(one[0].data!.values.map((r) => r.ai), [0.1, 156, 1000]);
  assert.deepEqual(one[0].encoding!.x.scale!.domain, [0.1, 1000]);
  // a point at AI 0 (nothing read) cannot widen a log axis
  assert.deepEqual(layers({ points: [{ name: "z", ai: 0, flopsPerSec: 1, group: "g" }, { name: "p", ai: 1, flopsPerSec: 1e12, group: "g" }] })[0].data!.values.map((r) => r.ai), [0.1, 156, 1000]);
  assert.equal(one[2].encoding!.color.title, "kind");
  assert.match(String(one[1].data!.values[0].name), /^roof: /);
  // two points of a group within a factor 10^0.06 share "a, b"; a third point 1.2x away and another group's point keep their own
  const pts = [
    { name: "a", ai: 7, flopsPerSec: 14e12, group: "g" }, { name: "b", ai: 7.7, flopsPerSec: 14e12, group: "g" },
    { name: "c", ai: 7, flopsPerSec: 14e12 * 1.2, group: "g" }, { name: "d", ai: 7, flopsPerSec: 14e12, group: "h" },
  ];
  const labels = layers({ points: pts, groupTitle: "kernel" });
  assert.deepEqual(labels[3].data!.values.map((l) => l.name), ["a, b", "c", "d"]);
  assert.equal(labels[2].encoding!.color.title, "kernel");
  // a PIM roof beside the GPU's: 1 TFLOP/s peak at 4 TB/s, ridge 0.25
  const two = layers({ points: [{ name: "p", ai: 1, flopsPerSec: 1e12, group: "g" }], roofLabel: "GPU", extraRoofs: [{ label: "PIM", peakFlopsPerSec: 1e12, bandwidthBytesPerSec: 4e12 }] });
  const roofs = two[0].data!.values;
  assert.deepEqual(roofs.map((r) => [r.roof, r.ai, r.tflops]), [["GPU", 0.1, 0.2], ["GPU", 156, 312], ["GPU", 1000, 312], ["PIM", 0.1, 0.4], ["PIM", 0.25, 1], ["PIM", 1000, 1]]);
  assert.deepEqual(two[1].data!.values.map((n) => String(n.name).split(":")[0]), ["GPU", "PIM"]);
});

test("stacked bars by hand: label heights, titles, normalize, empty bars, facets without labels, room for outside labels", () => {
  type Enc = Record<string, { title?: string; stack?: string; axis?: object; scale?: object; field?: string }>;
  type Spec = { layer?: { data: { values: Record<string, unknown>[] }; encoding: Enc }[]; encoding?: Enc; spec?: { encoding: Enc; layer?: unknown } };
  const rows = [{ x: "X", k: "a", v: 1 }, { x: "X", k: "b", v: 2 }, { x: "Z", k: "a", v: 0 }, { x: "Z", k: "b", v: 0 }];
  const base = { rows, x: "x", stack: "k", y: "v", title: "t" };
  const lab = (v: number, f: number) => `${v}|${f}`;
  const plain = stackedBarChart({ ...base, segmentLabel: lab }) as unknown as Spec;
  // a from 0 to 1 (middle 0.5), b from 1 to 3 (middle 2); the empty bar Z gets no labels
  assert.deepEqual(plain.layer![1].data.values, [{ x: "X", __y: 0.5, __t: `1|${1 / 3}` }, { x: "X", __y: 2, __t: `2|${2 / 3}` }]);
  const bars = plain.layer![0].encoding;
  assert.deepEqual([bars.x.title, bars.color.title, bars.y.title, bars.y.stack, bars.y.axis], ["x", "k", "v", "zero", {}]);
  assert.equal(plain.layer!.length, 2, "no outside labels asked for");
  const norm = stackedBarChart({ ...base, segmentLabel: lab, normalize: true, xTitle: "system", stackTitle: "part" }) as unknown as Spec;
  assert.deepEqual(norm.layer![1].data.values.map((l) => l.__y), [0.5 / 3, 2 / 3]);
  const ne = norm.layer![0].encoding;
  assert.deepEqual([ne.x.title, ne.color.title, ne.y.stack, ne.y.axis], ["system", "part", "normalize", { format: "%" }]);
  // facets: bars only, no label layers
  const faceted = stackedBarChart({ ...base, rows: rows.map((r) => ({ ...r, m: "m" })), facet: "m", segmentLabel: lab, outsideLabelName: (k) => k }) as unknown as Spec;
  assert.equal(faceted.spec!.layer, undefined);
  assert.equal(faceted.spec!.encoding.y.field, "v");
  // a segment under 15 px of 300 (here 0.1 of 3.1: 9.7 px) goes outside, and the bars narrow to make room
  // (an empty segment "e" is not labelled at all)
  const thin = stackedBarChart({ ...base, rows: [...rows, { x: "X", k: "c", v: 0.1 }, { x: "X", k: "e", v: 0 }], segmentLabel: lab, outsideLabelName: (k) => k.toUpperCase() }) as unknown as Spec;
  assert.deepEqual(thin.layer![3].data.values.map((l) => l.__t), [`C: 0.1|${0.1 / 3.1}`]);
  assert.deepEqual(thin.layer![0].encoding.x.scale, { paddingInner: 0.55, paddingOuter: 0.1 });
  assert.deepEqual(thin.layer![1].data.values.map((l) => l.__y), [0.5, 2], "the thin segment has no inside label");
  const none = stackedBarChart({ ...base, segmentLabel: lab, outsideLabelName: (k) => k }) as unknown as Spec;
  assert.equal(none.layer!.length, 2, "nothing thin: no outside layers");
  assert.equal(none.layer![0].encoding.x.scale, undefined);
  // outside labels only with a name for them, and never in facets
  const c = [...rows, { x: "X", k: "c", v: 0.1 }];
  assert.equal((stackedBarChart({ ...base, rows: c, segmentLabel: lab }) as unknown as Spec).layer!.length, 2);
  const facetThin = stackedBarChart({ ...base, rows: c.map((r) => ({ ...r, m: "m" })), facet: "m", segmentLabel: lab, outsideLabelName: (k) => k }) as unknown as Spec;
  assert.equal(facetThin.spec!.encoding.x.scale, undefined);
  // bars whose segments cancel out (total 0) get no labels, inside or out
  const cancel = [...rows, { x: "W", k: "a", v: 5 }, { x: "W", k: "b", v: -5 }, { x: "V", k: "a", v: 0.1 }, { x: "V", k: "b", v: -0.1 }];
  const cs = stackedBarChart({ ...base, rows: cancel, segmentLabel: lab, outsideLabelName: (k) => k }) as unknown as Spec;
  assert.deepEqual(cs.layer![1].data.values.map((l) => l.x), ["X", "X"]);
  assert.equal(cs.layer!.length, 2);
});

test("stacked bars, normalized: thin segments are thin for their own bar, outside labels kept within 100 %", () => {
  // 0.4 of a 20 bar is 2 % (6 px of 300): outside; middles 97 % and 99 % are closer than the gap (5.5 % of 100 %),
  // so the upper one goes to the top (100 %) and the lower one a gap below it (94.5 %)
  const rows = [["big", 19.2], ["c", 0.4], ["d", 0.4]].map(([k, v]) => ({ x: "X", k, v }));
  const spec = stackedBarChart({ rows, x: "x", stack: "k", y: "v", title: "t", normalize: true, segmentLabel: (_v, f) => f.toFixed(2), outsideLabelName: (k) => k }) as unknown as { layer: { data: { values: { __y: number; __t: string }[] } }[] };
  const out = spec.layer[3].data.values;
  assert.deepEqual(out.map((l) => l.__t), ["c: 0.02", "d: 0.02"]);
  assert.ok(Math.abs(out[0].__y - 0.945) < 1e-9 && Math.abs(out[1].__y - 1) < 1e-9, JSON.stringify(out));
  const mids = (spec.layer[3].data.values as unknown as { __mid: number }[]).map((l) => l.__mid);
  assert.ok(Math.abs(mids[0] - 0.97) < 1e-9 && Math.abs(mids[1] - 0.99) < 1e-9, JSON.stringify(mids));
});

test("scatter legend: one series field drives colour and shape, in row order, titled by seriesTitle or the field; none without a series", () => {
  type Enc = Record<string, { field?: string; scale?: object; title?: string }>;
  const rows = [{ k: "fc", a: 1, b: 2 }, { k: "attn", a: 2, b: 3 }];
  const enc = (o: object): Enc => {
    const l = (scatterChart({ rows, x: "a", y: "b", title: "t", xTitle: "A", yTitle: "B", ...o }) as unknown as { layer: { encoding: Enc }[] }).layer;
    return l[l.length - 1].encoding;
  };
  const e = enc({ series: "k" });
  for (const ch of ["color", "shape"]) assert.deepEqual([e[ch].field, e[ch].scale, e[ch].title], ["k", { domain: ["fc", "attn"] }, "k"]);
  assert.equal(enc({ series: "k", seriesTitle: "kernel" }).shape.title, "kernel");
  assert.deepEqual(Object.keys(enc({})).sort(), ["x", "y"]);
  assert.deepEqual([e.x.title, e.y.title], ["A", "B"]);
});

test("roofline label places: above-right, below-right, centred under, left of the point; each layer draws only its own", () => {
  type M = { align: string; baseline: string; dx: number; dy: number; fontSize: number };
  const spec = rooflineChart({ title: "r", peakFlopsPerSec: 312e12, bandwidthBytesPerSec: 2e12, points: [{ name: "p", ai: 1, flopsPerSec: 1e12, group: "g" }] }) as unknown as { layer: { layer?: { transform: { filter: string }[]; mark: M }[] }[] };
  const text = spec.layer[3].layer!;
  assert.deepEqual(text.map((t) => t.transform[0].filter), ["datum.pos === 'above'", "datum.pos === 'below'", "datum.pos === 'under'", "datum.pos === 'left'"]);
  const [above, below, under, left] = text.map((t) => t.mark);
  assert.ok(above.align === "left" && above.baseline === "bottom" && above.dx > 0 && above.dy < 0, JSON.stringify(above));
  assert.ok(below.align === "left" && below.baseline === "top" && below.dx > 0 && below.dy > 0, JSON.stringify(below));
  assert.ok(under.align === "center" && under.baseline === "top" && under.dx === 0 && under.dy > 0, JSON.stringify(under));
  assert.ok(left.align === "right" && left.baseline === "middle" && left.dx < 0 && left.dy === 0, JSON.stringify(left));
  for (const m of [above, below, under, left]) assert.equal(m.fontSize, 11);
  // log-log: both axes
  const roof = (spec as unknown as { layer: { encoding: { x: { scale: { type: string } }; y: { scale: { type: string } } } }[] }).layer[0].encoding;
  assert.deepEqual([roof.x.scale.type, roof.y.scale.type], ["log", "log"]);
});
