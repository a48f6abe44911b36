import { esc, PLOT_HEIGHT, PLOT_WIDTH, type Row } from "../chart-parts.ts";
import { SCHEMA } from "../chart-parts.ts";
import type { VegaLiteSpec } from "../plot.ts";

export interface ParetoChartOptions {
  title: string;
  subtitle: string | string[];
  x: string;
  y: string;
  z?: string;
  /** axis and legend titles (default: the column names) */
  xTitle?: string;
  yTitle?: string;
  zTitle?: string;
  /** feasible designs: columns x, y (and z), plus `front` (boolean), `reference` (name or "") and `label` (a front point's number or "") */
  rows: Row[];
}

/**
 * The Pareto figure: every feasible design as a grey dot (colored by z when given), the front as a connected black
 * outline with its points numbered (as in pareto.md), named reference points as red diamonds with their names.
 * Axis titles carry units (from the column names, set by the caller).
 */
export function paretoChart(o: ParetoChartOptions): VegaLiteSpec {
  const x = { field: esc(o.x), type: "quantitative", title: o.xTitle ?? o.x, scale: { zero: false } };
  const y = { field: esc(o.y), type: "quantitative", title: o.yTitle ?? o.y, scale: { zero: false } };
  const all = o.rows;
  const front = o.rows.filter((r) => r.front === true).sort((a, b) => Number(a[o.x]) - Number(b[o.x]));
  const refs = o.rows.filter((r) => r.reference !== "");
  const layer: object[] = [
    {
      data: { values: all },
      mark: { type: "point", filled: true, size: 22, opacity: 0.55, ...(o.z ? {} : { color: "#9a9a9a" }) },
      encoding: { x, y, ...(o.z ? { color: { field: esc(o.z), type: "quantitative", title: o.zTitle ?? o.z, scale: { scheme: "viridis" } } } : {}) },
    },
    {
      data: { values: front },
      mark: { type: "line", color: "#222222", strokeWidth: 1.2, point: { filled: false, color: "#222222", size: 60 } },
      encoding: { x, y, order: { field: esc(o.x), type: "quantitative" } },
    },
  ];
  const numbered = front.filter((r) => r.label !== undefined && r.label !== "");
  if (numbered.length > 0) {
    layer.push({ data: { values: numbered }, mark: { type: "text", align: "right", baseline: "top", dx: -6, dy: 5, fontSize: 11, color: "#222222" }, encoding: { x, y, text: { field: "label" } } });
  }
  if (refs.length > 0) {
    layer.push(
      { data: { values: refs }, mark: { type: "point", shape: "diamond", filled: true, color: "#d62728", size: 140 }, encoding: { x, y } },
      { data: { values: refs }, mark: { type: "text", align: "left", dx: 9, dy: -9, fontSize: 12, color: "#d62728", fontWeight: "bold" }, encoding: { x, y, text: { field: "reference" } } },
    );
  }
  return {
    $schema: SCHEMA,
    title: { text: o.title, subtitle: o.subtitle },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer,
  } as unknown as VegaLiteSpec;
}
