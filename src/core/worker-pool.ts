import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { UserError } from "./errors.ts";

/**
 * Runs tasks on worker threads (one TypeScript module, `entry`, that answers each posted task with one message)
 * and returns the answers in task order, so the result does not depend on scheduling. With one core or one
 * task it still uses a worker, keeping a single code path. The entry answers `{ ok: true, value }` or
 * `{ ok: false, error, user }` (use `answerTasks`).
 */
export async function runInWorkers<T, R>(entry: URL, tasks: readonly T[], maxWorkers = availableParallelism()): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  if (tasks.length === 0) return results;
  let next = 0;
  const boot = new URL("./worker-boot.mjs", import.meta.url);
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(boot, { workerData: { entry: entry.href } });
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
