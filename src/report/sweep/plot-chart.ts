import { esc, fmtNum, logTicks, numbers, PLOT_HEIGHT, PLOT_WIDTH, uniques, wrap, type Row } from "../chart-parts.ts";
import type { VegaLiteSpec } from "../plot.ts";
import { MAX_SERIES, wrapText, type PlotPlan } from "./plot-data.ts";
import { titleWithUnit } from "./units.ts";

/**
 * The figure of a `papi sweep plot` plan (plot-data.ts decides the mark). Axis and legend titles carry units from the
 * column names; category axes show every label (no overlap culling, no truncation: the plot widens and the labels
 * tilt instead); marks are labelled with their value when there are at most MAX_LABELS of them.
 */

/** ASSUMPTION: beyond 40 value labels (150 heatmap cells) they overlap each other on a 500 x 300 plot. */
export const MAX_LABELS = 40;
export const MAX_CELL_LABELS = 150;
/** Horizontal room per tilted category label, px (12 px text at -45 degrees needs about 17). */
const TILTED_STEP_PX = 20;
/** Vertical room per category of a heatmap's rows, px. */
const ROW_STEP_PX = 18;
/** ASSUMPTION: a numeric x spanning a factor 20 or more (batch 4..64, reuse 1..128) reads better on a log axis. */
export const LOG_X_RATIO = 20;

export interface PlotChartOptions {
  title: string;
  plan: PlotPlan;
}

/** Fields the figure adds to its rows: a mark's label and a panel's header. */
const LABEL = "__label";
const FACET = "__panel";

/** The label of a cell value in the figure: numbers to 3 significant digits, other values as written. */
const labelOf = (v: unknown): string => (typeof v === "number" ? fmtNum(v) : String(v));

/** Distinct values in first-appearance order; numbers sorted ascending. */
function ordered(rows: readonly Row[], field: string): (string | number | boolean | null)[] {
  const u = uniques(rows, field);
  return u.every((v) => typeof v === "number") ? [...(u as number[])].sort((a, b) => a - b) : u;
}

/** A category axis that never drops a label: horizontal when the labels fit side by side, else tilted with room. */
function categoryAxis(values: readonly unknown[], width: number): { axis: object; width: number } {
  const longest = Math.max(0, ...values.map((l) => String(l).length));
  const fits = longest * 7.5 + 8 <= width / Math.max(1, values.length);
  return {
    axis: { labelAngle: fits ? 0 : -45, labelAlign: fits ? "center" : "right", labelOverlap: false, labelLimit: 0, labelFlush: false },
    width: fits ? width : Math.max(width, values.length * TILTED_STEP_PX),
  };
}

export function sweepPlotChart(o: PlotChartOptions): VegaLiteSpec {
  const p = o.plan;
  const rows: Row[] = p.rows.map((r) => {
    const out: Record<string, string | number | boolean | null> = { [p.x]: r[p.x], [p.y]: r[p.y] };
    if (p.color) out[p.color] = r[p.color];
    // panels are headed "path = value" (the value as written: rounding could merge two panels)
    if (p.facet) out[FACET] = `${p.facet} = ${String(r[p.facet])}`;
    out[LABEL] = labelOf(r[p.y]);
    return out;
  });
  const common = { title: o.title, subtitle: p.caption.flatMap((c) => wrapText(c)), rows, facet: p.facet ? FACET : undefined, facetColumns: 2 };
  if (p.mark === "heatmap") return heatmap(p, rows, common);
  const xValues = ordered(rows, p.x);
  // bars, and points of a swept x with several per cell, stand on bands: series side by side, not on top of each other
  const banded = p.mark === "bar" || !p.xNumeric || (p.mark === "point" && !p.xIsMetric && !p.oneRowPerCell);
  let width = PLOT_WIDTH;
  let x: object;
  if (banded) {
    const cat = categoryAxis(xValues, PLOT_WIDTH);
    width = cat.width;
    x = { field: esc(p.x), type: p.xNumeric ? "ordinal" : "nominal", sort: xValues, title: titleWithUnit(p.x), axis: cat.axis };
  } else {
    const nums = xValues as number[];
    const log = nums[0] > 0 && nums[nums.length - 1] / nums[0] >= LOG_X_RATIO;
    const ticks = !p.xIsMetric && nums.length <= 12 ? nums : log ? logTicks(nums) : undefined;
    x = {
      field: esc(p.x), type: "quantitative", title: titleWithUnit(p.x),
      scale: log ? { type: "log", nice: false, padding: 16 } : { zero: false, nice: false, padding: 16 },
      ...(ticks ? { axis: { values: ticks } } : {}),
    };
  }
  // series: a nominal legend (colour and, for points, shape); a numeric path with more values than the palette: a gradient
  // Stryker disable next-line ArrayDeclaration: without p.color the values are never read (series, offset and the gradient test all need p.color)
  const colorValues = p.color ? ordered(rows, p.color) : [];
  const gradient = colorValues.length > MAX_SERIES && colorValues.every((v) => typeof v === "number");
  const series = (channel: string) => (p.color ? { [channel]: { field: esc(p.color), type: "nominal", scale: { domain: colorValues }, title: titleWithUnit(p.color) } } : {});
  const color = p.color && gradient ? { color: { field: esc(p.color), type: "quantitative", title: titleWithUnit(p.color), scale: { scheme: "viridis" } } } : series("color");
  const shape = p.color && !gradient ? series("shape") : {};
  const offset = banded && p.color ? { xOffset: { field: esc(p.color), type: "nominal", sort: colorValues } } : {};
  // a y axis from 0 when no value is negative (lengths, energies, counts), else around the data
  const yScale = numbers(rows, p.y).every((v) => v >= 0) ? { zero: true } : { zero: false, padding: 14 };
  const y = { field: esc(p.y), type: "quantitative", title: titleWithUnit(p.y), scale: yScale };
  const layer: object[] = [];
  const labels = rows.length <= MAX_LABELS;
  if (p.mark === "bar") {
    layer.push({ mark: { type: "bar" }, encoding: { x, y, ...offset, ...color } });
    if (labels) layer.push({ mark: { type: "text", baseline: "bottom", dy: -3, fontSize: 10, color: "#333333" }, encoding: { x, y, ...offset, text: { field: LABEL } } });
  } else {
    if (p.mark === "line") layer.push({ mark: { type: "line", strokeWidth: 2 }, encoding: { x, y, ...color, ...(p.color ? { detail: { field: esc(p.color) } } : {}) } });
    const many = p.mark === "point" && !p.oneRowPerCell;
    layer.push({ mark: { type: "point", filled: true, size: many ? 30 : 55, opacity: many ? 0.6 : 1 }, encoding: { x, y, ...offset, ...color, ...shape } });
    if (labels) layer.push({ mark: { type: "text", align: "left", baseline: "bottom", dx: 5, dy: -4, fontSize: 10, color: "#333333" }, encoding: { x, y, ...offset, text: { field: LABEL } } });
  }
  return wrap(common, { layer, width, height: PLOT_HEIGHT });
}

function heatmap(p: PlotPlan, rows: Row[], common: Parameters<typeof wrap>[0]): VegaLiteSpec {
  const xs = ordered(rows, p.x);
  const ys = ordered(rows, p.color!);
  const cat = categoryAxis(xs, PLOT_WIDTH);
  const x = { field: esc(p.x), type: "ordinal", sort: xs, title: titleWithUnit(p.x), axis: cat.axis };
  const y = { field: esc(p.color!), type: "ordinal", sort: ys, title: titleWithUnit(p.color!), axis: { labelOverlap: false, labelLimit: 0 } };
  const vals = rows.map((r) => r[p.y] as number);
  const mid = (Math.min(...vals) + Math.max(...vals)) / 2;
  const layer: object[] = [
    { mark: { type: "rect" }, encoding: { x, y, color: { field: esc(p.y), type: "quantitative", title: titleWithUnit(p.y), scale: { scheme: "viridis" } } } },
  ];
  if (rows.length <= MAX_CELL_LABELS) {
    // viridis is dark at the low end: white text there, black on the bright half
    layer.push({
      mark: { type: "text", fontSize: 10 },
      encoding: { x, y, text: { field: LABEL }, color: { condition: { test: `datum[${JSON.stringify(p.y)}] < ${mid}`, value: "white" }, value: "black" } },
    });
  }
  return wrap(common, { layer, width: cat.width, height: Math.max(PLOT_HEIGHT / 2, ys.length * ROW_STEP_PX) });
}
