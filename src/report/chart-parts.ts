import type { Config } from "vega-lite";
import type { VegaLiteSpec } from "./plot.ts";

/** Shared pieces of the chart builders in charts.ts: scales, ticks, labels, reference lines, the spec wrapper. */
export type Row = Readonly<Record<string, string | number | boolean | null>>;

/** Plot size of one facet, in SVG px. */
export const PLOT_WIDTH = 500;
export const PLOT_HEIGHT = 300;

export interface Common {
  title: string;
  /** one line, or several */
  subtitle?: string | readonly string[];
}

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
export const LOG_SCALE = { type: "log", nice: false, padding: 12 };

/** A log scale over the data; if the data span less than a factor 1.5, widened around it so ticks exist. */
export function logScale(vals: readonly number[]): object {
  const pos = vals.filter((v) => v > 0);
  if (pos.length === 0) return LOG_SCALE;
  const lo = Math.min(...pos);
  const hi = Math.max(...pos);
  return hi / lo >= 1.5 ? LOG_SCALE : { ...LOG_SCALE, domain: [lo / 1.25, hi * 1.25] };
}

/** Finite numbers of a field (non-numbers skipped: Number.isFinite is false for every non-number, it does not convert). */
export function numbers(rows: readonly Row[], field: string): number[] {
  return rows.map((r) => r[field]).filter((v): v is number => Number.isFinite(v));
}

/**
 * Tick values for a log axis over the data: 1-2-5 per decade, or 1-1.5-2-3-5-7 when that gives fewer than
 * four ticks (a narrow range), or only powers of ten when it gives more than twelve (a wide one).
 */
export function logTicks(vals: readonly number[]): number[] {
  const pos = vals.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [];
  const lo = Math.min(...pos) / 1.05;
  const hi = Math.max(...pos) * 1.05;
  const ticks = (mantissas: number[]): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(6));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  };
  const mid = ticks([1, 2, 5]);
  if (mid.length < 4) return ticks([1, 1.5, 2, 3, 4, 5, 7]);
  return mid.length > 12 ? ticks([1]) : mid;
}

/** Horizontal category labels when they fit side by side, else tilted. Widths estimated at 7.5 px per character. */
export function labelAngle(labels: readonly unknown[], width: number): number {
  const longest = Math.max(0, ...labels.map((l) => String(l).length));
  return longest * 7.5 + 8 <= width / Math.max(1, labels.length) ? 0 : -30;
}

/**
 * The axis of a category (nominal or ordinal) scale: every label is drawn, never dropped for overlapping (the house
 * style's labelOverlap is for numeric axes, where a hidden tick is harmless; a hidden category is a missing bar
 * name). Labels stay horizontal when they fit, are tilted 30 degrees when a tilted label fits its band (about 24 px
 * at 12 px type), and stand vertical otherwise.
 */
export function categoryAxis(labels: readonly unknown[], width: number): { labelAngle: number; labelOverlap: false; labelLimit: number; labelAlign?: "right"; labelBaseline?: "middle" } {
  const angle = labelAngle(labels, width);
  if (angle === 0) return { labelAngle: 0, labelOverlap: false, labelLimit: 260 };
  const band = width / Math.max(1, labels.length);
  return band >= 24 ? { labelAngle: -30, labelOverlap: false, labelLimit: 260 } : { labelAngle: -90, labelOverlap: false, labelLimit: 260, labelAlign: "right", labelBaseline: "middle" };
}

/** Three significant digits, no trailing zeros ("312", "2.04", "153"). */
export function fmtNum(x: number): string {
  return String(Number(x.toPrecision(3)));
}

export function refRule(y: number): object {
  // Own one-row data: with the chart's data the mark would be drawn once per row.
  return { data: { values: [{}] }, mark: { type: "rule", color: "#333333", strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { datum: y } } };
}

export function refLabel(y: number, label: string): object {
  return {
    data: { values: [{}] },
    mark: { type: "text", align: "right", baseline: "top", dy: 3, fontSize: 11, color: "#333333" },
    encoding: { x: { value: PLOT_WIDTH - 4 }, y: { datum: y }, text: { value: label } },
  };
}

/**
 * Adds title and top-level data; with `facet` wraps the single-view spec in a wrapped facet.
 * `withData` false leaves data to the layers (they carry their own).
 */
export function wrap(o: Common & { rows?: readonly Row[]; facet?: string; facetColumns?: number }, inner: object, withData = o.rows !== undefined): VegaLiteSpec {
  const title = o.subtitle ? { text: o.title, subtitle: o.subtitle } : { text: o.title };
  const data = withData && o.rows ? { data: { values: o.rows } } : {};
  if (o.facet !== undefined) {
    const facet = { field: esc(o.facet), type: "nominal", sort: uniques(o.rows ?? [], o.facet), title: null, header: { labelFontSize: 13 } };
    return asSpec({ $schema: SCHEMA, title, ...data, facet, columns: o.facetColumns ?? 2, spec: inner });
  }
  return asSpec({ $schema: SCHEMA, title, ...data, ...inner });
}

export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * vega-lite's TypeScript types do not follow specs assembled from parts, so the one unchecked step is here;
 * vega-lite validates the structure when plot.ts compiles it, and the tests render every builder.
 */
export function asSpec(spec: object): VegaLiteSpec {
  return spec as VegaLiteSpec;
}

/** The one font family used in every figure; shipped in data/fonts/ so PNGs need no system fonts (browsers fall back to sans-serif). */
export const FONT_FAMILY = "DejaVu Sans";

/** House style merged under every spec's own `config`. tableau10 is distinguishable under common colour-vision deficiencies. */
export const BASE_CONFIG: Config = {
  font: FONT_FAMILY,
  background: "white",
  padding: 12,
  view: { continuousWidth: 500, continuousHeight: 300, stroke: "#bbbbbb" },
  // Stryker disable next-line ObjectLiteral: tableau10 is also vega's default category scheme; spelled out so an upgrade that changes the default does not change the figures
  range: { category: { scheme: "tableau10" } },
  title: { fontSize: 15, fontWeight: "bold", anchor: "start", offset: 10 },
  axis: { labelFontSize: 12, labelOverlap: true, labelSeparation: 6, titleFontSize: 13, titleFontWeight: "normal", gridColor: "#e6e6e6", tickColor: "#888888", domainColor: "#888888" },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "bold", labelLimit: 260 },
  header: { labelFontSize: 13, titleFontSize: 13, labelFontWeight: "bold" },
  text: { fontSize: 11 },
};
