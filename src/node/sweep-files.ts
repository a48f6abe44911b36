import { appendFileSync, existsSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { isPlainObject } from "../core/merge.ts";
import { baseObject, formatShard, type Shard } from "../sweep/expand.ts";
import type { SweepRow } from "../sweep/prepare.ts";
import { parseSweepSpec, type SweepSpec } from "../sweep/spec.ts";
import { forEachFileLine } from "./line-file.ts";
import { readDataFile } from "./read-data-file.ts";
import { readRawConfig } from "./run-config.ts";
import { claimOutputFolder, writeOutputFile } from "./output.ts";
import { markedSubfolders } from "./output-marker.ts";
import { siblingModule } from "./worker-pool.ts";

/** A spec file, loaded: the parsed spec, its base config, and the folder the base's relative paths resolve from. */
export interface LoadedSweepSpec {
  spec: SweepSpec;
  base: Record<string, unknown>;
  baseDir: string;
  label: string;
}

export function loadSweepSpec(path: string): LoadedSweepSpec {
  const spec = parseSweepSpec(readDataFile(path), path);
  const specDir = dirname(resolve(path));
  if (typeof spec.base === "string") {
    const basePath = resolve(specDir, spec.base);
    return { spec, base: readRawConfig(basePath), baseDir: dirname(basePath), label: path };
  }
  return { spec, base: baseObject(spec.base, `${path}: base`), baseDir: specDir, label: path };
}

/** Files of a sweep output folder. */
export const SWEEP_FILES = { journal: "points.jsonl", csv: "results.csv", parquet: "results.parquet", meta: "sweep.json" } as const;

export interface JournalHeader {
  papiSweepJournal: 1;
  specHash: string;
  shard: string;
  numPoints: number;
}

/**
 * The journal of a sweep output (points.jsonl): a header line, then one JSON row per finished point, appended as
 * points finish, so an interrupted sweep can `--resume`. Rewritten in point order when the sweep completes.
 */
export function readJournal(dir: string): { header: JournalHeader; rows: SweepRow[] } | undefined {
  const path = join(dir, SWEEP_FILES.journal);
  if (!existsSync(path)) return undefined;
  let header: JournalHeader | undefined;
  const rows: SweepRow[] = [];
  // a line cut short by a kill mid-write: only the last line can be, and its point simply reruns
  let cutLine: number | undefined;
  forEachFileLine(path, (line, lineNo) => {
    if (line.trim() === "") return;
    if (cutLine !== undefined) throw new UserError(`${path}:${cutLine}: not a JSON line; the journal is damaged (delete the folder to start over)`);
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      cutLine = lineNo;
      return;
    }
    if (!isPlainObject(v)) throw new UserError(`${path}:${lineNo}: not a journal line`);
    if (header === undefined) {
      if (v.papiSweepJournal !== 1) throw new UserError(`${path}: not a papi sweep journal`);
      header = v as unknown as JournalHeader;
    } else rows.push(v as SweepRow);
  });
  if (!header) return undefined;
  return { header, rows };
}

export function startJournal(dir: string, header: JournalHeader, rows: readonly SweepRow[]): void {
  writeOutputFile(join(dir, SWEEP_FILES.journal), [JSON.stringify(header), ...rows.map((r) => JSON.stringify(r))].join("\n") + "\n");
}

export function appendJournal(dir: string, rows: readonly SweepRow[]): void {
  if (rows.length > 0) appendFileSync(join(dir, SWEEP_FILES.journal), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

/**
 * Claims `dir` for a sweep (src/node/output.ts): new, empty, or an earlier papi sweep folder holding only papi's
 * files (its marker proves it; a user's points.jsonl does not), created if missing and marked. Without `resume`, the
 * earlier output's files (listed in the marker) are removed so the sweep starts over, and so are the Pareto and plot
 * folders papi drew from them (pareto/, plots/: marked, holding only papi's files), which would otherwise describe
 * data the folder no longer holds. Returns the folder's real path.
 */
export function prepareOutputDir(dir: string, resume: boolean): string {
  const real = claimOutputFolder(dir, "sweep", Object.values(SWEEP_FILES));
  if (!resume) {
    for (const f of Object.values(SWEEP_FILES)) rmSync(join(real, f), { force: true });
    for (const sub of markedSubfolders(real, ["pareto", "plots"])) rmSync(join(real, sub), { recursive: true, force: true });
  }
  return real;
}

export const shardLabel = (s: Shard): string => formatShard(s);

/** The worker module of sweeps (compiled .js in the package, .ts under the test runner). */
export const sweepWorkerUrl = (): URL => siblingModule(import.meta.url, "sweep-worker");
