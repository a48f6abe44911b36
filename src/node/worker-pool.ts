import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { UserError } from "../core/errors.ts";

/**
 * Worker threads that run one module, `entry`, which answers tasks with `answerTasks(handle)`.
 *
 * Workers feed themselves: a batch of tasks goes to every worker once, with a shared counter (a SharedArrayBuffer),
 * and each worker takes the next index with Atomics.add until none is left. So workers stay busy while the main
 * thread computes without yielding (papi reproduce's figures); only their answers wait for the main thread's event
 * loop, and nothing depends on when they arrive: results are returned in task order. The main thread may take
 * tasks from the same counter itself (`help`) once it has nothing else to do, so the last tasks spread over every
 * thread. Workers start when the pool is made, so their module loading overlaps whatever the caller does before
 * submitting. With one core or one task it still uses a worker, keeping a single code path.
 *
 * In the shipped package `entry` is compiled JavaScript; under the test runner (TypeScript sources through tsx) a
 * `.ts` entry is loaded with tsx's loader in the worker too. (tinypool cannot load a `.ts` entry under tsx: its
 * worker imports the entry after start-up, outside tsx's loader, so papi keeps this small pool.)
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private nextBatch = 0;
  private closed = false;
  /** the first fatal error of a worker (a crash, or an entry that failed to load): every pending batch fails with it */
  private failure: Error | undefined;
  private readonly pending = new Set<(e: Error) => void>();

  constructor(entry: URL, size = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => startWorker(entry));
    for (const w of this.workers) {
      w.on("error", (e) => this.fail(e));
      // a worker ends only when the pool closes it: an entry that never listens (or exits) would leave tasks unanswered
      w.on("exit", (code) => {
        if (!this.closed) this.fail(new Error(`worker thread ${entry.pathname} exited (code ${code}) while the pool was open`));
      });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const reject of [...this.pending]) reject(this.failure);
  }

  /**
   * Runs `tasks` on the workers; the promise gives the answers in task order. `onResult` sees each answer as it
   * arrives (progress, journals); a throw from it, a task's error or a worker's failure stops the batch (no worker
   * takes another of its tasks) and rejects the promise. `help(handle)` runs the batch's remaining tasks on the
   * calling thread with `handle` (the function the entry answers with), synchronously.
   */
  submit<T, R>(tasks: readonly T[], onResult?: (value: R, index: number) => void): PoolBatch<T, R> {
    if (this.closed) throw new Error("worker pool: closed");
    const id = this.nextBatch++;
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const results: R[] = new Array(tasks.length);
    let done = 0;
    let settled = false;
    let resolve!: (r: R[]) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<R[]>((ok, no) => {
      resolve = ok;
      reject = no;
    });
    const stop = (e: Error) => {
      if (settled) return;
      settled = true;
      Atomics.store(counter, 0, tasks.length); // no thread takes another task of this batch
      cleanup();
      reject(e);
    };
    const accept = (index: number, value: R) => {
      if (settled) return;
      results[index] = value;
      try {
        onResult?.(value, index);
      } catch (e) {
        stop(e as Error);
        return;
      }
      if (++done === tasks.length) {
        settled = true;
        cleanup();
        resolve(results);
      }
    };
    const onMessage = (m: Answer<R>) => {
      if (m.batch !== id) return;
      if (m.ok) accept(m.index, m.value);
      else stop(m.user ? new UserError(m.error) : new Error(m.error));
    };
    const cleanup = () => {
      this.pending.delete(stop);
      for (const w of this.workers) w.off("message", onMessage);
    };
    if (tasks.length === 0) {
      settled = true;
      resolve(results);
    } else if (this.failure) {
      stop(this.failure);
    } else {
      this.pending.add(stop);
      for (const w of this.workers) {
        w.on("message", onMessage);
        w.postMessage({ batch: id, tasks, counter } satisfies BatchMessage<T>);
      }
    }
    return {
      results: promise,
      help: (handle: (task: T) => R) => {
        for (let i = Atomics.add(counter, 0, 1); i < tasks.length && !settled; i = Atomics.add(counter, 0, 1)) {
          let value: R;
          try {
            value = handle(tasks[i]);
          } catch (e) {
            stop(e as Error);
            return;
          }
          accept(i, value);
        }
      },
    };
  }

  /** Stops every worker (a batch still running is rejected). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error("worker pool: closed"));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export interface PoolBatch<T, R> {
  results: Promise<R[]>;
  /** Runs the batch's remaining tasks on this thread (the workers keep taking theirs meanwhile). */
  help(handle: (task: T) => R): void;
}

/** Task indices by cost, highest first; equal costs keep task order. */
export function longestFirst(costs: readonly number[]): number[] {
  return costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
}

/**
 * `pool.submit` with the tasks sent in longestFirst order of `costOf` (an estimate: only which thread runs what, and
 * when, depends on it), so the last tasks any thread takes are short ones and no thread is left running a long task
 * while the others are idle. The answers still come back in task order, and `onResult` sees each with its task's
 * index, whatever order the tasks ran or finished in.
 */
export function submitLongestFirst<T, R>(pool: WorkerPool, tasks: readonly T[], costOf: (task: T) => number, onResult?: (value: R, index: number) => void): PoolBatch<T, R> {
  const order = longestFirst(tasks.map(costOf));
  const batch = pool.submit<T, R>(
    order.map((i) => tasks[i]),
    onResult && ((value, j) => onResult(value, order[j])),
  );
  return {
    results: batch.results.then((sent) => {
      const out: R[] = new Array(tasks.length);
      order.forEach((i, j) => (out[i] = sent[j]));
      return out;
    }),
    help: batch.help,
  };
}

interface BatchMessage<T> {
  batch: number;
  tasks: readonly T[];
  counter: Int32Array;
}

type Answer<R> = { batch: number; index: number; ok: true; value: R } | { batch: number; index: number; ok: false; error: string; user: boolean };

/**
 * Runs tasks on a pool of at most `maxWorkers` worker threads (one per task at most) and returns the answers in task
 * order; `onResult` sees each answer as it arrives, and a throw from it stops the pool. The workers end with it.
 */
export async function runInWorkers<T, R>(entry: URL, tasks: readonly T[], maxWorkers = availableParallelism(), onResult?: (value: R, index: number) => void): Promise<R[]> {
  if (tasks.length === 0) return [];
  const pool = new WorkerPool(entry, Math.min(maxWorkers, tasks.length));
  try {
    return await pool.submit<T, R>(tasks, onResult).results;
  } finally {
    await pool.close();
  }
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

/**
 * The worker side: for every batch posted, takes tasks from its shared counter until none is left and answers each
 * with `handle(task)` (errors become answers that stop the batch). Batches run one after another, in posting order.
 */
export async function answerTasks<T, R>(handle: (task: T) => R): Promise<void> {
  const { parentPort } = await import("node:worker_threads");
  parentPort!.on("message", ({ batch, tasks, counter }: BatchMessage<T>) => {
    for (let index = Atomics.add(counter, 0, 1); index < tasks.length; index = Atomics.add(counter, 0, 1)) {
      let answer: Answer<R>;
      try {
        answer = { batch, index, ok: true, value: handle(tasks[index]) };
      } catch (e) {
        answer = { batch, index, ok: false, error: (e as Error).message, user: e instanceof UserError };
      }
      parentPort!.postMessage(answer);
      if (!answer.ok) return;
    }
  });
}

/** URL of a sibling module of `base` (an import.meta.url), with the extension the running code uses (.ts or .js). */
export function siblingModule(base: string, stem: string): URL {
  const ext = base.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./${stem}${ext}`, base);
}
