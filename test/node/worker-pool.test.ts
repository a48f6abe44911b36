import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { longestFirst, runInWorkers, submitLongestFirst, WorkerPool } from "../../src/node/worker-pool.ts";
import { square, type PoolTask } from "./fixtures/pool-worker.ts";

const ENTRY = new URL("./fixtures/pool-worker.ts", import.meta.url);
const tasks = (n: number, extra: Partial<PoolTask> = {}): PoolTask[] => Array.from({ length: n }, (_, i) => ({ n: i, ...extra }));

describe("worker pool", () => {
  test("answers in task order whatever thread ran each task; onResult sees every answer once", async () => {
    const seen: number[] = [];
    const r = await runInWorkers<PoolTask, ReturnType<typeof square>>(ENTRY, tasks(40, { spinMs: 1 }), 2, (v, i) => {
      assert.equal(v.n, i);
      seen.push(i);
    });
    assert.deepEqual(r.map((x) => x.square), Array.from({ length: 40 }, (_, i) => i * i));
    assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
    assert.deepEqual(await runInWorkers(ENTRY, [], 2), []);
  });

  test("workers feed themselves while the main thread never yields: every task is done before it yields", async () => {
    const pool = new WorkerPool(ENTRY, 2);
    try {
      await pool.submit(tasks(2)).results; // both workers loaded
      const batch = pool.submit<PoolTask, ReturnType<typeof square>>(tasks(8, { spinMs: 20 }));
      // the main thread busy for 1.5 s without yielding: a pool that hands out tasks from the main thread's event
      // loop would have run at most one task per worker by then
      const start = performance.now();
      while (performance.now() - start < 1500);
      const yieldAtMs = performance.timeOrigin + performance.now();
      const results = await batch.results;
      assert.equal(results.length, 8);
      assert.ok(results.every((r) => r.doneAtMs < yieldAtMs && r.thread !== 0));
    } finally {
      await pool.close();
    }
  });

  test("help: the main thread takes the tasks the workers have not started, the answers are the same", async () => {
    const pool = new WorkerPool(ENTRY, 1);
    try {
      const batch = pool.submit<PoolTask, ReturnType<typeof square>>(tasks(30, { spinMs: 5 }));
      batch.help(square);
      const results = await batch.results;
      assert.deepEqual(results.map((r) => r.square), Array.from({ length: 30 }, (_, i) => i * i));
      assert.ok(results.some((r) => r.thread === 0), "the main thread ran some tasks");
      // a second batch on the same workers
      assert.deepEqual((await pool.submit<PoolTask, ReturnType<typeof square>>(tasks(3)).results).map((r) => r.square), [0, 1, 4]);
    } finally {
      await pool.close();
    }
  });

  test("a task's error rejects the batch (a UserError stays one); a throw from onResult stops it", async () => {
    const bad = tasks(20);
    bad[7] = { n: 7, fail: true, user: true };
    await assert.rejects(runInWorkers(ENTRY, bad, 2), (e: Error) => e instanceof UserError && e.message === "task 7: a user error");
    bad[7] = { n: 7, fail: true };
    await assert.rejects(runInWorkers(ENTRY, bad, 2), (e: Error) => !(e instanceof UserError) && /task 7: a bug/.test(e.message));
    let calls = 0;
    await assert.rejects(
      runInWorkers(ENTRY, tasks(50, { spinMs: 2 }), 2, () => {
        if (++calls === 3) throw new Error("journal full");
      }),
      /journal full/,
    );
    assert.equal(calls, 3, "no answer reaches onResult after the throw");
    // helping on the main thread: the task's error rejects the batch
    const pool = new WorkerPool(ENTRY, 1);
    try {
      const batch = pool.submit<PoolTask, unknown>([{ n: 0, spinMs: 300 }, { n: 1, fail: true, user: true }]);
      batch.help(square);
      await assert.rejects(batch.results, /task 1: a user error/);
    } finally {
      await pool.close();
    }
  });

  test("longestFirst: indices by cost, highest first, equal costs in task order", () => {
    assert.deepEqual(longestFirst([]), []);
    assert.deepEqual(longestFirst([1, 5, 3, 5, 0]), [1, 3, 2, 0, 4]);
    assert.deepEqual(longestFirst([2, 2, 2]), [0, 1, 2]);
  });

  test("submitLongestFirst: tasks run longest first, answers (and onResult's indices) come back in task order", async () => {
    // One worker runs the tasks one after another in the order sent, so finishing times give that order; the costs
    // are the tasks' spin times, listed out of order. Sent in task order, task 0 (5 ms) would finish first.
    const spinMs = [5, 40, 1, 20, 40, 10];
    const pool = new WorkerPool(ENTRY, 1);
    try {
      const seen: [number, number][] = [];
      const batch = submitLongestFirst<PoolTask, ReturnType<typeof square>>(pool, spinMs.map((ms, n) => ({ n, spinMs: ms })), (t) => t.spinMs!, (v, i) => seen.push([v.n, i]));
      const results = await batch.results;
      assert.deepEqual(results.map((r) => r.n), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(results.map((r) => r.square), [0, 1, 4, 9, 16, 25]);
      const ranOrder = [...results].sort((a, b) => a.doneAtMs - b.doneAtMs).map((r) => r.n);
      assert.deepEqual(ranOrder, [1, 4, 3, 5, 0, 2]);
      assert.ok(seen.every(([n, i]) => n === i) && seen.length === 6);
      // the main thread helping takes from the same longest-first order, answers still in task order
      const helped = submitLongestFirst<PoolTask, ReturnType<typeof square>>(pool, spinMs.map((ms, n) => ({ n, spinMs: ms })), (t) => t.spinMs!);
      helped.help(square);
      assert.deepEqual((await helped.results).map((r) => r.n), [0, 1, 2, 3, 4, 5]);
    } finally {
      await pool.close();
    }
  });

  test("a worker that exits rejects the batch instead of leaving it waiting", async () => {
    await assert.rejects(runInWorkers(ENTRY, [{ n: 0, exit: true }, { n: 1 }], 1), /exited \(code 3\)/);
  });
});
