import { test } from "node:test";
import assert from "node:assert/strict";
import { designLabel, gpuLabel, modelLabel, systemLabel, withModelLabels } from "../../src/report/labels.ts";

test("the paper's spellings of systems, models and GPUs; unknown ids kept", () => {
  assert.equal(systemLabel("a100-hbmpim"), "A100+HBM-PIM");
  assert.equal(systemLabel("pim-only-papi"), "PIM-only PAPI");
  assert.equal(systemLabel("gpu-only"), "GPU-only");
  assert.equal(systemLabel("mine"), "mine");
  assert.equal(modelLabel("gpt3-175b"), "GPT-3 175B");
  assert.equal(modelLabel("opt-30b"), "OPT-30B");
  assert.equal(modelLabel("tiny"), "tiny");
  assert.equal(gpuLabel("a100-80gb"), "A100 (80 GB)");
  assert.equal(gpuLabel("h200-sxm"), "H200");
  assert.equal(gpuLabel("b200"), "b200");
});

test("chart rows get model labels, the input rows are untouched; xPyB names", () => {
  const rows = [{ model: "llama-65b", x: 1 }];
  assert.deepEqual(withModelLabels(rows), [{ model: "LLaMA-65B", x: 1 }]);
  assert.equal(rows[0].model, "llama-65b");
  assert.equal(designLabel({ numFpus: 4, numBanksPerFpuGroup: 1 }), "4P1B");
  assert.equal(designLabel({ numFpus: 1, numBanksPerFpuGroup: 2 }), "1P2B");
});
