import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { UserError } from "../core/errors.ts";

/**
 * Runs tasks on worker threads (one module, `entry`, that answers each posted task with one message) and returns
 * the answers in task order, so the result does not depend on scheduling. With one core or one task it still uses
 * a worker, keeping a single code path. The entry answers `{ ok: true, value }` or `{ ok: false, error, user }`
 * (use `answerTasks`). In the shipped package `entry` is compiled JavaScript; under the test runner (TypeScript
 * sources through tsx) a `.ts` entry is loaded with tsx's loader in the worker too. `onResult` sees each answer as it
 * arrives (progress, journals); a throw from it stops the pool. (tinypool cannot load a `.ts` entry under tsx:
 * its worker imports the entry after start-up, outside tsx's loader, so papi keeps this small pool.)
 */
export async function runInWorkers<T, R>(entry: URL, tasks: readonly T[], maxWorkers = availableParallelism(), onResult?: (value: R, index: number) => void): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  if (tasks.length === 0) return results;
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const w = startWorker(entry);
      const feed = () => {
        if (next >= tasks.length) {
          void w.terminate().then(() => resolve());
          return;
        }
        const i = next++;
        w.once("message", (m: { ok: true; value: R } | { ok: false; error: string; user: boolean }) => {
          if (m.ok) {
            results[i] = m.value;
            try {
              onResult?.(m.value, i);
            } catch (e) {
              void w.terminate();
              reject(e);
              return;
            }
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

/**
 * A worker running `entry`. A `.ts` entry (the test runner runs the TypeScript sources) starts on a two-line
 * bootstrap that imports it through tsx's API: `--import tsx` in a worker's execArgv does not reach its module loads
 * on Node 20 ("Unknown file extension .ts").
 */
function startWorker(entry: URL): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry);
  const api = import.meta.resolve("tsx/esm/api");
  const boot = `const { tsImport } = await import(${JSON.stringify(api)}); await tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
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
