import { test } from "node:test";
import assert from "node:assert/strict";
import { metricColumns, sweptColumns } from "../../../src/report/sweep/merge.ts";

const meta = {
  columns: ["index", "pointId", "status", "reason", "batch", "model", "hardware.fcPim.numFpus", "seed", "latencySec", "energyJoules"],
  spec: { grid: { batch: [4, 8] }, zip: [{ model: ["a", "b"] }, { "hardware.fcPim.numFpus": [1, 4] }], random: { params: { seed: {} } } },
};

test("sweptColumns: the grid, zip and random paths, in table column order", () => {
  assert.deepEqual(sweptColumns(meta), ["batch", "model", "hardware.fcPim.numFpus", "seed"]);
  assert.deepEqual(sweptColumns({ ...meta, spec: { grid: { batch: [1] } } }), ["batch"]);
  assert.deepEqual(sweptColumns({ ...meta, spec: { random: { params: { seed: {} } } } }), ["seed"]);
  assert.deepEqual(sweptColumns({ ...meta, spec: { zip: [{ model: [] }] } }), ["model"]);
  assert.deepEqual(sweptColumns({ ...meta, spec: {} }), []);
});

test("metricColumns: every column neither swept nor bookkeeping", () => {
  assert.deepEqual(metricColumns(meta), ["latencySec", "energyJoules"]);
  assert.deepEqual(metricColumns({ ...meta, spec: {} }), ["batch", "model", "hardware.fcPim.numFpus", "seed", "latencySec", "energyJoules"]);
});
