import { availableParallelism } from "node:os";
import Tinypool from "tinypool";
import { UserError } from "../core/errors.ts";

/**
 * Runs tasks on worker threads (tinypool) and returns the answers in task order, so the result does not depend on
 * scheduling. The entry module's default export answers one task (wrap the handler with `workerTask`). In the
 * shipped package the entry is compiled JavaScript; under the test runner (TypeScript through tsx) a `.ts` entry is
 * loaded with tsx's loader in the workers too. A UserError thrown in a worker is a UserError here.
 */
export async function runInWorkers<T, R>(entry: URL, tasks: readonly T[], maxWorkers = availableParallelism()): Promise<R[]> {
  if (tasks.length === 0) return [];
  const threads = Math.max(1, Math.min(maxWorkers, tasks.length));
  const pool = new Tinypool({
    filename: entry.href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: entry.pathname.endsWith(".ts") ? ["--import", "tsx"] : [],
  });
  try {
    const answers = await Promise.all(tasks.map((t) => pool.run(t) as Promise<WorkerAnswer<R>>));
    return answers.map((a) => {
      if (a.ok) return a.value;
      throw a.user ? new UserError(a.error) : new Error(a.error);
    });
  } finally {
    await pool.destroy();
  }
}

type WorkerAnswer<R> = { ok: true; value: R } | { ok: false; error: string; user: boolean };

/** The worker side: `export default workerTask(handle)` answers each task, turning errors into messages. */
export function workerTask<T, R>(handle: (task: T) => R): (task: T) => WorkerAnswer<R> {
  return (task) => {
    try {
      return { ok: true, value: handle(task) };
    } catch (e) {
      return { ok: false, error: (e as Error).message, user: e instanceof UserError };
    }
  };
}

/** URL of a sibling module of `base` (an import.meta.url), with the extension the running code uses (.ts or .js). */
export function siblingModule(base: string, stem: string): URL {
  const ext = base.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./${stem}${ext}`, base);
}
