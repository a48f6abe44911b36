import { test } from "node:test";
import assert from "node:assert/strict";
import { calibratedAlpha } from "../../src/scheduling/calibrate.ts";
import { parseRunConfig, systemOf } from "../../src/serving/run.ts";
import { Experiments } from "../../src/report/experiments.ts";
import { headlinesOf, headlinesSummary, mechanismsOf } from "../../src/report/semantics.ts";
import { withComputeSemantics, withProfile } from "../../src/report/setup.ts";

// one-batch keeps the 108 grid runs fast; the accounting does not depend on the protocol
const exp = new Experiments("dolly-creative", 1);
const m = mechanismsOf(exp, "one-batch");

test("mechanisms: each system's latency shares add up to 1 (latency = prefill + decode parts + idle)", () => {
  for (const [system, s] of Object.entries(m.systems)) {
    const sum = Object.values(s.latencyShare).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `${system}: ${sum}`);
    for (const v of [...Object.values(s.latencyShare), s.gpuStaticEnergyShare, s.pimStaticEnergyShare, s.fcOnGpuShare]) assert.ok(v >= 0 && v <= 1, system);
  }
});

test("mechanisms: GPU static power only where there are GPUs; FC on the GPU always, never, or by alpha", () => {
  assert.equal(m.systems["attacc-only"].gpuStaticEnergyShare, 0);
  assert.ok(m.systems.papi.gpuStaticEnergyShare > 0 && m.systems["a100-attacc"].gpuStaticEnergyShare > 0);
  assert.equal(m.systems["a100-attacc"].fcOnGpuShare, 1);
  assert.equal(m.systems["attacc-only"].fcOnGpuShare, 0);
  for (const [model, alpha] of Object.entries(m.papiAlpha)) assert.equal(alpha, calibratedAlpha(systemOf(parseRunConfig({ system: "papi", model }))), model);
});

test("headlines name their semantics and cover only the figures asked for", () => {
  const dc = exp.withSetup(withComputeSemantics(exp.setup, "decoupled-clock"));
  const h = headlinesOf(dc, "one-batch", ["fig4", "fig12"]);
  assert.equal(h.computeSemantics, "decoupled-clock");
  assert.equal(h.profile, "papi");
  // no bounds without Fig. 8
  assert.deepEqual(Object.keys(h).sort(), ["claims", "computeSemantics", "fig12", "fig4", "profile"]);
  assert.equal(h.claims.length, 1, "the Fig. 12 claim");
  // decoupled-clock lets 1P1B reuse a column for 3 tokens: AttAcc's Fig. 4 crossover moves up from 8
  assert.ok(h.fig4!.crossoverTokens.attacc > 8);
});

test("headlines under another profile: the setup's profile, and numbers equal to a setup that names it", () => {
  const at = exp.withSetup(withProfile(exp.setup, "attacc-toolchain"));
  const h = headlinesOf(at, "one-batch", ["fig8"]);
  assert.equal(h.profile, "attacc-toolchain");
  const separate = headlinesOf(new Experiments("dolly-creative", 1, { hardware: {}, profile: "attacc-toolchain" }), "one-batch", ["fig8"]);
  assert.deepEqual(headlinesSummary(h), headlinesSummary(separate));
  // the profile reaches the runs: AttAcc's energy accounting moves the energy ratios
  assert.notEqual(h.fig8!.energyEfficiencyVs["attacc-only"], headlinesOf(exp, "one-batch", ["fig8"]).fig8!.energyEfficiencyVs["attacc-only"]);
  assert.ok(h.bounds && h.boundsPerPoint!.length === 27 && !("boundsPerPoint" in headlinesSummary(h)));
  // back to the default profile: the default is left implicit, so the runs are the same cached ones
  assert.deepEqual(withProfile(at.setup, "papi"), exp.setup);
});

test("mechanisms by hand: per-point shares averaged over the grid, a zero-latency run counted as 0", async () => {
  const { fakeExperiments } = await import("./fake-experiments.ts");
  const { mechanismsOf } = await import("../../src/report/semantics.ts");
  // latency 8 s: prefill 1, FC 4, attention 1, communication 0.5, other 0.5, idle 1; energy 16 J, 4 J GPU static, 2 J
  // PIM static; FC on the GPU in 3 of 4 iterations, except at batch 64 (0 of 4). alpha 7 for LLaMA, 9 for the others.
  const fake = fakeExperiments((p) => ({
    latencySec: p.system === "attacc-only" && p.batch === 4 ? 0 : 8, prefillSec: 1, idleSec: 1,
    breakdownSec: { fc: 4, attention: 1, communication: 0.5, other: 0.5 },
    energyJoules: 16, staticJoulesBySource: { gpu: 4, pim: 2 }, iterations: 4, fcOnGpuIterations: p.batch === 64 ? 0 : 3,
    alpha: p.model === "llama-65b" ? 7 : 9,
  }));
  const m = mechanismsOf(fake, "one-batch", ["papi", "attacc-only"]);
  assert.deepEqual(m.systems.papi, {
    latencyShare: { prefill: 0.125, fc: 0.5, attention: 0.125, communication: 0.0625, other: 0.0625, idle: 0.125 },
    gpuStaticEnergyShare: 0.25, pimStaticEnergyShare: 0.125, fcOnGpuShare: 0.5,
  });
  // AttAcc-only's batch-4 points (a third of the grid) have no latency: their shares count as 0
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;
  assert.ok(close(m.systems["attacc-only"].latencyShare.fc, 0.5 * (2 / 3)));
  assert.deepEqual(m.papiAlpha, { "llama-65b": 7, "gpt3-66b": 9, "gpt3-175b": 9 });
  assert.deepEqual(Object.keys(m.systems), ["papi", "attacc-only"]);
});
