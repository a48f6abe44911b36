/**
 * Shared pieces of the benchmarks: child processes timed the way a user's shell would (wall, CPU, peak memory),
 * repeated measurements summarised as best and median, the machine's load, and the markdown table.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/papi.mjs", import.meta.url));
/** GNU time: CPU time and peak RSS of a child (Node gives neither for a finished child). */
const GNU_TIME = "/usr/bin/time";
export const HAS_GNU_TIME = existsSync(GNU_TIME);

export interface ProcessSample {
  wallSec: number;
  /** user + system CPU of the process and its threads (NaN without GNU time) */
  cpuSec: number;
  /** peak resident set, MiB (NaN without GNU time) */
  maxRssMiB: number;
}

/** Runs `node ...args` once; throws with its stderr when it fails. */
export function timeNode(args: readonly string[], cwd?: string): ProcessSample {
  const t0 = performance.now();
  const r = HAS_GNU_TIME
    ? spawnSync(GNU_TIME, ["-f", "PAPI_BENCH_TIME %e %U %S %M", process.execPath, ...args], { encoding: "utf8", cwd, maxBuffer: 1 << 30 })
    : spawnSync(process.execPath, args, { encoding: "utf8", cwd, maxBuffer: 1 << 30 });
  const wall = (performance.now() - t0) / 1e3;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  if (!HAS_GNU_TIME) return { wallSec: wall, cpuSec: NaN, maxRssMiB: NaN };
  const m = /PAPI_BENCH_TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing in: ${r.stderr.slice(-500)}`);
  return { wallSec: Number(m[1]), cpuSec: Number(m[2]) + Number(m[3]), maxRssMiB: Number(m[4]) / 1024 };
}

/** `reps` samples of a command (after `warmup` unrecorded runs: file cache, the OS's page cache of node_modules). */
export function sampleNode(args: readonly string[], reps: number, warmup = 1): ProcessSample[] {
  for (let i = 0; i < warmup; i++) timeNode(args);
  return Array.from({ length: reps }, () => timeNode(args));
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
export const best = (xs: readonly number[]): number => Math.min(...xs);

/** Best and median of one field of the samples. */
export function stat(samples: readonly ProcessSample[], field: keyof ProcessSample): { best: number; median: number } {
  const xs = samples.map((s) => s[field]);
  return { best: best(xs), median: median(xs) };
}

/** The machine, for the table's caption. */
export function machine(): string {
  const c = cpus();
  return `${availableParallelism()} x ${c[0]?.model.trim() ?? "CPU"}, Node ${process.version}`;
}

export const load = (): string => loadavg().map((x) => x.toFixed(2)).join(" ");

export interface Row {
  what: string;
  /** the median, formatted */
  median: string;
  /** the best run, formatted */
  best: string;
  target?: string;
  /** "yes" / "no" / "" */
  met?: string;
}

/** The table, ready for the README. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = ["| what | median | best | target | met |", "|---|---:|---:|---|---|"];
  for (const r of rows) lines.push(`| ${r.what} | ${r.median} | ${r.best} | ${r.target ?? ""} | ${r.met ?? ""} |`);
  return lines.join("\n");
}

export const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
/** "yes" when `value` meets the bound (below for "<", above for ">"), "" when unmeasured. */
export const meets = (value: number, op: "<" | ">", bound: number): string => (!Number.isFinite(value) ? "" : (op === "<" ? value < bound : value > bound) ? "yes" : "no");
