import { test } from "node:test";
import assert from "node:assert/strict";
import { sweepWorkerCount } from "../../src/sweep/jobs.ts";

test("--jobs: as given up to the available CPUs, clamped above them with a notice; omitted: every CPU", () => {
  assert.deepEqual(sweepWorkerCount(undefined, 8), { jobs: 8 });
  assert.deepEqual(sweepWorkerCount(1, 8), { jobs: 1 });
  assert.deepEqual(sweepWorkerCount(8, 8), { jobs: 8 });
  const c = sweepWorkerCount(9, 8);
  assert.equal(c.jobs, 8);
  assert.equal(c.notice, "papi sweep: --jobs 9 is more than the 8 CPUs this process may use; running 8 worker threads (results do not depend on --jobs)");
  assert.equal(sweepWorkerCount(1024, 1).notice, "papi sweep: --jobs 1024 is more than the 1 CPU this process may use; running 1 worker thread (results do not depend on --jobs)");
  assert.deepEqual(sweepWorkerCount(undefined, 0), { jobs: 1 });
});

test("--jobs: a fractional CPU count is rounded down, never below one worker", () => {
  assert.deepEqual(sweepWorkerCount(undefined, 2.7), { jobs: 2 });
  assert.deepEqual(sweepWorkerCount(3, 2.7), { jobs: 2, notice: "papi sweep: --jobs 3 is more than the 2 CPUs this process may use; running 2 worker threads (results do not depend on --jobs)" });
  assert.deepEqual(sweepWorkerCount(undefined, 0.5), { jobs: 1 });
});
