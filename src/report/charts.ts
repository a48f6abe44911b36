import type { VegaLiteSpec } from "./plot.ts";

/**
 * Small builders for the figure kinds of the report. Each takes plain rows (one object per mark) and
 * returns a vega-lite spec; plot.ts supplies fonts, palette (tableau10) and sizes. Discrete axes, legends
 * and facets keep the order in which values first appear in `rows`, so callers control the order.
 * Field names are used verbatim (dots and brackets are escaped).
 */
export type Row = Readonly<Record<string, string | number | boolean | null>>;

/** Plot size of one facet, in SVG px. */
export const PLOT_WIDTH = 500;
export const PLOT_HEIGHT = 300;

interface Common {
  title: string;
  subtitle?: string;
}

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
}

export function groupedBarChart(o: GroupedBarOptions): VegaLiteSpec {
  const layer: object[] = [
    {
      mark: { type: "bar", tooltip: false },
      encoding: {
        x: { field: esc(o.x), type: "nominal", sort: uniques(o.rows, o.x), title: o.xTitle ?? o.x, axis: { labelAngle: -30, labelLimit: 160 } },
        xOffset: { field: esc(o.group), type: "nominal", sort: uniques(o.rows, o.group) },
        // Bars side by side never stack; stacking would also put 0 into a log domain.
        y: { field: esc(o.y), type: "quantitative", title: o.yTitle, scale: o.logY ? LOG_SCALE : {}, stack: null },
        color: { field: esc(o.group), type: "nominal", scale: { domain: uniques(o.rows, o.group) }, title: o.group },
      },
    },
  ];
  if (o.refLine !== undefined) layer.push(refRule(o.refLine));
  return wrap(o, { layer, width: PLOT_WIDTH, height: PLOT_HEIGHT });
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
}

/** Lines with point markers; each series gets its own colour and marker shape (readable in greyscale). */
export function lineChart(o: LineOptions): VegaLiteSpec {
  const order = uniques(o.rows, o.series);
  const enc = {
    x: { field: esc(o.x), type: "quantitative", title: o.xTitle, scale: o.logX ? LOG_SCALE : { zero: false } },
    y: { field: esc(o.y), type: "quantitative", title: o.yTitle, scale: o.logY ? LOG_SCALE : {} },
    color: { field: esc(o.series), type: "nominal", scale: { domain: order }, title: o.series },
  };
  const layer = [
    { mark: { type: "line", strokeWidth: 2 }, encoding: enc },
    {
      mark: { type: "point", filled: true, size: 55, opacity: 1 },
      encoding: { ...enc, shape: { field: esc(o.series), type: "nominal", scale: { domain: order }, title: o.series } },
    },
  ];
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
}

export function stackedBarChart(o: StackedBarOptions): VegaLiteSpec {
  const stackOrder = uniques(o.rows, o.stack);
  const rank = `indexof(${JSON.stringify(stackOrder)}, datum[${JSON.stringify(o.stack)}])`;
  const spec = {
    transform: [{ calculate: rank, as: "__stackRank" }],
    mark: { type: "bar" },
    encoding: {
      x: { field: esc(o.x), type: "nominal", sort: uniques(o.rows, o.x), title: o.xTitle ?? o.x, axis: { labelAngle: -30, labelLimit: 160 } },
      y: {
        field: esc(o.y),
        type: "quantitative",
        title: o.yTitle ?? o.y,
        stack: o.normalize ? "normalize" : "zero",
        axis: o.normalize ? { format: "%" } : {},
      },
      color: { field: esc(o.stack), type: "nominal", scale: { domain: stackOrder }, title: o.stack },
      order: { field: "__stackRank", type: "quantitative", sort: "ascending" },
    },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
  };
  return wrap(o, spec);
}

export interface RooflinePoint {
  name: string;
  /** Arithmetic intensity, FLOP per byte of memory traffic. */
  ai: number;
  flopsPerSec: number;
  group: string;
}

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
  const aiMin = 10 ** Math.floor(Math.log10(Math.min(...ais)) - 0.3);
  const aiMax = 10 ** Math.ceil(Math.log10(Math.max(...ais)) + 0.3);
  const roofRows = roofs.flatMap((r, i) =>
    [aiMin, ridges[i], aiMax].map((ai, k) => ({ roof: r.label, k, ai, tflops: Math.min(r.peakFlopsPerSec, r.bandwidthBytesPerSec * ai) / 1e12 })),
  );
  const groups = [...new Set(o.points.map((p) => p.group))];
  const pointRows = o.points.map((p) => ({ name: p.name, group: p.group, ai: p.ai, tflops: p.flopsPerSec / 1e12 }));
  const x = { field: "ai", type: "quantitative", scale: { type: "log", domain: [aiMin, aiMax] }, title: "Arithmetic intensity (FLOP/byte)" };
  const y = { field: "tflops", type: "quantitative", scale: { type: "log" }, title: "Performance (TFLOP/s)" };
  const spec = {
    layer: [
      {
        data: { values: roofRows },
        mark: { type: "line", color: "#555555", strokeWidth: 2 },
        encoding: { x, y, detail: { field: "roof" }, order: { field: "k" }, strokeDash: { field: "roof", type: "nominal", scale: { domain: roofs.map((r) => r.label) }, title: "roof" } },
      },
      {
        data: { values: pointRows },
        layer: [
          { mark: { type: "point", filled: true, size: 70, opacity: 1 }, encoding: { x, y, color: { field: "group", type: "nominal", scale: { domain: groups }, title: o.groupTitle ?? "kind" }, shape: { field: "group", type: "nominal", scale: { domain: groups }, title: o.groupTitle ?? "kind" } } },
          { mark: { type: "text", align: "left", dx: 7, dy: -7, fontSize: 10 }, encoding: { x, y, text: { field: "name" } } },
        ],
      },
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
  /** Draw the y = x line across the data range (default true): e.g. predicted vs measured. */
  identityLine?: boolean;
}

export function scatterChart(o: ScatterOptions): VegaLiteSpec {
  const vals = o.rows.flatMap((r) => [r[o.x], r[o.y]]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
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
    o.series ? { [channel]: { field: esc(o.series), type: "nominal", scale: { domain: uniques(o.rows, o.series) }, title: o.series } } : {};
  layer.push({
    data: { values: o.rows },
    mark: { type: "point", filled: true, size: 45, opacity: 0.85 },
    encoding: {
      x: { field: esc(o.x), type: "quantitative", title: o.xTitle, scale: scale(o.logX) },
      y: { field: esc(o.y), type: "quantitative", title: o.yTitle, scale: scale(o.logY) },
      ...legend("color"),
      ...legend("shape"),
    },
  });
  return wrap(o, { layer, width: PLOT_WIDTH, height: PLOT_HEIGHT }, false);
}

// ---- helpers -----------------------------------------------------------------------------------

/** Distinct values of a field in first-appearance order (used as sort arrays). */
export function uniques(rows: readonly Row[], field: string): (string | number | boolean | null)[] {
  const seen = new Set<string | number | boolean | null>();
  for (const r of rows) {
    if (!(field in r)) throw new Error(`chart field "${field}" missing from row ${JSON.stringify(r)}`);
    seen.add(r[field]);
  }
  return [...seen];
}

/** Escapes vega-lite field-path characters so a field name is taken literally. */
export function esc(field: string): string {
  return field.replace(/([.[\]\\])/g, "\\$1");
}

/** Log scales fit the data (no rounding out to whole decades, which can leave most of the plot empty) plus a small margin. */
const LOG_SCALE = { type: "log", nice: false, padding: 12 };

function refRule(y: number): object {
  return { mark: { type: "rule", color: "#333333", strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { datum: y } } };
}

/**
 * Adds title and top-level data; with `facet` wraps the single-view spec in a wrapped facet.
 * `withData` false leaves data to the layers (they carry their own).
 */
function wrap(o: Common & { rows?: readonly Row[]; facet?: string; facetColumns?: number }, inner: object, withData = o.rows !== undefined): VegaLiteSpec {
  const title = o.subtitle ? { text: o.title, subtitle: o.subtitle } : { text: o.title };
  const data = withData && o.rows ? { data: { values: o.rows } } : {};
  if (o.facet !== undefined) {
    const facet = { field: esc(o.facet), type: "nominal", sort: uniques(o.rows ?? [], o.facet), title: null, header: { labelFontSize: 13 } };
    return asSpec({ $schema: SCHEMA, title, ...data, facet, columns: o.facetColumns ?? 2, spec: inner });
  }
  return asSpec({ $schema: SCHEMA, title, ...data, ...inner });
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * vega-lite's TypeScript types do not follow specs assembled from parts, so the one unchecked step is here;
 * vega-lite validates the structure when plot.ts compiles it, and the tests render every builder.
 */
function asSpec(spec: object): VegaLiteSpec {
  return spec as VegaLiteSpec;
}
