import { test } from "node:test";
import assert from "node:assert/strict";
import { columnBuffers, fromColumns, toColumns } from "../../src/web/columns.ts";
import { fromWire, type FromWorkerWire } from "../../src/web/protocol.ts";

const rows = [
  { iteration: 0, startSec: 0, fcUnit: "gpu", energyJoules: -0, note: null as unknown },
  { iteration: 1, startSec: 1.5e-7, fcUnit: "fc-pim", energyJoules: NaN, note: 3 },
  { iteration: 2, startSec: Infinity, fcUnit: "gpu", energyJoules: 0.1 + 0.2, note: "x" },
];

test("columns: the records come back equal, keys in their order, every double exact (-0, NaN, Infinity)", () => {
  const c = toColumns(rows)!;
  assert.deepEqual(c.keys, ["iteration", "startSec", "fcUnit", "energyJoules", "note"]);
  assert.deepEqual(c.columns.map((x) => x.kind), ["number", "number", "string", "number", "any"]);
  // strings as a table of distinct values
  assert.deepEqual(c.columns[2].kind === "string" && [c.columns[2].table, [...c.columns[2].codes]], [["gpu", "fc-pim"], [0, 1, 0]]);
  // through a structured clone with the buffers transferred, as postMessage sends them
  const back = fromColumns<(typeof rows)[number]>(structuredClone(c, { transfer: columnBuffers(c) }));
  assert.deepEqual(back, rows);
  assert.ok(Object.is(back[0].energyJoules, -0));
  for (const r of back) assert.deepEqual(Object.keys(r), Object.keys(rows[0]));
  assert.equal(columnBuffers(c).length, 4); // three number columns and the string codes
});

test("columns: no rows, and rows that are not flat records of the same keys in the same order", () => {
  assert.deepEqual(fromColumns(toColumns([])!), []);
  assert.equal(toColumns([{ a: 1, b: 2 }, { b: 2, a: 1 }]), undefined);
  assert.equal(toColumns([{ a: 1 }, { a: 1, b: 2 }]), undefined);
  assert.equal(toColumns([{ a: 1 }, new (class { a = 1 })()]), undefined);
});

test("fromWire turns a run posted as columns into the run message the page reads; other messages pass as they are", () => {
  const iterations = [{ iteration: 0, fcUnit: "gpu" }, { iteration: 1, fcUnit: "fc-pim" }];
  const requests = [{ id: 7, ttftSec: 0.5 }];
  const wire = { kind: "run-columns", id: 3, result: {}, pim: [], configYaml: "{}\n", runMs: 1, iterations: toColumns(iterations)!, requests: toColumns(requests)! } as unknown as FromWorkerWire;
  const m = fromWire(wire);
  assert.equal(m.kind, "run");
  assert.deepEqual(m, { kind: "run", id: 3, result: {}, pim: [], configYaml: "{}\n", runMs: 1, iterations, requests });
  const other = { kind: "error", id: 1, message: "x", stage: "run" } as const;
  assert.equal(fromWire(other), other);
});
