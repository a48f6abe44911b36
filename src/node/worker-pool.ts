import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { UserError } from "../core/errors.ts";

/**
 * Runs tasks on worker threads (one module, `entry`, that answers each posted task with one message) and returns
 * the answers in task order, so the result does not depend on scheduling. With one core or one task it still uses
 * a worker, keeping a single code path. The entry answers `{ ok: true, value }` or `{ ok: false, error, user }`
 * (use `answerTasks`). In the shipped package `entry` is compiled JavaScript; under the test runner (TypeScript
 * sources through tsx) a `.ts` entry is loaded with tsx's loader in the worker too.
 */
export async function runInWorkers<T, R>(entry: URL, tasks: readonly T[], maxWorkers = availableParallelism()): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  if (tasks.length === 0) return results;
  let next = 0;
  const execArgv = entry.pathname.endsWith(".ts") ? ["--import", "tsx"] : [];
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(entry, { execArgv });
      const feed = () => {
        if (next >= tasks.length) {
          void w.terminate().then(() => resolve());
          return;
        }
        const i = next++;
        w.once("message", (m: { ok: true; value: R } | { ok: false; error: string; user: boolean }) => {
          if (m.ok) {
            results[i] = m.value;
            feed();
          } else {
            void w.terminate();
            reject(m.user ? new UserError(m.error) : new Error(m.error));
          }
        });
        w.postMessage(tasks[i]);
      };
      w.once("error", reject);
      w.once("online", feed);
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(maxWorkers, tasks.length)) }, one));
  return results;
}

/** The worker side: answers every posted task with `handle(task)`, turning errors into messages. */
export async function answerTasks<T, R>(handle: (task: T) => R): Promise<void> {
  const { parentPort } = await import("node:worker_threads");
  parentPort!.on("message", (task: T) => {
    try {
      parentPort!.postMessage({ ok: true, value: handle(task) });
    } catch (e) {
      parentPort!.postMessage({ ok: false, error: (e as Error).message, user: e instanceof UserError });
    }
  });
}

/** URL of a sibling module of `base` (an import.meta.url), with the extension the running code uses (.ts or .js). */
export function siblingModule(base: string, stem: string): URL {
  const ext = base.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./${stem}${ext}`, base);
}
