import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { WorkerPool } from "../../src/node/worker-pool.ts";
import { FIG8_BATCHES } from "../../src/report/experiments.ts";
import { SENSITIVITY_PARAMETERS } from "../../src/report/sensitivity-parameters.ts";
import { STRUCTURAL_CHOICES } from "../../src/report/sensitivity-structural.ts";
import {
  mergeParts, runSensitivityTask, runStructuralTask, runStudyTask, taskParts, type SensitivityTask, type StructuralTask,
} from "../../src/report/sensitivity-worker.ts";
import { formatFactor, partCost, sensitivityWorkerUrl, submitInParts } from "../../src/report/sensitivity.ts";
import { PAPER_SETUP } from "../../src/report/setup.ts";

// one-batch runs (one static batch each) keep these reruns short
const base = { trace: "dolly-creative", seed: 1, protocol: "one-batch" as const, setup: PAPER_SETUP };
const param = (name: string) => SENSITIVITY_PARAMETERS.findIndex((p) => p.name === name);
const choice = (name: string, label: string) => {
  const c = STRUCTURAL_CHOICES.findIndex((x) => x.name === name);
  return { choice: c, option: STRUCTURAL_CHOICES[c].options.findIndex((o) => o.label === label) };
};
// GPU efficiency changes the GPU systems only: attacc-only's parts answer nothing
const sensitivity: SensitivityTask = { ...base, param: param("GPU efficiency"), factor: 0.5, systems: ["papi", "attacc-only", "a100-attacc"] };
const structural: StructuralTask = { ...base, ...choice("GPU collectives", "nccl-graph"), systems: ["papi", "attacc-only"] };

describe("a study task in parts", () => {
  test("one part per (system, batch size); parts of a part are itself", () => {
    const parts = taskParts(sensitivity);
    assert.equal(parts.length, 3 * FIG8_BATCHES.length);
    assert.deepEqual(parts.map((p) => `${p.systems}/${p.batches}`), ["papi", "attacc-only", "a100-attacc"].flatMap((s) => FIG8_BATCHES.map((b) => `${s}/${b}`)));
    assert.ok(parts.every((p) => p.param === sensitivity.param && p.factor === sensitivity.factor && p.setup === sensitivity.setup));
    assert.deepEqual(taskParts(parts[4]), [parts[4]]);
  });

  test("the merged answers of the parts are the task's answer: the same points, the same numbers", () => {
    const whole = runSensitivityTask(sensitivity);
    const parts = taskParts(sensitivity).map(runSensitivityTask);
    assert.equal(Object.keys(whole).length, 2 * 27, "the two GPU systems' points");
    assert.deepEqual(mergeParts(parts), whole);
    // every point in one part only, of its own batch size
    assert.equal(parts.reduce((n, a) => n + Object.keys(a).length, 0), Object.keys(whole).length);
    taskParts(sensitivity).forEach((p, i) => assert.ok(Object.keys(parts[i]).every((k) => k.startsWith(`${p.systems[0]}|`) && k.split("|")[2] === String(p.batches![0]))));
    const s = runStructuralTask(structural);
    assert.equal(Object.keys(s).length, 27, "the collective changes PAPI only of the two");
    assert.deepEqual(mergeParts(taskParts(structural).map(runStructuralTask)), s);
  });

  test("partCost: under all-batches smaller batches first (more iterations); a single batch costs alike at any size", () => {
    assert.ok(partCost({ batches: [4] }, "all-batches") > partCost({ batches: [16] }, "all-batches"));
    assert.ok(partCost({ batches: [16] }, "all-batches") > partCost({ batches: [64] }, "all-batches"));
    assert.equal(partCost({ batches: [4] }, "one-batch"), partCost({ batches: [64] }, "one-batch"));
    // 1 / sqrt(batch): batch 4 costs 0.5, batch 64 0.125; a task of every batch size counts as batch 1
    assert.equal(partCost({ batches: [4] }, "all-batches"), 0.5);
    assert.equal(partCost({ batches: [64] }, "all-batches"), 0.125);
    assert.equal(partCost({}, "all-batches"), 1);
    assert.equal(partCost({ batches: [4] }, "one-batch"), 1);
  });

  test("formatFactor: at most two decimals, no trailing zeros", () => {
    assert.deepEqual([0.25, 0.5, 2 / 3, 1.25, 2].map(formatFactor), ["0.25", "0.5", "0.67", "1.25", "2"]);
  });

  test("submitInParts: on worker threads (the main thread helping), each task's answer in task order", async () => {
    const tasks = [structural, { ...structural, ...choice("PIM token reuse", "per-command") }];
    const pool = new WorkerPool(sensitivityWorkerUrl(), 2);
    try {
      const batch = submitInParts(pool, tasks, "all-batches"); // the protocol orders the parts only
      batch.help(runStudyTask);
      const answers = await batch.results;
      assert.equal(answers.length, 2);
      assert.deepEqual(answers[0], runStudyTask(tasks[0]));
      assert.deepEqual(answers[1], runStudyTask(tasks[1]));
      assert.ok(Object.keys(answers[1]).length === 2 * 27, "token reuse changes both PIM systems");
    } finally {
      await pool.close();
    }
  });
});
