import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { UserError } from "../../core/errors.ts";
import { nodeLoader } from "../../node/loader.ts";
import { writeOutputFile } from "../../node/output.ts";
import { runInWorkers } from "../../node/worker-pool.ts";
import {
  appendJournal, loadSweepSpec, prepareOutputDir, readJournal, startJournal, SWEEP_FILES, sweepWorkerUrl, type JournalHeader,
} from "../../node/sweep-files.ts";
import { runSweepTask, type SweepAnswer, type SweepTask } from "../../node/sweep-worker.ts";
import { ALL, formatShard, shardIndices, type Shard } from "../../sweep/expand.ts";
import { checkSweepInputs } from "../../sweep/inputs.ts";
import { sweepWorkerCount } from "../../sweep/jobs.ts";
import { prepareSweep, sweepProducer, type PreparedSweep, type SweepRow } from "../../sweep/prepare.ts";
import { makeProgress } from "../progress.ts";
import { sweepCsv, sweepParquet } from "./table.ts";

export interface SweepOptions {
  specPath: string;
  outDir: string;
  /** worker threads (at most the available CPUs: a larger count is clamped, see sweepWorkerCount); 1 runs in this thread */
  jobs?: number;
  /** receives one-line notices (a clamped --jobs) */
  onNotice?: (text: string) => void;
  shard?: Shard;
  resume?: boolean;
  progress?: boolean;
}

export interface SweepSummary {
  outDir: string;
  specHash: string;
  shard: string;
  numPoints: number;
  numShardPoints: number;
  numRun: number;
  numResumed: number;
  numOk: number;
  numInfeasible: number;
  wallSec: number;
  pointsPerSec: number;
  /** worker threads used */
  jobs: number;
}

/** The spec as sweep.json records it: the base loaded, constraints with their options, the metric list. */
export function resolvedSpecOf(prep: PreparedSweep): Record<string, unknown> {
  return {
    ...prep.spec,
    base: prep.base,
    constraints: Object.fromEntries(prep.constraints.map((c) => [c.constraint.name, c.options])),
    metrics: prep.metrics,
  };
}

/**
 * `papi sweep`: checks the whole spec (paths, values, metrics, constraints, the trace and model) before writing
 * anything, then runs the shard's points that the folder does not hold yet on worker threads, appending each finished
 * batch to the journal, and writes the table (CSV + Parquet, in point order) and sweep.json.
 */
export async function runSweep(o: SweepOptions): Promise<SweepSummary> {
  const t0 = performance.now();
  const shard = o.shard ?? ALL;
  const { jobs, notice } = sweepWorkerCount(o.jobs, availableParallelism());
  const loaded = loadSweepSpec(o.specPath);
  const prep = prepareSweep(loaded.spec, loaded.base);
  // Every trace and model any point uses must load before any output exists (a missing file fails here, naming the point).
  checkSweepInputs(prep, nodeLoader(loaded.baseDir));
  if (notice !== undefined) o.onNotice?.(notice);

  const outDir = prepareOutputDir(o.outDir, o.resume === true);
  const indices = shardIndices(prep.expansion.numPoints, shard);
  const header: JournalHeader = { papiSweepJournal: 1, specHash: prep.specHash, shard: formatShard(shard), numPoints: prep.expansion.numPoints };
  const done = new Map<number, SweepRow>();
  if (o.resume) {
    const j = readJournal(outDir);
    if (j) {
      if (j.header.specHash !== prep.specHash) {
        throw new UserError(`--resume: ${o.outDir} holds a sweep of another spec (hash ${j.header.specHash}; this spec: ${prep.specHash}); use a new --out or drop --resume`);
      }
      if (j.header.shard !== header.shard) throw new UserError(`--resume: ${o.outDir} holds shard ${j.header.shard}, not ${header.shard}`);
      const mine = new Set(indices);
      for (const r of j.rows) if (typeof r.index === "number" && mine.has(r.index)) done.set(r.index, r);
    }
  }
  startJournal(outDir, header, [...done.values()]);
  const todo = indices.filter((i) => !done.has(i));
  const numResumed = indices.length - todo.length;

  const bar = makeProgress(todo.length, `papi sweep ${formatShard(shard)}`, o.progress === true);
  const rows = new Map(done);
  const accept = (ans: SweepAnswer) => {
    if (!ans.ok) throw ans.user ? new UserError(ans.error) : new Error(ans.error);
    appendJournal(outDir, ans.rows);
    for (const r of ans.rows) rows.set(r.index as number, r);
    bar.tick(ans.rows.length);
  };
  const chunkSize = Math.max(1, Math.min(32, Math.ceil(todo.length / (jobs * 16))));
  const tasks: SweepTask[] = [];
  for (let k = 0; k < todo.length; k += chunkSize) {
    tasks.push({ specHash: prep.specHash, spec: loaded.spec, base: prep.base, baseDir: loaded.baseDir, indices: todo.slice(k, k + chunkSize) });
  }
  try {
    if (jobs === 1 || tasks.length <= 1) for (const t of tasks) accept(runSweepTask(t));
    else await runOnPool(tasks, jobs, accept);
  } finally {
    bar.stop();
  }

  const ordered = indices.map((i) => rows.get(i)!);
  startJournal(outDir, header, ordered);
  writeOutputFile(join(outDir, SWEEP_FILES.csv), sweepCsv(ordered, prep.columns));
  writeOutputFile(join(outDir, SWEEP_FILES.parquet), sweepParquet(ordered, prep.columns, { specHash: prep.specHash, shard: header.shard }));
  const wallSec = (performance.now() - t0) / 1e3;
  const numOk = ordered.filter((r) => r.status === "ok").length;
  const summary: SweepSummary = {
    outDir: resolve(o.outDir),
    specHash: prep.specHash,
    shard: header.shard,
    numPoints: prep.expansion.numPoints,
    numShardPoints: indices.length,
    numRun: todo.length,
    numResumed,
    numOk,
    numInfeasible: ordered.length - numOk,
    wallSec,
    pointsPerSec: wallSec > 0 ? todo.length / wallSec : 0,
    jobs,
  };
  const meta = { ...sweepProducer(), name: prep.spec.name, description: prep.spec.description, ...summary, outDir: undefined, columns: prep.columns, spec: resolvedSpecOf(prep) };
  writeOutputFile(join(outDir, SWEEP_FILES.meta), JSON.stringify(meta, null, 2) + "\n");
  return summary;
}

async function runOnPool(tasks: SweepTask[], jobs: number, accept: (a: SweepAnswer) => void): Promise<void> {
  await runInWorkers<SweepTask, SweepAnswer>(sweepWorkerUrl(), tasks, jobs, accept);
}
