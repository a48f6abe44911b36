import { readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { isPlainObject } from "../core/merge.ts";
import { readDataFile } from "../node/read-data-file.ts";
import { groupedBarChart, stackedBarChart } from "./charts.ts";
import { specToSvg } from "./plot.ts";
import { isRunFolder } from "./run-folder.ts";
import { designSummary, type DesignUnderStudy } from "../serving/design-diff.ts";
import { parseRunConfig } from "../serving/run.ts";

/** A saved run folder, as `papi compare` reads it. */
export interface SavedRun {
  dir: string;
  label: string;
  summary: Record<string, unknown>;
  config: Record<string, unknown>;
}

export function readRunFolder(dir: string): SavedRun {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new UserError(`${dir}: not a folder (expected a run folder written by papi run --out)`);
  }
  if (!isRunFolder(entries)) throw new UserError(`${dir}: not a papi run folder (no summary.json and config.yaml; write one with papi run --out)`);
  const summary = readDataFile(join(dir, "summary.json"));
  const config = readDataFile(join(dir, "config.yaml"));
  if (!isPlainObject(summary) || !isPlainObject(config)) throw new UserError(`${dir}: summary.json or config.yaml is not a mapping`);
  checkSummary(summary, join(dir, "summary.json"));
  parseRunConfig(config, join(dir, "config.yaml"));
  return { dir, label: basename(resolve(dir)), summary, config };
}

/** The decode split of summary.json that the HTML page draws (breakdownSec.PHASE). */
const SPLIT_PHASES = ["fc", "attention", "communication", "other"] as const;

/**
 * Every summary.json field compare reads (the metrics and the decode split) must be a finite number, as in every
 * summary papi writes (alpha: or null, for a scheduler without a threshold); one-line error naming the file and the
 * first field that is not, instead of a comparison of "-" cells.
 */
function checkSummary(summary: Record<string, unknown>, file: string): void {
  const fields = [...COMPARED_METRICS.map((m) => ({ path: m.path, nullable: m.nullable })), ...SPLIT_PHASES.map((p) => ({ path: `breakdownSec.${p}`, nullable: false }))];
  for (const { path, nullable } of fields) {
    const v = valueAt(summary, path);
    if (v === undefined) throw new UserError(`${file}: ${path}: is missing (papi compare reads it; write the folder with papi run --out)`);
    if (Number.isFinite(v) || (nullable && v === null)) continue;
    const shown = JSON.stringify(v) ?? String(v);
    throw new UserError(`${file}: ${path}: must be a finite number${nullable ? " or null" : ""}, got ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`);
  }
}

/** The value at a dotted path of plain objects; undefined when any step is not a plain object. */
function valueAt(s: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), s);
}

interface ComparedMetric {
  name: string;
  unit: string;
  /** dotted path in summary.json */
  path: string;
  /** null is a valid value (alpha of a scheduler without a threshold) */
  nullable: boolean;
  get: (s: Record<string, unknown>) => number | null;
}

const metric = (name: string, unit: string, path: string, nullable = false): ComparedMetric => ({ name, unit, path, nullable, get: (s) => num(valueAt(s, path)) });

/** The metrics `papi compare` lists, with where summary.json holds them. */
export const COMPARED_METRICS: readonly ComparedMetric[] = [
  metric("latency", "s", "latencySec"),
  metric("energy", "J", "energyJoules"),
  metric("throughput", "tokens/s", "tokensPerSec"),
  metric("energy efficiency", "tokens/J", "tokensPerJoule"),
  metric("TTFT p50", "s", "ttftSec.p50"),
  metric("TTFT p99", "s", "ttftSec.p99"),
  metric("TPOT p50", "s", "tpotSec.p50"),
  metric("TPOT p99", "s", "tpotSec.p99"),
  metric("iterations", "", "iterations"),
  metric("FC on GPU", "iterations", "fcOnGpuIterations"),
  metric("FC switches", "", "fcSwitches"),
  metric("alpha", "tokens", "alpha", true),
  ...(["compute", "dram", "transfer", "static", "refresh"] as const).map((k) => metric(`energy: ${k}`, "J", `energyByKind.${k}`)),
];

function num(v: unknown): number | null {
  return Number.isFinite(v) ? (v as number) : null; // false for anything but a finite number
}

/** Every leaf of a plain-data tree as path -> JSON text (arrays as one leaf). */
export function flatten(value: unknown, prefix = "", out: Map<string, string> = new Map()): Map<string, string> {
  if (isPlainObject(value)) {
    for (const k of Object.keys(value).sort()) flatten(value[k], prefix === "" ? k : `${prefix}.${k}`, out);
  } else out.set(prefix, JSON.stringify(value));
  return out;
}

/** Config paths whose values differ between runs (missing counts as a difference), with each run's value. */
export function configDifferences(runs: readonly SavedRun[]): { path: string; values: (string | undefined)[] }[] {
  const flat = runs.map((r) => flatten(r.config));
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  return paths
    .map((path) => ({ path, values: flat.map((f) => f.get(path)) }))
    .filter((d) => d.values.some((v) => v !== d.values[0]));
}

export interface Comparison {
  runs: { dir: string; label: string; designUnderStudy: string }[];
  metrics: { name: string; unit: string; values: (number | null)[]; ratioToFirst: (number | null)[] }[];
  configDifferences: { path: string; values: (string | undefined)[] }[];
}

export function compareRuns(runs: readonly SavedRun[]): Comparison {
  const metrics = COMPARED_METRICS.map((m) => {
    const values = runs.map((r) => m.get(r.summary));
    const first = values[0];
    return { name: m.name, unit: m.unit, values, ratioToFirst: values.map((v) => (v === null || first === null || first === 0 ? null : v / first)) };
  });
  const design = (r: SavedRun) => designSummary(r.summary.designUnderStudy as DesignUnderStudy | undefined, String(r.summary.system ?? r.label), r.config.system);
  return { runs: runs.map((r) => ({ dir: r.dir, label: r.label, designUnderStudy: design(r) })), metrics, configDifferences: configDifferences(runs) };
}

/**
 * A metric's value as people read it: integers in full ("43", "157249"), other numbers with four significant digits
 * and no exponent from 0.001 up ("1.513", "0.0114", "46123"), an exponent only below that; units are in the
 * metric's name.
 */
export function formatMetric(v: number | null): string {
  if (v === null) return "-";
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 1e-3) return String(Number(v.toPrecision(4)));
  return v.toExponential(3);
}

/** A self-contained HTML page (inline SVG) with the compared metrics and time splits side by side. */
export async function comparisonHtml(c: Comparison, runs: readonly SavedRun[]): Promise<string> {
  const bars = c.metrics
    .filter((m) => ["latency", "energy", "throughput", "energy efficiency"].includes(m.name))
    .flatMap((m) => m.values.map((_, i) => ({ metric: `${m.name} (${m.unit})`, run: c.runs[i].label, relative: m.ratioToFirst[i] ?? 0 })));
  const relSvg = await specToSvg(groupedBarChart({ rows: bars, x: "metric", group: "run", y: "relative", title: "Runs relative to the first", yTitle: `relative to ${c.runs[0].label}`, refLine: 1, groupTitle: "run" }));
  const split = runs.flatMap((r) => {
    const b = (r.summary.breakdownSec ?? {}) as Record<string, number>;
    return ["fc", "attention", "communication", "other"].map((phase) => ({ run: r.label, phase, sec: b[phase] ?? 0 }));
  });
  const splitSvg = await specToSvg(stackedBarChart({ rows: split, x: "run", stack: "phase", y: "sec", title: "Decode time by phase", yTitle: "seconds", stackTitle: "phase" }));
  const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);
  const head = `<tr><th>metric</th>${c.runs.map((r) => `<th>${esc(r.label)}</th>`).join("")}</tr>`;
  const rows = c.metrics.map((m) => `<tr><td>${esc(m.name)}${m.unit ? ` (${esc(m.unit)})` : ""}</td>${m.values.map((v, i) => `<td>${formatMetric(v)}${i > 0 && m.ratioToFirst[i] !== null ? ` (${m.ratioToFirst[i]!.toFixed(2)}x)` : ""}</td>`).join("")}</tr>`);
  const diffs = c.configDifferences.map((d) => `<tr><td><code>${esc(d.path)}</code></td>${d.values.map((v) => `<td><code>${esc(v ?? "(absent)")}</code></td>`).join("")}</tr>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>papi compare</title>
<style>body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1200px;margin:0 auto;padding:24px}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}code{font-size:.85em}</style>
</head><body><h1>papi compare</h1>
<table>${head}${rows.join("")}</table>
<h2>Design under study</h2>
<table>${c.runs.map((r) => `<tr><td>${esc(r.label)}</td><td style="text-align:left">${esc(r.designUnderStudy)}</td></tr>`).join("")}</table>
${relSvg}
${splitSvg}
<h2>Config differences</h2>
${diffs.length === 0 ? "<p>The resolved configs are identical.</p>" : `<table>${head.replace("metric", "config path")}${diffs.join("")}</table>`}
</body></html>
`;
}
