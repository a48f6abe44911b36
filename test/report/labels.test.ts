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

test("every system, model and GPU the report names has its paper spelling", () => {
  assert.deepEqual(["a100-attacc", "a100-hbmpim", "attacc-only", "papi", "pim-only-papi", "gpu-only"].map(systemLabel), ["A100+AttAcc", "A100+HBM-PIM", "AttAcc-only", "PAPI", "PIM-only PAPI", "GPU-only"]);
  assert.deepEqual(["llama-65b", "gpt3-66b", "gpt3-175b", "opt-30b"].map(modelLabel), ["LLaMA-65B", "GPT-3 66B", "GPT-3 175B", "OPT-30B"]);
  assert.deepEqual(["a100-hbm3", "a100-80gb", "h100-sxm", "h200-sxm"].map(gpuLabel), ["A100", "A100 (80 GB)", "H100", "H200"]);
  assert.equal(withModelLabels([{ model: null }])[0].model, "null");
});
