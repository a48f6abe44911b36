import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";

test("sweep ranges: finite ends, a span a double holds, a positive finite step, a bounded count; one-line errors naming the path", () => {
  const err = (spec: unknown, re: RegExp) => assert.throws(() => parseSweepSpec(spec, "s.yaml"), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"));
  err({ grid: { batch: { from: -1e308, to: 1e308, num: 3 } } }, /^s\.yaml: grid\.batch\.to: to - from must be a finite number/);
  err({ grid: { batch: { from: -1e308, to: 1e308, step: 1 } } }, /grid\.batch\.to: to - from must be a finite number/);
  err({ grid: { batch: { from: 1, to: 2, step: 0 } } }, /grid\.batch\.step: must be > 0/);
  err({ grid: { batch: { from: 1, to: 2, num: 2_000_000 } } }, /grid\.batch\.num: must be <= 1000000/);
  err({ random: { samples: 1e9, params: { batch: { uniform: [1, 2] } } } }, /random\.samples: must be <= 100000/);
  assert.deepEqual(parseSweepSpec({ grid: { batch: { from: 1, to: 8, num: 4, log: true } } }).grid.batch, { from: 1, to: 8, num: 4, log: true });
  assert.deepEqual(parseSweepSpec({ grid: { alpha: { from: -1e300, to: 1e300, step: 1e299 } } }).grid.alpha, { from: -1e300, to: 1e300, step: 1e299 });
});

test("random draws: integer is off unless asked; params must name a path", () => {
  const s = parseSweepSpec({ random: { samples: 2, params: { "assumptions.x": { uniform: [1, 2] }, y: { logUniform: [1, 2], integer: true } } } }, "s.yaml");
  assert.equal((s.random!.params["assumptions.x"] as { integer: boolean }).integer, false);
  assert.equal((s.random!.params.y as { integer: boolean }).integer, true);
  assert.throws(() => parseSweepSpec({ random: { samples: 2, params: {} } }, "s.yaml"), /random\.params: must name at least one path/);
});

test("an empty or missing spec takes every default (nothing to sweep is expand's error, not the parser's)", () => {
  const defaults = { name: "sweep", description: "", base: {}, grid: {}, zip: [], pareto: { over: [], references: {} } };
  assert.deepEqual(parseSweepSpec(undefined), defaults);
  assert.deepEqual(parseSweepSpec(null), defaults);
  assert.deepEqual(parseSweepSpec({}), defaults);
  assert.deepEqual(parseSweepSpec({ pareto: {} }).pareto, { over: [], references: {} });
  assert.equal(parseSweepSpec({ random: { samples: 1, params: { alpha: { uniform: [1, 2] } } } }).random!.seed, 1);
  assert.throws(() => parseSweepSpec({ metrics: [] }, "s.yaml"), /^UserError: s\.yaml: metrics: must list at least one metric/);
});

test("pareto defaults: axis columns are non-empty names", () => {
  const p = parseSweepSpec({ pareto: { x: "latencySec", y: "energyJoules", z: "areaMm2", over: ["model"] } }).pareto;
  assert.deepEqual(p, { x: "latencySec", y: "energyJoules", z: "areaMm2", over: ["model"], references: {} });
  for (const axis of ["x", "y", "z"]) assert.throws(() => parseSweepSpec({ pareto: { [axis]: "" } }, "s.yaml"), new RegExp(`pareto\\.${axis}`), axis);
});
