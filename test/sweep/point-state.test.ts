import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeLoader } from "../../src/node/loader.ts";
import { parseRunConfig } from "../../src/serving/run.ts";
import { areaConstraint } from "../../src/sweep/constraints/area.ts";
import { powerChecks } from "../../src/sweep/constraints/power.ts";
import { POINT_METRICS } from "../../src/sweep/metrics.ts";
import { PointState } from "../../src/sweep/point-state.ts";

const loader = nodeLoader();
const point = (raw: Record<string, unknown>, cache = new Map()) =>
  new PointState(0, parseRunConfig({ system: "papi", trace: "fixed:16:4", requests: 4, batch: 4, ...raw }), loader, cache);
const metric = (name: string, raw: Record<string, unknown>, power = {}) => POINT_METRICS[name].of(point(raw), power);

test("point state: requests are loaded once per trace options and shared; RLP is capped by the batch and the requests", () => {
  const cache = new Map();
  const a = point({ batch: 16 }, cache).requests();
  assert.equal(a.length, 4);
  assert.equal(point({ batch: 2, spec: 1 }, cache).requests(), a, "same trace, count, seed and rate: the same list");
  assert.notEqual(point({ requests: 5 }, cache).requests(), a);
  assert.equal(cache.size, 2);
  assert.equal(point({ batch: 16 }).maxRlp(), 4);
  assert.equal(point({ batch: 3 }).maxRlp(), 3);
  // alpha: the scheduler's (a given alpha for PAPI's rule, NaN for a fixed mapping)
  assert.equal(point({ alpha: 7 }).alpha(), 7);
  assert.ok(Number.isNaN(point({ scheduler: "static-gpu" }).alpha()));
});

test("point state: an area-infeasible attention-PIM design still resolves with the limit lifted (4 FPUs per bank: 158.72 mm2)", () => {
  // a100-attacc's AttAcc 1P1B with 4 FPUs per bank: 128 banks per die x (4 x 0.1025 + 0.83) = 158.72 mm2 > 121
  const p = point({ system: "a100-attacc", hardware: { attnPim: { numFpus: 4 } } });
  assert.ok("error" in p.specOrError());
  assert.throws(() => p.spec());
  assert.match(areaConstraint.check(p, {}) ?? "", /hardware\.attnPim\.numFpus: 4P1B .* 158\.7 mm2 > area\.maxDieAreaMm2 121/);
  assert.ok(Math.abs((POINT_METRICS.attnPimDieAreaMm2.of(p, {}) as number) - 158.72) < 1e-9);
  assert.equal(POINT_METRICS.fcPimDieAreaMm2.of(p, {}), null, "no FC-PIM on a100-attacc");
  // a design that resolves: the relaxed spec is the spec itself
  const ok = point({});
  assert.equal(ok.relaxedSpec(), ok.spec());
});

test("power metrics: the power check's watts and reuse per unit; null without that unit, an unresolved design or weights that do not fit", () => {
  const checks = powerChecks(point({ alpha: 100 }), {});
  const fc = checks.find((c) => c.unit === "FC-PIM")!;
  const at = checks.find((c) => c.unit === "attention PIM")!;
  assert.equal(metric("fcPimPowerWatts", { alpha: 100 }), fc.watts);
  assert.equal(metric("fcPimReuse", { alpha: 100 }), 16); // 4 requests x TLP 4
  assert.equal(metric("attnPimPowerWatts", { alpha: 100 }), at.watts);
  assert.equal(metric("attnPimReuse", { alpha: 100 }), at.reuse);
  assert.notEqual(fc.watts, at.watts);
  assert.equal(metric("fcPimPowerWatts", { alpha: 100 }, { mode: "model" }), powerChecks(point({ alpha: 100 }), { mode: "model" }).find((c) => c.unit === "FC-PIM")!.watts);
  assert.equal(metric("fcPimPowerWatts", { system: "a100-attacc" }), null);
  assert.equal(typeof metric("attnPimPowerWatts", { system: "a100-attacc" }), "number");
  assert.equal(metric("attnPimReuse", { system: "gpu-only" }), null);
  assert.equal(metric("fcPimReuse", { scheduler: "static-gpu" }), null);
  assert.equal(metric("fcPimPowerWatts", { hardware: { fcPim: { numFpus: 8 } } }), null);
  assert.equal(metric("attnPimPowerWatts", { model: "gpt3-175b", fcStacks: 6 }), null);
});
