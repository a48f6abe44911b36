import { roleDevices } from "../../src/systems/devices.ts";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { Experiments, type PointSpec } from "../../src/report/experiments.ts";
import { scaleAttentionLinkBandwidth, SENSITIVITY_PARAMETERS } from "../../src/report/sensitivity-parameters.ts";
import { runSensitivityTask } from "../../src/report/sensitivity-worker.ts";
import { crossing, missedNumbers } from "../../src/report/sensitivity.ts";
import { PAPER_SETUP, setupSystem, type ReportSetup } from "../../src/report/setup.ts";
import { runOnce } from "../../src/serving/run.ts";
import type { RequestSpec } from "../../src/serving/trace.ts";

const reqs = (pairs: [number, number][]): RequestSpec[] =>
  pairs.map(([i, o], id) => ({ id, arrivalSec: 0, inputTokens: i, outputTokens: o }));

describe("properties", () => {
  test("the analytic attention-link what-if equals a rerun with that bandwidth (static batches from time 0)", () =>
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 80 })), { minLength: 1, maxLength: 10 }),
        fc.constantFrom("a100-attacc", "papi", "attacc-only", "pim-only-papi"),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0.25, 0.5, 2, 4),
        (pairs, system, batch, spec, f) => {
          const requests = reqs(pairs);
          const cfg = { system, model: "llama-65b", trace: "fixed:1:1", batch, spec };
          const base = runOnce(cfg, { requests });
          const rerun = runOnce({ ...cfg, hardware: { links: { attention: { bandwidthBytesPerSec: LINK_PRESETS.pcie5.bandwidthBytesPerSec * f } } } }, { requests });
          const est = scaleAttentionLinkBandwidth(base, f);
          assert.ok(Math.abs(est.latencySec - rerun.latencySec) <= 1e-9 * rerun.latencySec, `${est.latencySec} vs ${rerun.latencySec}`);
          assert.ok(Math.abs(est.energyJoules - rerun.energyJoules) <= 1e-9 * rerun.energyJoules, `${est.energyJoules} vs ${rerun.energyJoules}`);
        },
      ),
      { numRuns: 40 },
    ));

  test("the analytic static-power what-if equals a rerun with that static power", () => {
    const p = SENSITIVITY_PARAMETERS.find((x) => x.name === "GPU static power")!;
    const requests = reqs([[100, 40], [20, 9], [300, 70]]);
    const cfg = { system: "papi", model: "llama-65b", trace: "fixed:1:1", batch: 2, spec: 2 };
    const base = runOnce(cfg, { requests });
    for (const f of [0.25, 2]) {
      const rerun = runOnce({ ...cfg, hardware: { gpu: { staticPowerWatts: GPU_PRESETS["a100-hbm3"].staticPowerWatts * f } } }, { requests });
      const est = p.adjust!(base, f);
      assert.ok(Math.abs(est.energyJoules - rerun.energyJoules) <= 1e-9 * rerun.energyJoules);
      assert.equal(est.latencySec, rerun.latencySec);
    }
  });
});

describe("the study's parameters", () => {
  const exp = (setup: ReportSetup = PAPER_SETUP) => new Experiments("dolly-creative", 1, setup);
  const param = (name: string) => SENSITIVITY_PARAMETERS.find((x) => x.name === name)!;
  const pt = (system: string) => ({ system, model: "llama-65b", batch: 4, spec: 2 });
  const resolved = (p: PointSpec, e: Experiments) => setupSystem(p, e.setup);

  test("each has ascending factors that include 1, and leaves the point alone at 1", () => {
    for (const p of SENSITIVITY_PARAMETERS) {
      assert.ok(p.factors.includes(1), p.name);
      assert.deepEqual([...p.factors].sort((a, b) => a - b), [...p.factors], p.name);
      const point = pt("papi");
      assert.equal(p.apply(point, 1, exp()), point, p.name);
    }
  });

  test("MAC spacing: whole clocks from the documented 6 tCK (4 = nCCDAB, 8, 12), scaled from the setup's HBM", () => {
    const p = param("PIM MAC spacing");
    const spacing = (e: Experiments, f: number) => roleDevices(resolved(p.apply(pt("papi"), f, e), e)).fcPim!.hbm.timing.nCCDABPowerConstrained;
    assert.deepEqual(p.factors.map((f) => spacing(exp(), f)), [4, 6, 8, 12]);
    // the attention stacks get it too (every PIM stack of every system), and the baselines' 1P1B stacks
    assert.equal(roleDevices(resolved(p.apply(pt("papi"), 2, exp()), exp())).attnPim!.hbm.timing.nCCDABPowerConstrained, 12);
    assert.equal(roleDevices(resolved(p.apply(pt("a100-attacc"), 2, exp()), exp())).attnPim!.hbm.timing.nCCDABPowerConstrained, 12);
    // HBM3E's documented spacing is 12 tCK (its clock is faster): the same factors give 8, 12, 16, 24
    const e3 = exp({ hardware: { hbm: "hbm3e" } });
    assert.deepEqual(p.factors.map((f) => spacing(e3, f)), [8, 12, 16, 24]);
    assert.deepEqual(p.factors.map((f) => p.valueAt!(f, exp())), ["4 tCK", "6 tCK", "8 tCK", "12 tCK"]);
  });

  test("FC-PIM FPUs per bank changes PAPI's FC-PIM only (1P1B, 2P1B), never a baseline's", () => {
    const p = param("FC-PIM FPUs per bank");
    assert.deepEqual(p.factors.map((f) => roleDevices(resolved(p.apply(pt("papi"), f, exp()), exp())).fcPim!.numFpus), [1, 2, 4]);
    const a = pt("attacc-only");
    assert.equal(p.apply(a, 0.25, exp()), a);
  });

  test("PIM-side collective latency scales the PIM-only systems' link, not the GPU systems'", () => {
    const p = param("PIM-side collective latency");
    assert.equal(resolved(p.apply(pt("attacc-only"), 4, exp()), exp()).fabrics.pimPim!.link.latencySec, 4 * 3.03e-6);
    const papi = pt("papi");
    assert.equal(p.apply(papi, 4, exp()), papi);
  });

  test("GPU efficiency scales the setup's GPU (an H100's efficiencies, not the A100's)", () => {
    const p = param("GPU efficiency");
    const e = exp({ hardware: { gpu: "h100-sxm" } });
    const g = roleDevices(resolved(p.apply(pt("papi"), 0.5, e), e)).gpu!;
    assert.equal(g.name, "h100-sxm");
    assert.equal(g.computeEfficiency, GPU_PRESETS["h100-sxm"].computeEfficiency * 0.5);
    assert.equal(g.memoryEfficiency, GPU_PRESETS["h100-sxm"].memoryEfficiency * 0.5);
  });

  test("a worker task runs under the task's setup", () => {
    const base = { trace: "dolly-creative", seed: 1, protocol: "one-batch" as const, param: SENSITIVITY_PARAMETERS.findIndex((x) => x.name === "alpha"), factor: 2, systems: ["papi"] };
    const paper = runSensitivityTask({ ...base, setup: PAPER_SETUP });
    const h100 = runSensitivityTask({ ...base, setup: { hardware: { gpu: "h100-sxm" } } });
    assert.equal(Object.keys(paper).length, 27, "alpha changes every PAPI point");
    assert.ok(Object.keys(paper).some((k) => paper[k].latencySec !== h100[k].latencySec));
  });
});

describe("closing factors and missed numbers", () => {
  test("crossing: the log-interpolated factor where the curve meets the target, null when no pair brackets it", () => {
    // between (1, 2) and (2, 4): t = (3 - 2) / (4 - 2) = 1/2, factor = exp(ln 1 + (ln 2 - ln 1) / 2) = sqrt 2
    assert.ok(Math.abs(crossing([{ factor: 0.5, value: 1 }, { factor: 1, value: 2 }, { factor: 2, value: 4 }], 3)! - Math.SQRT2) < 1e-12);
    assert.equal(crossing([{ factor: 0.5, value: 1 }, { factor: 1, value: 2 }], 3), null);
    assert.equal(crossing([{ factor: 1, value: 1 }, { factor: 2, value: 3 }], 3), 2, "reached at a tried factor");
  });

  test("missedNumbers: the stated Fig. 8 numbers we miss by more than 15 %", () => {
    const at = (speedup: number) => ({
      speedupVs: { "a100-attacc": speedup, "a100-hbmpim": 1.9, "attacc-only": 11.1 },
      energyEfficiencyVs: { "a100-attacc": 3.4, "attacc-only": 1.15 * 0.86 },
      geomean: { speedupVs: {}, energyEfficiencyVs: {} },
    });
    assert.deepEqual(missedNumbers(at(1.8 * 1.14)).map((m) => m.key), []);
    assert.deepEqual(missedNumbers(at(1.8 * 1.16)).map((m) => m.key), ["fig8.speedupVs.a100-attacc"]);
  });
});
