import { extname, join, resolve } from "node:path";
import { UserError } from "../../core/errors.ts";
import { nearest } from "../../core/merge.ts";
import { claimOutputFolder, ensureDir, fileTarget, labelOf, writeOutputFile } from "../../node/output.ts";
import { checkOutputPath } from "../../node/output-fs.ts";
import { toCsv } from "../csv-out.ts";
import { renderChart } from "../plot.ts";
import { metricColumns, readSweepOutput, sweptColumns } from "./merge.ts";
import { planPlot, PLOT_MARKS, type PlotMark, type PlotMarkOption } from "./plot-data.ts";
import { sweepPlotChart } from "./plot-chart.ts";

export interface SweepPlotOptions {
  dir: string;
  x: string;
  y: string;
  color?: string;
  facet?: string;
  /** auto (default), line, point, bar or heatmap */
  mark?: string;
  /**
   * a file (NAME.svg, NAME.png or NAME.csv: all three are written next to each other, each replacing a regular file
   * of that name) or a folder (a "plots" output folder: new, empty, or papi's plot folder); default DIR/plots/
   */
  out?: string;
}

export interface SweepPlotResult {
  mark: PlotMark;
  svgPath: string;
  pngPath: string;
  csvPath: string;
  numDrawn: number;
  numPoints: number;
  caption: string[];
}

const FILE_EXTENSIONS = [".svg", ".png", ".csv"];

/** The file name of a plot: "latencySec-vs-batch-by-spec", characters outside [A-Za-z0-9._-] as "_". */
export function plotStem(o: { x: string; y: string; color?: string; facet?: string }): string {
  const stem = `${o.y}-vs-${o.x}${o.color ? `-by-${o.color}` : ""}${o.facet ? `-per-${o.facet}` : ""}`;
  return stem.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Whether `--out` names the files (NAME.svg, NAME.png or NAME.csv) rather than a folder. */
const isPlotFileName = (out: string): boolean => FILE_EXTENSIONS.includes(extname(out).toLowerCase());

/** Where the three files go: `<base>.svg`, `<base>.png`, `<base>.csv`. */
export function plotBasePath(dir: string, out: string | undefined, stem: string): string {
  if (out === undefined) return join(resolve(dir), "plots", stem);
  if (isPlotFileName(out)) return resolve(out.slice(0, -extname(out).length));
  return join(resolve(out), stem);
}

/**
 * `papi sweep plot DIR --x PATH --y METRIC [--color PATH] [--facet PATH] [--mark M] [--out FILE_OR_DIR]`: one figure of
 * a finished sweep (the mark chosen from the data, plot-data.ts), written as SVG and PNG, with the CSV of the points
 * it draws (index, every swept path, the x metric if x is one, the y metric).
 */
export async function sweepPlot(o: SweepPlotOptions): Promise<SweepPlotResult> {
  const mark = o.mark ?? "auto";
  if (!(PLOT_MARKS as readonly string[]).includes(mark)) {
    const near = nearest(mark, PLOT_MARKS);
    throw new UserError(`--mark ${mark}: unknown mark${near ? ` (did you mean "${near}"?)` : ""}; known: ${PLOT_MARKS.join(", ")}`);
  }
  const { meta, output } = readSweepOutput(o.dir);
  const rows = [...output.rows].sort((a, b) => (a.index as number) - (b.index as number));
  const swept = sweptColumns(meta);
  const plan = planPlot(rows, swept, metricColumns(meta), { x: o.x, y: o.y, color: o.color, facet: o.facet, mark: mark as PlotMarkOption });
  const stem = plotStem(o);
  if (o.out !== undefined) checkOutputPath(o.out, labelOf("--out", o.out), "file or folder");
  const base = plotBasePath(o.dir, o.out, stem);
  const names = FILE_EXTENSIONS.map((e) => stem + e);
  // A folder (the default DIR/plots, or --out DIR) is a "plots" output folder: new, empty, or papi's plot folder
  // holding only papi's files, marked with the files it holds (so DIR/plots keeps the sweep folder papi's: a rerun
  // or --resume accepts it, a fresh rerun removes it with the data it was drawn from); a user's folder is refused,
  // untouched. A file name (--out NAME.svg) names the three files, each replaced only if it is a regular file (the
  // file rule), all three checked before any is written.
  if (o.out === undefined) claimOutputFolder(resolve(base, ".."), "plots", names, "sweep plot");
  else if (isPlotFileName(o.out)) {
    for (const e of FILE_EXTENSIONS) fileTarget(base + e, labelOf("--out", base + e));
    ensureDir(resolve(base, ".."));
  } else claimOutputFolder(o.out, "plots", names, "--out");
  const columns = ["index", ...swept, ...(plan.xIsMetric ? [plan.x] : []), plan.y];
  const csvPath = `${base}.csv`;
  writeOutputFile(csvPath, toCsv(plan.rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])))));
  const title = `${meta.name}: ${plan.y} vs ${plan.x}${plan.color ? ` by ${plan.color}` : ""}${plan.facet ? `, per ${plan.facet}` : ""}`;
  const { svgPath, pngPath } = await renderChart(sweepPlotChart({ title, plan }), base);
  return { mark: plan.mark, svgPath, pngPath, csvPath, numDrawn: plan.rows.length, numPoints: plan.numPoints, caption: plan.caption };
}
