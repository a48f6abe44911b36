import { UserError } from "../../core/errors.ts";
import { stableJson } from "../../core/hash.ts";
import { nearest } from "../../core/merge.ts";
import type { Cell } from "../../sweep/metrics.ts";
import type { SweepRow } from "../../sweep/prepare.ts";

/**
 * What `papi sweep plot` draws, decided from the table (pure; plot-chart.ts turns it into a figure). The mark:
 * - `line`: a swept numeric x with one row per (x, color, facet) cell: one line per color value;
 * - `bar`: a categorical x (names, or structured values) with one row per cell: bars side by side per color value;
 * - `heatmap`: one row per cell and a --color path with more values than the palette tells apart
 *   (MAX_SERIES): x across, the color path down, the metric as the cell's colour;
 * - `point`: everything else: several rows per cell (other swept paths vary within it; the caption names them), or
 *   a metric as x (a scatter of two metrics). No row is averaged away.
 * Infeasible points, and points without a value of the metric, are not drawn; the caption counts them by reason.
 */
export const PLOT_MARKS = ["auto", "line", "point", "bar", "heatmap"] as const;
export type PlotMarkOption = (typeof PLOT_MARKS)[number];
export type PlotMark = Exclude<PlotMarkOption, "auto">;

/** ASSUMPTION: tableau10 has 10 colours; a legend of more series cannot be read, so more color values make a heatmap. */
export const MAX_SERIES = 10;

export interface PlotRequest {
  x: string;
  y: string;
  color?: string;
  facet?: string;
  mark?: PlotMarkOption;
}

export interface PlotPlan {
  mark: PlotMark;
  x: string;
  y: string;
  color?: string;
  facet?: string;
  /** x is a metric column (not swept) */
  xIsMetric: boolean;
  /** every drawn x is a number */
  xNumeric: boolean;
  /** drawn rows (feasible, with a value of y and of x), in point order */
  rows: SweepRow[];
  numPoints: number;
  /** points not drawn, by reason ("area", "power", "no value of latencySec", ...), in first-seen order */
  excluded: [string, number][];
  /** swept paths other than x, color and facet that vary among the drawn rows */
  varying: string[];
  /** whether each (x, color, facet) cell holds exactly one drawn row */
  oneRowPerCell: boolean;
  /** sentences under the title (the figure wraps them) */
  caption: string[];
}

function pick(flag: string, name: string, allowed: readonly string[], swept: readonly string[], metrics: readonly string[], what: string): void {
  if (allowed.includes(name)) return;
  const near = nearest(name, allowed);
  throw new UserError(
    `${flag} ${name}: not ${what} of the sweep${near ? ` (did you mean "${near}"?)` : ""}; swept paths: ${swept.join(", ") || "none"}; metrics: ${metrics.join(", ") || "none"}`,
  );
}

const isNumber = (c: Cell | undefined): c is number => typeof c === "number" && Number.isFinite(c);

/** Checks the request against the table's columns and decides what to draw. */
export function planPlot(allRows: readonly SweepRow[], swept: readonly string[], metrics: readonly string[], req: PlotRequest): PlotPlan {
  pick("--x", req.x, [...swept, ...metrics], swept, metrics, "a swept path or a metric");
  pick("--y", req.y, metrics, swept, metrics, "a metric");
  if (req.color !== undefined) pick("--color", req.color, swept, swept, metrics, "a swept path");
  if (req.facet !== undefined) pick("--facet", req.facet, swept, swept, metrics, "a swept path");
  const used = [req.x, req.y, req.color, req.facet].filter((c): c is string => c !== undefined);
  const twice = used.find((c, i) => used.indexOf(c) !== i);
  if (twice !== undefined) throw new UserError(`sweep plot: ${twice} is given twice (--x, --y, --color and --facet need different columns)`);
  const xIsMetric = !swept.includes(req.x);

  const excludedBy = new Map<string, number>();
  const exclude = (why: string) => excludedBy.set(why, (excludedBy.get(why) ?? 0) + 1);
  const rows: SweepRow[] = [];
  for (const r of allRows) {
    if (r.status !== "ok") exclude(String(r.reason ?? "").split(":")[0] || "infeasible");
    else if (!isNumber(r[req.y])) exclude(`no value of ${req.y}`);
    else if (xIsMetric && !isNumber(r[req.x])) exclude(`no value of ${req.x}`);
    else rows.push(r);
  }
  if (rows.length === 0) {
    throw new UserError(`sweep plot: no point has a value of ${req.y} to draw (${allRows.length} points; ${[...excludedBy].map(([k, v]) => `${k} ${v}`).join(", ")})`);
  }
  const xNumeric = rows.every((r) => isNumber(r[req.x]));
  const cellKey = (r: SweepRow) => stableJson([req.facet === undefined ? null : r[req.facet], req.color === undefined ? null : r[req.color], r[req.x]]);
  const cells = new Map<string, SweepRow[]>();
  for (const r of rows) {
    const k = cellKey(r);
    const c = cells.get(k);
    if (c) c.push(r);
    else cells.set(k, [r]);
  }
  const oneRowPerCell = [...cells.values()].every((c) => c.length === 1);
  // the swept paths that take several values within one cell (a path zipped with x does not)
  const varying = swept.filter((p) => !used.includes(p) && [...cells.values()].some((c) => new Set(c.map((r) => stableJson(r[p] ?? null))).size > 1));
  const numColors = req.color === undefined ? 0 : new Set(rows.map((r) => stableJson(r[req.color!] ?? null))).size;

  const auto = (): PlotMark => {
    if (xIsMetric || !oneRowPerCell) return "point";
    if (numColors > MAX_SERIES) return "heatmap";
    return xNumeric ? "line" : "bar";
  };
  const mark = req.mark === undefined || req.mark === "auto" ? auto() : req.mark;
  const severalPerCell = () =>
    new UserError(
      `--mark ${mark}: some (${[req.x, req.color, req.facet].filter(Boolean).join(", ")}) cells hold several points (they differ in ${varying.join(", ") || "nothing swept"}); give those paths as --color or --facet, or use --mark point`,
    );
  if (mark !== "point" && !oneRowPerCell) throw severalPerCell();
  if (mark === "line" && !xNumeric) throw new UserError(`--mark line: x (${req.x}) has values that are not numbers; use --mark bar or point`);
  if (mark === "heatmap" && req.color === undefined) throw new UserError("--mark heatmap: give --color (the path down the heatmap)");

  const caption: string[] = [];
  const excluded = [...excludedBy];
  const numExcluded = allRows.length - rows.length;
  caption.push(
    numExcluded === 0
      ? `all ${allRows.length} points drawn`
      : `${rows.length} of ${allRows.length} points drawn; not drawn: ${excluded.map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
  if (!oneRowPerCell) caption.push(`several points per ${[req.x, req.color, req.facet].filter(Boolean).join(" and ")}, differing in ${varying.join(", ")}`);
  return { mark, x: req.x, y: req.y, color: req.color, facet: req.facet, xIsMetric, xNumeric, rows, numPoints: allRows.length, excluded, varying, oneRowPerCell, caption };
}

/** ASSUMPTION: about 90 characters of 12 px text span a 500 px plot and its legend; longer caption lines wrap. */
export const CAPTION_CHARS = 90;

/** Splits text at ", " and spaces into lines of at most CAPTION_CHARS characters (a longer word stays whole). */
export function wrapText(text: string, width = CAPTION_CHARS): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}
