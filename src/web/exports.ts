import { isPlainObject } from "../core/merge.ts";
import { toCsv, type CsvValue } from "../report/csv-text.ts";
import type { IterationRecord, RequestRecord } from "../serving/recorder.ts";
import type { SystemRow } from "./protocol.ts";
import { flattenConfig, valueText } from "./url-state.ts";

/**
 * What the explorer exports besides the YAML config (the worker writes that): the equivalent `papi run` command
 * line and CSV tables. The command line gives the same run: shortcut flags for the top-level fields that have one,
 * `--set path=value` for the rest, `--model FILE` / `--trace FILE` for uploads (saved next to where it runs).
 */

/** Top-level fields with a flag of their own (src/cli/run-flags.ts). */
const FLAGS: Record<string, string> = {
  system: "--system", model: "--model", trace: "--trace", requests: "--requests", ratePerSec: "--rate", batching: "--batching",
  batch: "--batch", acceptanceRate: "--acceptance", scheduler: "--scheduler", alpha: "--alpha", seed: "--seed",
  gpus: "--gpus", fcStacks: "--fc-stacks", attnStacks: "--attn-stacks",
};

/** Fields in the order of the run config schema (so the command reads the same whatever order they were set in). */
const ORDER = ["system", "model", "trace", "requests", "ratePerSec", "batching", "batch", "spec", "acceptanceRate", "draft", "scheduler", "alpha", "seed", "gpus", "fcStacks", "attnStacks", "hardware"];
const rank = (k: string) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);

/** POSIX shell quoting: bare when only safe characters, else single quotes. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function specFlag(spec: unknown): string | undefined {
  if (typeof spec === "number") return String(spec);
  // a one-element list would read back as a number (`--spec 4`): it goes through --set as [4]
  if (Array.isArray(spec) && spec.length > 1 && spec.every((x) => typeof x === "number")) return spec.join(",");
  if (isPlainObject(spec) && Object.keys(spec).length === 2 && typeof spec.targetTokens === "number" && typeof spec.maxTlp === "number") {
    return `adaptive:${spec.targetTokens}:${spec.maxTlp}`;
  }
  return undefined;
}

/** The arguments after `papi run` for a (compact) config; `modelFile` names an uploaded config.json saved as that file. */
export function commandArgs(config: Record<string, unknown>, opts: { modelFile?: string } = {}): string[] {
  const args: string[] = [];
  const sets: [string, unknown][] = [];
  for (const [k, v] of Object.entries(config).sort(([a], [b]) => rank(a) - rank(b))) {
    // Stryker disable next-line ConditionalExpression: an undefined value takes no flag and flattens to no --set either
    if (v === undefined) continue;
    if (k === "model" && isPlainObject(v) && opts.modelFile) args.push("--model", opts.modelFile);
    else if (k === "spec" && specFlag(v) !== undefined) args.push("--spec", specFlag(v)!);
    else if (k in FLAGS && (typeof v === "number" || typeof v === "string")) args.push(FLAGS[k], String(v));
    else sets.push(...flattenConfig({ [k]: v }));
  }
  for (const [path, v] of sets) args.push("--set", `${path}=${valueText(v)}`);
  return args;
}

export function commandLine(config: Record<string, unknown>, opts: { modelFile?: string } = {}): string {
  return ["papi", "run", ...commandArgs(config, opts)].map(shellQuote).join(" ");
}

/** Per-iteration records as CSV (the columns of `papi run --out`'s iterations.csv). */
export function iterationsCsv(rows: readonly IterationRecord[]): string {
  return toCsv(rows as unknown as Record<string, CsvValue>[]);
}

/** Per-request records as CSV, by request id (the columns and order of `papi run --out`'s requests.csv). */
export function requestsCsv(rows: readonly RequestRecord[]): string {
  return toCsv(rows.slice().sort((a, b) => a.id - b.id) as unknown as Record<string, CsvValue>[]);
}

/** The Fig. 8 column as CSV (one row per system; failed systems have empty numbers). */
export function systemsCsv(rows: readonly SystemRow[]): string {
  // Stryker disable next-line ConditionalExpression: the typeof check only documents intent; Number.isNaN is false for every non-number
  return toCsv(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" && Number.isNaN(v) ? null : v]))));
}
