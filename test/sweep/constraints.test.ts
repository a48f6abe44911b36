import { roleDevices } from "../../src/systems/devices.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeLoader } from "../../src/node/loader.ts";
import { parseRunConfig } from "../../src/serving/run.ts";
import { resolveSystem } from "../../src/systems/resolve.ts";
import { areaConstraint, pimDieAreaMm2, systemHbmAreaMm2 } from "../../src/sweep/constraints/area.ts";
import { activeConstraints, CONSTRAINT_NAMES } from "../../src/sweep/constraints/index.ts";
import { POINT_METRICS } from "../../src/sweep/metrics.ts";
import { PointState } from "../../src/sweep/point-state.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const point = (raw: Record<string, unknown>) => new PointState(0, parseRunConfig({ system: "papi", requests: 4, batch: 4, ...raw }), nodeLoader(), new Map());

test("die and system areas by the paper's rule: banks x (FPUs per bank x 0.1025 + 0.83) mm2", () => {
  const papi = resolveSystem("papi");
  // FC-PIM 4P1B, 3 of 4 bank groups: 96 banks per die; Attn-PIM 1P2B: 128 banks, half an FPU each
  close(pimDieAreaMm2(roleDevices(papi).fcPim!), 96 * (4 * 0.1025 + 0.83));
  close(pimDieAreaMm2(roleDevices(papi).attnPim!), 128 * (0.5 * 0.1025 + 0.83));
  // 30 FC stacks and 60 attention stacks of 8 dies
  close(systemHbmAreaMm2(papi), 30 * 8 * 96 * (4 * 0.1025 + 0.83) + 60 * 8 * 128 * (0.5 * 0.1025 + 0.83));
  // plain HBM (no FPUs): 1024 banks over 8 dies at the bank area; no attention stacks
  close(systemHbmAreaMm2(resolveSystem("gpu-only")), 30 * 8 * 128 * 0.83);
  close(systemHbmAreaMm2(resolveSystem("a100-attacc")), 30 * 8 * 128 * 0.83 + 60 * 8 * 128 * (1 * 0.1025 + 0.83));
});

test("the area constraint reports the resolver's area message; an area-infeasible design still has its area", () => {
  assert.equal(areaConstraint.check(point({}), {}), null);
  const big = point({ hardware: { fcPim: { numFpus: 8 } } });
  assert.match(areaConstraint.check(big, {}) ?? "", /158\.4 mm2 > area\.maxDieAreaMm2 121/);
  // areaMm2 of that design, from its spec with the area limit lifted: 96 x (8 x 0.1025 + 0.83) = 158.4 per FC die
  close(POINT_METRICS.areaMm2.of(big, {}) as number, 30 * 8 * 158.4 + 60 * 8 * 128 * (0.5 * 0.1025 + 0.83));
  close(POINT_METRICS.fcPimDieAreaMm2.of(big, {}) as number, 158.4);
  close(POINT_METRICS.attnPimDieAreaMm2.of(big, {}) as number, 128 * (0.5 * 0.1025 + 0.83));
  assert.equal(POINT_METRICS.fcPimDieAreaMm2.of(point({ system: "gpu-only" }), {}), null);
  // a design that fails for another reason is not the area constraint's
  const other = point({ hardware: { fcPim: { numBanksPerFpuGroup: 3 } } });
  assert.ok("error" in other.specOrError());
  assert.equal(areaConstraint.check(other, {}), null);
  assert.equal(POINT_METRICS.areaMm2.of(other, {}), null);
});

test("active constraints: all by default in checking order, a list, a mapping with options or false", () => {
  const names = (s: Parameters<typeof activeConstraints>[0]) => activeConstraints(s).map((c) => c.constraint.name);
  assert.deepEqual(CONSTRAINT_NAMES, ["area", "capacity", "power"]);
  assert.deepEqual(names(undefined), ["area", "capacity", "power"]);
  assert.deepEqual(names(["power", "area"]), ["area", "power"]);
  assert.deepEqual(names({ area: true, capacity: false, power: { mode: "model" } }), ["area", "power"]);
  assert.deepEqual(names([]), []);
  assert.deepEqual(activeConstraints({ power: { mode: "model", budgetWatts: 20 } })[0].options, { mode: "model", budgetWatts: 20 });
  assert.deepEqual(activeConstraints({ power: true })[0].options, { mode: "fpu-peak" });
  assert.throws(() => activeConstraints(["area", "pwoer"]), /^UserError: constraints: unknown constraint "pwoer" \(did you mean "power"\?\); known: area, capacity, power$/);
  assert.throws(() => activeConstraints({ power: { budgetWatts: 0 } }), /^UserError: constraints\.power: .*budgetWatts: must be > 0/);
  assert.throws(() => activeConstraints({ power: { mode: "peak" } }), /^UserError: constraints\.power: /);
  assert.throws(() => activeConstraints({ area: { x: 1 } }), /^UserError: constraints\.area: /);
});
