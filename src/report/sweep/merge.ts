import { existsSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../../core/errors.ts";
import { readDataFile } from "../../node/read-data-file.ts";
import { writeOutputFile } from "../../node/output.ts";
import { prepareOutputDir, readJournal, startJournal, SWEEP_FILES } from "../../node/sweep-files.ts";
import { parseShard } from "../../sweep/expand.ts";
import { mergeShards, type ShardOutput } from "../../sweep/merge.ts";
import { sweepProducer } from "../../sweep/prepare.ts";
import { sweepCsv, sweepParquet } from "./table.ts";

export interface SweepMeta {
  specHash: string;
  shard: string;
  numPoints: number;
  numShardPoints: number;
  columns: string[];
  wallSec: number;
  name: string;
  description: string;
  spec: unknown;
}

/** Reads a finished sweep output folder (sweep.json and the journal); one-line errors otherwise. */
export function readSweepOutput(dir: string): { meta: SweepMeta; output: ShardOutput } {
  const metaPath = join(dir, SWEEP_FILES.meta);
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder`);
  if (!existsSync(metaPath)) throw new UserError(`${dir}: not a finished sweep output (no ${SWEEP_FILES.meta}); finish it with --resume`);
  const meta = readDataFile(metaPath) as SweepMeta;
  const j = readJournal(dir);
  if (!j) throw new UserError(`${dir}: the journal ${SWEEP_FILES.journal} is missing`);
  if (j.header.specHash !== meta.specHash) throw new UserError(`${dir}: ${SWEEP_FILES.journal} and ${SWEEP_FILES.meta} disagree on the spec`);
  return { meta, output: { label: dir, specHash: meta.specHash, shard: parseShard(meta.shard), numPoints: meta.numPoints, rows: j.rows } };
}

/** The swept columns of a sweep table (the spec's grid, zip and random paths), in column order. */
export function sweptColumns(meta: Pick<SweepMeta, "columns" | "spec">): string[] {
  const s = meta.spec as { grid?: Record<string, unknown>; zip?: Record<string, unknown>[]; random?: { params: Record<string, unknown> } };
  const swept = (c: string) => c in (s.grid ?? {}) || (s.zip ?? []).some((g) => c in g) || c in (s.random?.params ?? {});
  return meta.columns.filter(swept);
}

/** The metric columns of a sweep table: every column that is neither swept nor bookkeeping (index, pointId, status, reason). */
export function metricColumns(meta: Pick<SweepMeta, "columns" | "spec">): string[] {
  const swept = sweptColumns(meta);
  return meta.columns.filter((c) => !swept.includes(c) && !["index", "pointId", "status", "reason"].includes(c));
}

/**
 * `papi sweep merge DIR... --out OUT`: checks that the shards come from one spec and hold every point exactly once
 * (naming what is missing), then writes the joined table to OUT exactly as one unsharded `papi sweep` writes it.
 */
export function mergeSweepOutputs(dirs: readonly string[], outDir: string): { outDir: string; numPoints: number; numShards: number } {
  const read = dirs.map(readSweepOutput);
  const rows = mergeShards(read.map((r) => r.output));
  const first = read[0].meta;
  // a shard folder exists (it was just read), so the same path or a link to it has the same real path
  const same = (d: string) => existsSync(outDir) && realpathSync(d) === realpathSync(outDir);
  if (dirs.some(same)) throw new UserError(`--out ${outDir}: is one of the shard folders; choose another`);
  const out = prepareOutputDir(outDir, false);
  const header = { papiSweepJournal: 1 as const, specHash: first.specHash, shard: "0/1", numPoints: first.numPoints };
  startJournal(out, header, rows);
  writeOutputFile(join(out, SWEEP_FILES.csv), sweepCsv(rows, first.columns));
  writeOutputFile(join(out, SWEEP_FILES.parquet), sweepParquet(rows, first.columns, { specHash: first.specHash, shard: "0/1" }));
  const numOk = rows.filter((r) => r.status === "ok").length;
  const meta = {
    ...sweepProducer(),
    name: first.name,
    description: first.description,
    specHash: first.specHash,
    shard: "0/1",
    numPoints: first.numPoints,
    numShardPoints: rows.length,
    numOk,
    numInfeasible: rows.length - numOk,
    mergedFrom: read.map((r) => ({ dir: resolve(r.output.label), shard: r.meta.shard, wallSec: r.meta.wallSec })),
    columns: first.columns,
    spec: first.spec,
  };
  writeOutputFile(join(out, SWEEP_FILES.meta), JSON.stringify(meta, null, 2) + "\n");
  return { outDir: resolve(outDir), numPoints: rows.length, numShards: read.length };
}
