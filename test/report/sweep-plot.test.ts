import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { specToSvg } from "../../src/report/plot.ts";
import { MAX_SERIES, planPlot, wrapText, type PlotRequest } from "../../src/report/sweep/plot-data.ts";
import { MAX_LABELS, sweepPlotChart } from "../../src/report/sweep/plot-chart.ts";
import { plotBasePath, plotStem } from "../../src/report/sweep/plot.ts";
import { titleWithUnit, unitOf } from "../../src/report/sweep/units.ts";
import type { SweepRow } from "../../src/sweep/prepare.ts";

test("units from column names", () => {
  const cases: [string, string | undefined][] = [
    ["latencySec", "s"], ["energyJoules", "J"], ["areaMm2", "mm²"], ["fcPimPowerWatts", "W"], ["tokensPerSec", "tokens/s"],
    ["tokensPerJoule", "tokens/J"], ["ratePerSec", "1/s"], ["breakdownSec.fc", "s"], ["ttftSec.p99", "s"],
    ["hardware.gpu.hbmBandwidthBytesPerSec", "B/s"], ["hardware.fcPim.area.maxDieAreaMm2", "mm²"], ["peakFp16FlopsPerSec", "FLOP/s"],
    ["hardware.fcPim.powerBudgetWattsPerStack", "W"], ["clockHz", "Hz"], ["capacityBytes", "B"],
    ["batch", undefined], ["hardware.fcPim.numFpus", undefined], ["alpha", undefined], ["fcPimReuse", undefined], ["Sec", undefined],
  ];
  for (const [name, unit] of cases) assert.equal(unitOf(name), unit, name);
  assert.equal(titleWithUnit("latencySec"), "latencySec (s)");
  assert.equal(titleWithUnit("batch"), "batch");
});

const SWEPT = ["sys", "batch", "requests", "spec"];
const METRICS = ["latencySec", "energyJoules", "areaMm2"];
/** sys {a, b} x batch {4, 16} (requests zipped with it) x spec {1, 2, 4}; latency = batch / spec (+1 for b), energy = 10 x latency; one infeasible point */
function table(): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const sys of ["a", "b"]) {
    for (const batch of [4, 16]) {
      for (const spec of [1, 2, 4]) {
        const lat = batch / spec + (sys === "b" ? 1 : 0);
        const bad = sys === "b" && batch === 16 && spec === 4;
        rows.push({ index: rows.length, sys, batch, requests: batch, spec, latencySec: bad ? null : lat, energyJoules: bad ? null : 10 * lat, areaMm2: sys === "a" ? 100 : 200, status: bad ? "infeasible" : "ok", reason: bad ? "power: too much" : "" });
      }
    }
  }
  return rows;
}
const plan = (req: PlotRequest, rows = table()) => planPlot(rows, SWEPT, METRICS, req);

test("the mark follows the data: line, bar, point, heatmap; infeasible points counted, not drawn", () => {
  // numeric x, one row per (batch, sys, spec) cell
  const line = plan({ x: "batch", y: "latencySec", color: "sys", facet: "spec" });
  assert.equal(line.mark, "line");
  assert.equal(plan({ x: "batch", y: "latencySec", color: "sys", facet: "spec", mark: "auto" }).mark, "line");
  assert.equal(line.rows.length, 11);
  assert.deepEqual(line.excluded, [["power", 1]]);
  assert.deepEqual(line.caption, ["11 of 12 points drawn; not drawn: power 1"]);
  // a feasible point without a value of y is counted apart, not drawn
  const rows = table();
  rows[0].latencySec = null;
  const gap = plan({ x: "batch", y: "latencySec", color: "sys", facet: "spec" }, rows);
  assert.equal(gap.rows.length, 10);
  assert.deepEqual(gap.excluded, [["no value of latencySec", 1], ["power", 1]]);
  // categorical x
  assert.equal(plan({ x: "sys", y: "latencySec", color: "batch", facet: "spec" }).mark, "bar");
  // several rows per x (sys and spec vary within a batch; requests, zipped with batch, does not): points, and the caption says which paths vary
  const pts = plan({ x: "batch", y: "latencySec" });
  assert.equal(pts.mark, "point");
  assert.deepEqual(pts.varying, ["sys", "spec"]);
  assert.equal(pts.caption[1], "several points per batch, differing in sys, spec");
  // a metric as x: a scatter
  assert.equal(plan({ x: "areaMm2", y: "latencySec", color: "sys", facet: "spec" }).mark, "point");
  // more color values than the palette: a heatmap
  const many: SweepRow[] = [];
  for (let s = 1; s <= MAX_SERIES + 1; s++) for (const b of [1, 2]) many.push({ index: many.length, sys: "a", batch: b, spec: s, latencySec: b * s, energyJoules: 1, areaMm2: 1, status: "ok", reason: "" });
  assert.equal(plan({ x: "batch", y: "latencySec", color: "spec" }, many).mark, "heatmap");
  assert.equal(plan({ x: "batch", y: "latencySec", color: "spec" }, many.filter((r) => (r.spec as number) <= MAX_SERIES)).mark, "line");
  // forced marks
  assert.equal(plan({ x: "batch", y: "latencySec", color: "sys", facet: "spec", mark: "point" }).mark, "point");
  assert.equal(plan({ x: "batch", y: "latencySec", color: "sys", facet: "spec", mark: "heatmap" }).mark, "heatmap");
});

test("bad requests are one-line errors naming the nearest column and listing the swept paths and metrics", () => {
  const msg = (req: PlotRequest) => {
    try {
      plan(req);
    } catch (e) {
      assert.ok(e instanceof UserError, String(e));
      assert.ok(!e.message.includes("\n"));
      return e.message;
    }
    assert.fail("no error");
  };
  assert.equal(msg({ x: "bach", y: "latencySec" }), '--x bach: not a swept path or a metric of the sweep (did you mean "batch"?); swept paths: sys, batch, requests, spec; metrics: latencySec, energyJoules, areaMm2');
  assert.match(msg({ x: "batch", y: "latency" }), /^--y latency: not a metric of the sweep \(did you mean "latencySec"\?\)/);
  assert.match(msg({ x: "batch", y: "spec" }), /^--y spec: not a metric/);
  assert.match(msg({ x: "batch", y: "latencySec", color: "areaMm2" }), /^--color areaMm2: not a swept path/);
  assert.match(msg({ x: "batch", y: "latencySec", facet: "sis" }), /^--facet sis: not a swept path of the sweep \(did you mean "sys"\?\)/);
  assert.match(msg({ x: "batch", y: "latencySec", color: "batch" }), /batch is given twice/);
  assert.match(msg({ x: "batch", y: "latencySec", mark: "line" }), /^--mark line: some \(batch\) cells hold several points \(they differ in sys, spec\)/);
  assert.match(msg({ x: "sys", y: "latencySec", color: "batch", facet: "spec", mark: "line" }), /^--mark line: x \(sys\) has values that are not numbers/);
  assert.match(msg({ x: "batch", y: "latencySec", facet: "spec", mark: "heatmap" }), /cells hold several points|give --color/);
  const none = table().map((r) => ({ ...r, status: "infeasible", reason: "area: big" }));
  assert.throws(() => plan({ x: "batch", y: "latencySec" }, none), /^UserError: sweep plot: no point has a value of latencySec to draw \(12 points; area 12\)/);
});

/** The text of every visible <text> element of an SVG (vega hides overlapping axis labels with opacity 0). */
const texts = (svg: string): string[] => [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].filter((m) => !/opacity="0"/.test(m[1])).map((m) => m[2]);

test("figures: axis titles with units, the mark drawn, value labels when few, the caption", async () => {
  const p = plan({ x: "batch", y: "latencySec", color: "sys", facet: "spec" });
  const svg = await specToSvg(sweepPlotChart({ title: "t: latencySec vs batch", plan: p }));
  const t = texts(svg);
  assert.ok(t.includes("latencySec (s)") && t.includes("batch"), t.join("|"));
  assert.ok(svg.includes('class="mark-line'), "a line mark");
  assert.ok(t.includes("11 of 12 points drawn; not drawn: power 1"));
  assert.ok(t.includes("spec = 1") && t.includes("spec = 4"), "panels headed path = value");
  // every drawn value labelled (4 / 1 = 4, 16 / 2 + 1 = 9, 16 / 1 = 16 ...)
  for (const v of ["4", "9", "16", "17", "5"]) assert.ok(t.includes(v), v);
  // bars for a category x, a heatmap with its legend title in units
  const bars = await specToSvg(sweepPlotChart({ title: "b", plan: plan({ x: "sys", y: "energyJoules", color: "batch", facet: "spec" }) }));
  assert.ok(bars.includes('class="mark-rect') && texts(bars).includes("energyJoules (J)"));
  const heat = await specToSvg(sweepPlotChart({ title: "h", plan: plan({ x: "batch", y: "areaMm2", color: "sys", facet: "spec", mark: "heatmap" }) }));
  assert.ok(heat.includes('class="mark-rect') && texts(heat).includes("areaMm2 (mm²)"), texts(heat).join("|"));
});

test("a category axis shows every label, however many; no value labels beyond MAX_LABELS", async () => {
  const names = Array.from({ length: 60 }, (_, i) => `design-number-${i}`);
  const rows: SweepRow[] = names.map((sys, i) => ({ index: i, sys, batch: 1, spec: 1, latencySec: i + 1, energyJoules: 1, areaMm2: 1, status: "ok", reason: "" }));
  const p = plan({ x: "sys", y: "latencySec" }, rows);
  assert.equal(p.mark, "bar");
  const svg = await specToSvg(sweepPlotChart({ title: "many", plan: p }));
  const t = texts(svg);
  for (const n of names) assert.ok(t.includes(n), n);
  // tilted 45 degrees, 12 px labels need about 17 px each along the axis not to run into each other
  const width = Number(/^<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
  assert.ok(width >= names.length * 17, `plot ${width} px wide for ${names.length} labels`);
  assert.ok(rows.length > MAX_LABELS);
  assert.ok(!t.includes("37"), "no value labels on 60 bars");
});

test("caption lines wrap at word boundaries", () => {
  assert.deepEqual(wrapText("aa bb cc dd", 5), ["aa bb", "cc dd"]);
  assert.deepEqual(wrapText("aaaaaaa b", 5), ["aaaaaaa", "b"]);
  assert.deepEqual(wrapText("short"), ["short"]);
});

test("output names: DIR/plots/<y>-vs-<x>[-by-<color>][-per-<facet>], a file name's extension replaced", () => {
  assert.equal(plotStem({ x: "hardware.fcPim.numFpus", y: "latencySec", color: "spec" }), "latencySec-vs-hardware.fcPim.numFpus-by-spec");
  assert.equal(plotStem({ x: "a b/c", y: "y", facet: "f" }), "y-vs-a_b_c-per-f");
  assert.equal(plotBasePath("/s", undefined, "n"), "/s/plots/n");
  assert.equal(plotBasePath("/s", "/o/fig.PNG", "n"), "/o/fig");
  assert.equal(plotBasePath("/s", "/o/fig.svg", "n"), "/o/fig");
  assert.equal(plotBasePath("/s", "/o/figs", "n"), "/o/figs/n");
});

test("x ticks: every swept value up to 12 of them; none drawn by hand beyond that or for a metric x", () => {
  const xEncodings = (spec: unknown): Record<string, unknown>[] => {
    const out: Record<string, unknown>[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        for (const [k, w] of Object.entries(v)) {
          if (k === "x" && w && typeof w === "object" && "field" in w) out.push(w as Record<string, unknown>);
          walk(w);
        }
      }
    };
    walk(spec);
    return out;
  };
  const ticksOf = (p: ReturnType<typeof plan>) => {
    const xs = xEncodings(sweepPlotChart({ title: "t", plan: p }));
    assert.ok(xs.length > 0);
    return (xs[0].axis as { values?: number[] } | undefined)?.values;
  };
  assert.deepEqual(ticksOf(plan({ x: "batch", y: "latencySec", color: "sys", facet: "spec" })), [4, 16]);
  assert.equal(ticksOf(plan({ x: "energyJoules", y: "latencySec", color: "sys", facet: "spec" })), undefined);
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ index: i, sys: "a", batch: 100 + i, requests: 1, spec: 1, latencySec: 1 + i, energyJoules: 1, areaMm2: 1, status: "ok", reason: "" })) as SweepRow[];
  assert.deepEqual(ticksOf(plan({ x: "batch", y: "latencySec" }, many(12))), Array.from({ length: 12 }, (_, i) => 100 + i));
  assert.equal(ticksOf(plan({ x: "batch", y: "latencySec" }, many(13))), undefined);
});

test("a metric x: a point without a value of x is counted apart, not drawn; a word that just fits stays on its line", () => {
  const rows = table();
  rows[1].energyJoules = null;
  rows[2].latencySec = null;
  const p = plan({ x: "energyJoules", y: "latencySec" }, rows);
  assert.equal(p.xIsMetric, true);
  assert.deepEqual(p.excluded, [["no value of energyJoules", 1], ["no value of latencySec", 1], ["power", 1]]);
  assert.equal(p.rows.length, 9);
  // 3 + 1 + 2 = 6 > 5 breaks; 2 + 1 + 2 = 5 does not
  assert.deepEqual(wrapText("aaa bb", 5), ["aaa", "bb"]);
  assert.deepEqual(wrapText("aa bb c", 5), ["aa bb", "c"]);
});

test("category axis labels lie flat when they fit side by side, tilted otherwise", () => {
  const axisOf = (spec: unknown): { labelAngle: number; labelAlign: string } | undefined => {
    let found: { labelAngle: number; labelAlign: string } | undefined;
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o.axis && typeof o.axis === "object" && "labelAngle" in (o.axis as object)) found ??= o.axis as { labelAngle: number; labelAlign: string };
        Object.values(o).forEach(walk);
      }
    };
    walk(spec);
    return found;
  };
  const flat = axisOf(sweepPlotChart({ title: "b", plan: plan({ x: "sys", y: "latencySec", color: "batch", facet: "spec" }) }));
  assert.deepEqual([flat?.labelAngle, flat?.labelAlign], [0, "center"]);
  const names = Array.from({ length: 60 }, (_, i) => `design-number-${i}`);
  const rows: SweepRow[] = names.map((sys, i) => ({ index: i, sys, batch: 1, spec: 1, latencySec: i + 1, energyJoules: 1, areaMm2: 1, status: "ok", reason: "" }));
  const tilted = axisOf(sweepPlotChart({ title: "many", plan: plan({ x: "sys", y: "latencySec" }, rows) }));
  assert.deepEqual([tilted?.labelAngle, tilted?.labelAlign], [-45, "right"]);
  // four labels share 500 px: 125 px each; 15 characters take 15 x 7.5 + 8 = 120.5 px (flat), 16 take 128 px (tilted)
  const four = (len: number) => {
    const r: SweepRow[] = [0, 1, 2, 3].map((i) => ({ index: i, sys: String(i).padStart(len, "x"), batch: 1, spec: 1, latencySec: 1, energyJoules: 1, areaMm2: 1, status: "ok", reason: "" }));
    return axisOf(sweepPlotChart({ title: "four", plan: plan({ x: "sys", y: "latencySec" }, r) }))?.labelAngle;
  };
  assert.equal(four(15), 0);
  assert.equal(four(16), -45);
});

test("heatmap cell labels: white on the dark half of the colour scale, below the midpoint of the values", () => {
  // areaMm2 is 100 (sys a) or 200 (sys b): midpoint 150
  const spec = JSON.stringify(sweepPlotChart({ title: "h", plan: plan({ x: "batch", y: "areaMm2", color: "sys", facet: "spec", mark: "heatmap" }) }));
  assert.ok(spec.includes('"test":"datum[\\"areaMm2\\"] < 150"'), spec.slice(0, 3000));
});

test("units of rates: bits per second", async () => {
  const { unitOf } = await import("../../src/report/sweep/units.ts");
  assert.equal(unitOf("hardware.links.attention.linkBitsPerSec"), "bit/s");
  assert.equal(unitOf("energyJoulesPerBit"), "J/bit");
});

test("a metric that is not a finite number (NaN, Infinity) is no value to draw", () => {
  const rows = table();
  rows[0].latencySec = Number.NaN;
  rows[1].latencySec = Number.POSITIVE_INFINITY;
  const p = plan({ x: "batch", y: "latencySec", color: "sys", facet: "spec" }, rows);
  assert.deepEqual(p.excluded, [["no value of latencySec", 2], ["power", 1]]);
  assert.equal(p.rows.length, 12 - 3);
});
