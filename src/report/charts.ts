import type { VegaLiteSpec } from "./plot.ts";
import {
  LOG_SCALE, PLOT_HEIGHT, PLOT_WIDTH, categoryAxis, esc, fmtNum, logScale, logTicks, numbers, refLabel, refRule, uniques, wrap, type Common, type Row,
} from "./chart-parts.ts";

export { PLOT_HEIGHT, PLOT_WIDTH, esc, logTicks, uniques, type Row } from "./chart-parts.ts";

/**
 * Small builders for the figure kinds of the report. Each takes plain rows (one object per mark) and
 * returns a vega-lite spec; plot.ts supplies fonts, palette (tableau10) and sizes. Discrete axes, legends
 * and facets keep the order in which values first appear in `rows`, so callers control the order.
 * Field names are used verbatim (dots and brackets are escaped).
 */

export interface GroupedBarOptions extends Common {
  rows: readonly Row[];
  /** Discrete field along the x axis (e.g. "point" = "B=16, spec=2"). */
  x: string;
  /** Field whose values become side-by-side bars within each x (e.g. "system"). */
  group: string;
  y: string;
  facet?: string;
  facetColumns?: number;
  xTitle?: string;
  yTitle: string;
  logY?: boolean;
  /** Draws a dashed horizontal line at this y (e.g. 1 for speedup over a baseline). */
  refLine?: number;
  /** Legend title (default: the group field's name). */
  groupTitle?: string;
  /** Lowest y the axis must show (linear axes; e.g. a scale of 0..1 % when every bar is 0). */
  yMaxAtLeast?: number;
  width?: number;
  height?: number;
}

export function groupedBarChart(o: GroupedBarOptions): VegaLiteSpec {
  const width = o.width ?? PLOT_WIDTH;
  const xs = uniques(o.rows, o.x);
  const yVals = numbers(o.rows, o.y);
  const yScale = o.logY ? logScale(yVals) : o.yMaxAtLeast !== undefined ? { domainMax: Math.max(o.yMaxAtLeast, ...yVals) } : {};
  const layer: object[] = [
    {
      mark: { type: "bar", tooltip: false },
      encoding: {
        x: { field: esc(o.x), type: "nominal", sort: xs, title: o.xTitle ?? o.x, axis: categoryAxis(xs, width) },
        xOffset: { field: esc(o.group), type: "nominal", sort: uniques(o.rows, o.group) },
        // Bars side by side never stack; stacking would also put 0 into a log domain.
        y: { field: esc(o.y), type: "quantitative", title: o.yTitle, scale: yScale, stack: null, ...(o.logY ? { axis: { values: logTicks(yVals) } } : {}) },
        color: { field: esc(o.group), type: "nominal", scale: { domain: uniques(o.rows, o.group) }, title: o.groupTitle ?? o.group },
      },
    },
  ];
  if (o.refLine !== undefined) layer.push(refRule(o.refLine));
  return wrap(o, { layer, width, height: o.height ?? PLOT_HEIGHT });
}

export interface LineOptions extends Common {
  rows: readonly Row[];
  x: string;
  y: string;
  series: string;
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  logY?: boolean;
  facet?: string;
  facetColumns?: number;
  /** Legend title of the series (default: the series field's name). */
  seriesTitle?: string;
  /** Tick values of the x axis (default: vega's, or 1-2-5 on a log axis). */
  xTicks?: readonly number[];
  /** Treat x as ordered categories (first-appearance order), evenly spaced. */
  xOrdinal?: boolean;
  /** Start a linear y axis at 0 (default true). */
  yZero?: boolean;
  /** A second series field drawn as line dash (e.g. "as simulated" vs "all FPUs busy"). */
  dash?: string;
  dashTitle?: string;
  /** Labelled dashed horizontal lines (e.g. a power budget, or 1 for a ratio). */
  refLines?: readonly { y: number; label: string }[];
}

/** Lines with point markers; each series gets its own colour and marker shape (readable in greyscale). */
export function lineChart(o: LineOptions): VegaLiteSpec {
  const order = uniques(o.rows, o.series);
  // Stryker disable next-line ArrayDeclaration: on an ordinal x the values feed only the quantitative branch's ticks and scale, never read
  const xVals = o.xOrdinal ? [] : numbers(o.rows, o.x);
  const yVals = [...numbers(o.rows, o.y), ...(o.refLines ?? []).map((r) => r.y)];
  const xTicks = o.xTicks ?? (o.logX ? logTicks(xVals) : undefined);
  const x = o.xOrdinal
    ? { field: esc(o.x), type: "ordinal", sort: uniques(o.rows, o.x), title: o.xTitle, scale: { padding: 0.3 }, axis: categoryAxis(uniques(o.rows, o.x), PLOT_WIDTH) }
    : { field: esc(o.x), type: "quantitative", title: o.xTitle, scale: o.logX ? logScale(xVals) : { zero: false, nice: false, padding: 12 }, ...(xTicks ? { axis: { values: xTicks } } : {}) };
  const enc = {
    x,
    y: { field: esc(o.y), type: "quantitative", title: o.yTitle, scale: o.logY ? logScale(yVals) : o.yZero === false ? { zero: false, padding: 14 } : { zero: true }, ...(o.logY ? { axis: { values: logTicks(yVals) } } : {}) },
    color: { field: esc(o.series), type: "nominal", scale: { domain: order }, title: o.seriesTitle ?? o.series },
    ...(o.dash ? { strokeDash: { field: esc(o.dash), type: "nominal", sort: uniques(o.rows, o.dash), title: o.dashTitle ?? o.dash } } : {}),
  };
  const layer: object[] = [
    { mark: { type: "line", strokeWidth: 2 }, encoding: enc },
    {
      mark: { type: "point", filled: true, size: 55, opacity: 1 },
      encoding: { x: enc.x, y: enc.y, color: enc.color, ...(o.dash ? { detail: { field: esc(o.dash) } } : {}), shape: { field: esc(o.series), type: "nominal", scale: { domain: order }, title: o.seriesTitle ?? o.series } },
    },
  ];
  for (const r of o.refLines ?? []) layer.push(refRule(r.y), refLabel(r.y, r.label));
  return wrap(o, { layer, width: PLOT_WIDTH, height: PLOT_HEIGHT });
}

export interface StackedBarOptions extends Common {
  rows: readonly Row[];
  x: string;
  /** Field whose values are stacked (e.g. "component": FC, attention, communication). */
  stack: string;
  y: string;
  facet?: string;
  facetColumns?: number;
  xTitle?: string;
  yTitle?: string;
  /** Stack to fractions of each bar's total (axis shows percent). */
  normalize?: boolean;
  /** Legend title (default: the stack field's name). */
  stackTitle?: string;
  /** Writes a label inside each segment tall enough for it (INSIDE_LABEL_MIN_PX): text from (value, fraction of the bar). */
  segmentLabel?: (value: number, fraction: number) => string;
  /**
   * Labels the segments too thin for an inside label (under INSIDE_LABEL_MIN_PX) beside the bar, as a swatch of
   * the segment's colour and "name: segmentLabel", spread apart vertically, so a segment too thin to see is still
   * read off the chart (its height stays true to its value). Gives each stack value's short name.
   */
  outsideLabelName?: (stackValue: string) => string;
}

/** Segments shorter than this (px, on a PLOT_HEIGHT plot) get no inside label: a 12 px label would spill out. */
const INSIDE_LABEL_MIN_PX = 15;
/** Vertical gap between outside labels, as a fraction of the tallest bar (about 16 px of a 300 px plot). */
const OUTSIDE_LABEL_GAP = 0.055;

export function stackedBarChart(o: StackedBarOptions): VegaLiteSpec {
  const stackOrder = uniques(o.rows, o.stack);
  const xs = uniques(o.rows, o.x);
  const rank = `indexof(${JSON.stringify(stackOrder)}, datum[${JSON.stringify(o.stack)}])`;
  const outside = o.segmentLabel !== undefined && o.outsideLabelName !== undefined && o.facet === undefined ? outsideLabels(o, xs, stackOrder) : [];
  // Outside labels need room between the bars: narrower bars then.
  const scale = outside.length > 0 ? { scale: { paddingInner: 0.55, paddingOuter: 0.1 } } : {};
  const x = { field: esc(o.x), type: "nominal", sort: xs, title: o.xTitle ?? o.x, axis: categoryAxis(xs, PLOT_WIDTH), ...scale };
  const bars = {
    transform: [{ calculate: rank, as: "__stackRank" }],
    mark: { type: "bar" },
    encoding: {
      x,
      y: {
        field: esc(o.y),
        type: "quantitative",
        title: o.yTitle ?? o.y,
        stack: o.normalize ? "normalize" : "zero",
        axis: o.normalize ? { format: "%" } : {},
      },
      color: { field: esc(o.stack), type: "nominal", scale: { domain: stackOrder }, title: o.stackTitle ?? o.stack },
      order: { field: "__stackRank", type: "quantitative", sort: "ascending" },
    },
  };
  if (o.segmentLabel === undefined || o.facet !== undefined) return wrap(o, { ...bars, width: PLOT_WIDTH, height: PLOT_HEIGHT });
  // Segment midpoints are computed here (in stack order), so the labels need no vega stacking of their own.
  const labels: Row[] = [];
  const top = tallestBar(o, xs);
  for (const xv of xs) {
    const seg = stackOrder.flatMap((k) => o.rows.filter((r) => r[o.x] === xv && r[o.stack] === k)).map((r) => Number(r[o.y]));
    const total = seg.reduce((a, b) => a + b, 0);
    let base = 0;
    for (const v of seg) {
      const mid = base + v / 2;
      base += v;
      if (total > 0 && fitsInside(o, v, total, top)) labels.push({ [o.x]: xv, __y: o.normalize ? mid / total : mid, __t: o.segmentLabel(v, v / total) });
    }
  }
  const text = {
    data: { values: labels },
    mark: { type: "text", color: "white", fontSize: 12, fontWeight: "bold", baseline: "middle" },
    encoding: { x, y: { field: "__y", type: "quantitative" }, text: { field: "__t" } },
  };
  const layer: object[] = [{ data: { values: o.rows }, ...bars }, text];
  if (outside.length > 0) {
    // Beside the bar's right edge: a swatch in the segment's colour, then "name: value".
    const edge = { ...x, bandPosition: 1 };
    const y = { field: "__y", type: "quantitative" };
    layer.push(
      {
        data: { values: outside },
        mark: { type: "point", shape: "square", filled: true, size: 70, opacity: 1, xOffset: 10 },
        // the bars' colour encoding, so the two share one scale and one legend
        encoding: { x: edge, y, color: bars.encoding.color },
      },
      { data: { values: outside }, mark: { type: "text", color: "#222222", fontSize: 11, align: "left", baseline: "middle", dx: 18 }, encoding: { x: edge, y, text: { field: "__t" } } },
    );
  }
  return wrap(o, { layer, width: PLOT_WIDTH, height: PLOT_HEIGHT }, false);
}

/**
 * Labels of the thin segments, beside their bar: at the segment's middle, pushed up just enough to keep
 * OUTSIDE_LABEL_GAP between neighbours (then down again if the last one passes the top of the tallest bar).
 */
/** The y extent of the plot's data: 1 for normalized bars, else the tallest bar's total. */
function tallestBar(o: StackedBarOptions, xs: readonly unknown[]): number {
  if (o.normalize) return 1;
  return Math.max(0, ...xs.map((xv) => o.rows.filter((r) => r[o.x] === xv).reduce((a, r) => a + Number(r[o.y]), 0)));
}

/** Whether a segment is tall enough for its label inside (INSIDE_LABEL_MIN_PX at the plot's scale). */
function fitsInside(o: StackedBarOptions, v: number, total: number, top: number): boolean {
  const share = o.normalize ? v / total : v / top;
  return share * PLOT_HEIGHT >= INSIDE_LABEL_MIN_PX;
}

function outsideLabels(o: StackedBarOptions, xs: readonly unknown[], stackOrder: readonly unknown[]): Row[] {
  const totals = xs.map((xv) => o.rows.filter((r) => r[o.x] === xv).reduce((a, r) => a + Number(r[o.y]), 0));
  const top = tallestBar(o, xs);
  const gap = top * OUTSIDE_LABEL_GAP;
  const out: Row[] = [];
  xs.forEach((xv, i) => {
    const total = totals[i];
    if (!(total > 0)) return;
    const unit = o.normalize ? 1 / total : 1;
    const thin: { key: string; mid: number; text: string }[] = [];
    let base = 0;
    for (const k of stackOrder) {
      const v = o.rows.filter((r) => r[o.x] === xv && r[o.stack] === k).reduce((a, r) => a + Number(r[o.y]), 0);
      if (v > 0 && !fitsInside(o, v, total, top)) thin.push({ key: String(k), mid: (base + v / 2) * unit, text: `${o.outsideLabelName!(String(k))}: ${o.segmentLabel!(v, v / total)}` });
      base += v;
    }
    const ys: number[] = [];
    thin.forEach((t, j) => ys.push(j === 0 ? t.mid : Math.max(t.mid, ys[j - 1] + gap)));
    // The pull-down changes nothing unless the last label is past the top (each label is already a gap under the next), so
    // over only saves the loop: "+ top" and ">= 0" are equivalent mutants. No thin segment: no loop, whatever over is.
    // Stryker disable next-line ArithmeticOperator: see above
    const over = (ys[ys.length - 1] ?? top) - top;
    // Stryker disable next-line EqualityOperator: see above
    for (let j = ys.length - 1; over > 0 && j >= 0; j--) ys[j] = Math.min(ys[j], top - (ys.length - 1 - j) * gap);
    thin.forEach((t, j) => out.push({ [o.x]: xv as string, [o.stack]: t.key, __mid: t.mid, __y: ys[j], __t: t.text }));
  });
  return out;
}

export interface RooflinePoint {
  name: string;
  /** Arithmetic intensity, FLOP per byte of memory traffic. */
  ai: number;
  flopsPerSec: number;
  group: string;
  /**
   * Where the point's label goes: above-right (default), below-right, under (centred below), left, or nowhere (e.g.
   * a point that coincides with a labelled point of another group). Two sweeps through nearby spots stay readable with their labels apart.
   */
  label?: RooflineLabel;
}

export type RooflineLabel = "above" | "below" | "under" | "left" | "none";

export interface Roof {
  label: string;
  peakFlopsPerSec: number;
  bandwidthBytesPerSec: number;
}

export interface RooflineOptions extends Common {
  points: readonly RooflinePoint[];
  peakFlopsPerSec: number;
  bandwidthBytesPerSec: number;
  /** Legend label of the roof (default "roof"). */
  roofLabel?: string;
  /** Legend title of the point groups (default "kind"). */
  groupTitle?: string;
  /** More roofs on the same axes (e.g. a PIM device next to the GPU). */
  extraRoofs?: readonly Roof[];
}

/**
 * Log-log roofline: each roof is a memory-bound segment (bandwidth x AI) up to its ridge point
 * (AI = peak / bandwidth), then a flat compute-bound segment; points are labelled kernels. Y axis in TFLOP/s.
 */
export function rooflineChart(o: RooflineOptions): VegaLiteSpec {
  const roofs: Roof[] = [
    { label: o.roofLabel ?? "roof", peakFlopsPerSec: o.peakFlopsPerSec, bandwidthBytesPerSec: o.bandwidthBytesPerSec },
    ...(o.extraRoofs ?? []),
  ];
  const ridges = roofs.map((r) => r.peakFlopsPerSec / r.bandwidthBytesPerSec);
  const ais = [...o.points.map((p) => p.ai), ...ridges].filter((v) => v > 0);
  const aiMin = 10 ** Math.floor(Math.log10(Math.min(...ais)) - 0.15);
  const aiMax = 10 ** Math.ceil(Math.log10(Math.max(...ais)) + 0.3);
  const roofRows = roofs.flatMap((r, i) =>
    [aiMin, ridges[i], aiMax].map((ai, k) => ({ roof: r.label, k, ai, tflops: Math.min(r.peakFlopsPerSec, r.bandwidthBytesPerSec * ai) / 1e12 })),
  );
  const groups = [...new Set(o.points.map((p) => p.group))];
  const pointRows = o.points.map((p) => ({ name: p.name, group: p.group, ai: p.ai, tflops: p.flopsPerSec / 1e12 }));
  // Points of one group at the same spot (e.g. attention at every batch size) share one label, "B4–B128".
  // A point joins a cluster when it is near any of its members (a chain: points that creep up step by step).
  const labelAt: { group: string; names: string[]; members: { ai: number; tflops: number }[]; ai: number; tflops: number; pos: RooflineLabel }[] = [];
  const near = (a: number, b: number): boolean => Math.abs(Math.log10(a / b)) < 0.06;
  for (const p of o.points) {
    const tflops = p.flopsPerSec / 1e12;
    const l = labelAt.find((q) => q.group === p.group && q.members.some((m) => near(m.ai, p.ai) && near(m.tflops, tflops)));
    if (l) {
      l.names.push(p.name);
      l.members.push({ ai: p.ai, tflops });
    } else labelAt.push({ group: p.group, names: [p.name], members: [{ ai: p.ai, tflops }], ai: p.ai, tflops, pos: p.label ?? "above" });
  }
  const labels = labelAt
    .filter((l) => l.pos !== "none")
    .map((l) => ({ ai: l.ai, tflops: l.tflops, pos: l.pos, name: l.names.length > 2 ? `${l.names[0]}–${l.names[l.names.length - 1]}` : l.names.join(", ") }));
  const roofNotes = roofs.map((r, i) => ({
    ai: aiMax, tflops: r.peakFlopsPerSec / 1e12,
    name: `${r.label}: ${fmtNum(r.peakFlopsPerSec / 1e12)} TFLOP/s, ${fmtNum(r.bandwidthBytesPerSec / 1e12)} TB/s, ridge ${fmtNum(ridges[i])} FLOP/B`,
  }));
  const x = { field: "ai", type: "quantitative", scale: { type: "log", domain: [aiMin, aiMax] }, title: "Arithmetic intensity (FLOP/byte)" };
  const y = { field: "tflops", type: "quantitative", scale: { type: "log" }, title: "Performance (TFLOP/s)" };
  const placement = {
    above: { align: "left", baseline: "bottom", dx: 6, dy: -4 },
    below: { align: "left", baseline: "top", dx: 6, dy: 4 },
    under: { align: "center", baseline: "top", dx: 0, dy: 6 },
    left: { align: "right", baseline: "middle", dx: -8, dy: 0 },
  } as const;
  const text = (pos: keyof typeof placement) => ({
    transform: [{ filter: `datum.pos === '${pos}'` }],
    mark: { type: "text", fontSize: 11, ...placement[pos] },
    encoding: { x, y, text: { field: "name" } },
  });
  const spec = {
    layer: [
      {
        data: { values: roofRows },
        mark: { type: "line", color: "#555555", strokeWidth: 2 },
        encoding: { x, y, detail: { field: "roof" }, order: { field: "k" }, strokeDash: { field: "roof", type: "nominal", scale: { domain: roofs.map((r) => r.label) }, title: "roof" } },
      },
      { data: { values: roofNotes }, mark: { type: "text", align: "right", dx: -4, dy: -9, fontSize: 11, color: "#333333" }, encoding: { x, y, text: { field: "name" } } },
      {
        data: { values: pointRows },
        mark: { type: "point", filled: true, size: 70, opacity: 1 },
        encoding: { x, y, color: { field: "group", type: "nominal", scale: { domain: groups }, title: o.groupTitle ?? "kind" }, shape: { field: "group", type: "nominal", scale: { domain: groups }, title: o.groupTitle ?? "kind" } },
      },
      { data: { values: labels }, layer: [text("above"), text("below"), text("under"), text("left")] },
    ],
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
  };
  return wrap(o, spec);
}

export interface ScatterOptions extends Common {
  rows: readonly Row[];
  x: string;
  y: string;
  series?: string;
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  logY?: boolean;
  seriesTitle?: string;
  /** Draw the y = x line across the data range (default true): e.g. predicted vs measured. */
  identityLine?: boolean;
}

export function scatterChart(o: ScatterOptions): VegaLiteSpec {
  const vals = [...numbers(o.rows, o.x), ...numbers(o.rows, o.y)]; // both axes share one range: only its ends are read
  const positive = vals.filter((v) => v > 0);
  const lo = o.logX || o.logY ? Math.min(...positive) : Math.min(...vals);
  const hi = Math.max(...vals);
  const layer: object[] = [];
  const identity = o.identityLine !== false && vals.length > 0;
  // With the y = x line both axes share one domain, so distance from the line reads the same on both.
  const scale = (log: boolean | undefined): object => ({ ...(log ? LOG_SCALE : { zero: false }), ...(identity ? { domain: [lo, hi] } : {}) });
  if (identity) {
    layer.push({
      data: { values: [{ __x: lo, __y: lo }, { __x: hi, __y: hi }] },
      mark: { type: "line", color: "#888888", strokeDash: [5, 4], strokeWidth: 1.5 },
      encoding: { x: { field: "__x", type: "quantitative" }, y: { field: "__y", type: "quantitative" } },
    });
  }
  const legend = (channel: string): object =>
    o.series ? { [channel]: { field: esc(o.series), type: "nominal", scale: { domain: uniques(o.rows, o.series) }, title: o.seriesTitle ?? o.series } } : {};
  layer.push({
    data: { values: o.rows },
    mark: { type: "point", filled: true, size: 45, opacity: 0.85 },
    encoding: {
      x: { field: esc(o.x), type: "quantitative", title: o.xTitle, scale: scale(o.logX), ...(o.logX ? { axis: { values: logTicks(vals) } } : {}) },
      y: { field: esc(o.y), type: "quantitative", title: o.yTitle, scale: scale(o.logY), ...(o.logY ? { axis: { values: logTicks(vals) } } : {}) },
      ...legend("color"),
      ...legend("shape"),
    },
  });
  return wrap(o, { layer, width: PLOT_WIDTH, height: PLOT_HEIGHT }, false);
}

// ---- helpers -----------------------------------------------------------------------------------

/** Distinct values of a field in first-appearance order (used as sort arrays). */
