import { isMainThread } from "node:worker_threads";
import { UserError } from "../core/errors.ts";
import { evaluatePoint, makeEnv, prepareSweep, type PointEnv, type PreparedSweep, type SweepRow } from "../sweep/prepare.ts";
import type { SweepSpec } from "../sweep/spec.ts";
import { nodeLoader } from "./loader.ts";
import { answerTasks } from "./worker-pool.ts";

/** A batch of points for a worker thread: the spec travels with it (a few kB) and is prepared once per worker. */
export interface SweepTask {
  specHash: string;
  spec: SweepSpec;
  base: Record<string, unknown>;
  baseDir: string;
  indices: number[];
}

export type SweepAnswer = { ok: true; rows: SweepRow[] } | { ok: false; error: string; user: boolean };

const prepared = new Map<string, { prep: PreparedSweep; env: PointEnv }>();

/** Runs a batch of points (in a worker, or in the main thread for --jobs 1). */
export function runSweepTask(t: SweepTask): SweepAnswer {
  try {
    let p = prepared.get(t.specHash);
    if (!p) {
      p = { prep: prepareSweep(t.spec, t.base), env: makeEnv(nodeLoader(t.baseDir)) };
      prepared.set(t.specHash, p);
    }
    const rows = t.indices.map((i) => evaluatePoint(p.prep, i, p.env));
    return { ok: true, rows };
  } catch (e) {
    return { ok: false, error: e instanceof UserError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e), user: e instanceof UserError };
  }
}

// Loaded as a worker entry: answer tasks. (Importing it from the main thread is harmless.)
if (!isMainThread) void answerTasks(runSweepTask);
