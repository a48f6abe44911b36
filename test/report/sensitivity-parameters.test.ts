import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_FACTORS, scaleAttentionLinkBandwidth, SENSITIVITY_PARAMETERS } from "../../src/report/sensitivity-parameters.ts";
import { Experiments, type PointSpec } from "../../src/report/experiments.ts";
import { setupSystem } from "../../src/report/setup.ts";
import type { RunResult } from "../../src/serving/run.ts";

const exp = new Experiments("fixed:64:9", 1);
const param = (name: string) => SENSITIVITY_PARAMETERS.find((p) => p.name === name)!;
const pt = (system: string): PointSpec => ({ system, model: "llama-65b", batch: 4, spec: 1 });
const hw = (p: PointSpec) => p.hardware as Record<string, Record<string, unknown>> | undefined;

test("every parameter tries x1 (as documented) among ascending factors, and x1 leaves a point as it is", () => {
  for (const p of SENSITIVITY_PARAMETERS) {
    assert.ok(p.factors.includes(1), p.name);
    assert.deepEqual([...p.factors].sort((a, b) => a - b), [...p.factors], p.name);
    for (const s of ["papi", "attacc-only", "a100-attacc"]) assert.deepEqual(p.apply(pt(s), 1, exp), pt(s), `${p.name} ${s}`);
  }
  assert.deepEqual([...DEFAULT_FACTORS], [0.25, 0.5, 1, 2, 4]);
});

test("MAC spacing: 6 tCK scaled to whole clocks (4, 6, 8, 12), never below nCCDAB", () => {
  const p = param("PIM MAC spacing");
  assert.deepEqual(p.factors.map((f) => p.valueAt!(f, exp)), ["4 tCK", "6 tCK", "8 tCK", "12 tCK"]);
  assert.deepEqual(hw(p.apply(pt("attacc-only"), 2, exp)), { hbm: { timing: { nCCDABPowerConstrained: 12 } } });
  // a third of 6 rounds to 2, below nCCDAB (4)
  assert.deepEqual(hw(p.apply(pt("papi"), 1 / 3, exp)), { hbm: { timing: { nCCDABPowerConstrained: 4 } } });
});

test("FC-PIM FPUs: only systems with PAPI's FC-PIM stacks, at least one FPU", () => {
  const p = param("FC-PIM FPUs per bank");
  assert.deepEqual(p.factors.map((f) => p.valueAt!(f, exp)), ["1P1B", "2P1B", "4P1B"]);
  assert.deepEqual(hw(p.apply(pt("papi"), 0.5, exp)), { fcPim: { numFpus: 2 } });
  assert.deepEqual(hw(p.apply(pt("pim-only-papi"), 0.1, exp)), { fcPim: { numFpus: 1 } });
  for (const s of ["attacc-only", "a100-attacc", "my-system"]) assert.deepEqual(p.apply(pt(s), 0.5, exp), pt(s), s);
});

test("link and GPU parameters patch only the systems that have the link or the GPUs, scaling the setup's value", () => {
  const sys = (s: string) => setupSystem(pt(s), exp.setup);
  const pimPim = param("PIM-side collective latency");
  assert.deepEqual(hw(pimPim.apply(pt("attacc-only"), 2, exp)), { links: { pimPim: { latencySec: sys("attacc-only").fabrics.pimPim!.link.latencySec * 2 } } });
  assert.deepEqual(pimPim.apply(pt("papi"), 2, exp), pt("papi"));
  const attention = param("attention link bandwidth");
  assert.deepEqual(hw(attention.apply(pt("a100-attacc"), 4, exp)), { links: { attention: { bandwidthBytesPerSec: sys("a100-attacc").fabrics.attention!.link.bandwidthBytesPerSec * 4 } } });
  const gpuGpu = param("GPU all-reduce latency");
  assert.deepEqual(hw(gpuGpu.apply(pt("papi"), 0.5, exp)), { links: { gpuGpu: { latencySec: sys("papi").fabrics.gpuGpu!.link.latencySec * 0.5 } } });
  for (const s of ["attacc-only", "my-system"]) assert.deepEqual(gpuGpu.apply(pt(s), 0.5, exp), pt(s), s);
  // AttAcc's A100: 0.8 of peak FLOP/s, 0.85 of bandwidth; x1.25 caps both at 1
  const eff = param("GPU efficiency");
  assert.deepEqual(hw(eff.apply(pt("papi"), 0.5, exp)), { gpu: { computeEfficiency: 0.4, memoryEfficiency: 0.425 } });
  assert.deepEqual(hw(eff.apply(pt("papi"), 1.25, exp)), { gpu: { computeEfficiency: 1, memoryEfficiency: 1 } });
  assert.deepEqual(eff.apply(pt("attacc-only"), 0.5, exp), pt("attacc-only"));
  // a patch merges over the point's own hardware overrides
  const own = { ...pt("papi"), hardware: { gpu: { staticPowerWatts: 0 } } } as PointSpec;
  assert.deepEqual(hw(eff.apply(own, 0.5, exp)), { gpu: { staticPowerWatts: 0, computeEfficiency: 0.4, memoryEfficiency: 0.425 } });
});

test("alpha scales PAPI's calibrated threshold only", () => {
  const p = param("alpha");
  const a1 = p.apply(pt("papi"), 2, exp).alpha!;
  const a2 = p.apply(pt("papi"), 4, exp).alpha!;
  assert.ok(a1 > 0 && Math.abs(a2 / a1 - 2) < 1e-12);
  assert.deepEqual(p.apply(pt("a100-attacc"), 2, exp), pt("a100-attacc"));
});

test("the exact adjustments: attention-link time divided by f with the static energy following; GPU static energy scaled", () => {
  const r = { latencySec: 10, attentionLinkBandwidthSec: 4, energyJoules: 20, breakdownJoules: { static: 5 }, staticJoulesBySource: { gpu: 3, pim: 2 } } as unknown as RunResult;
  // 10 - 4 x (1 - 1/2) = 8 s; static 5 J x 8/10 = 4 J; energy 20 - 5 + 4
  const a = scaleAttentionLinkBandwidth(r, 2);
  assert.equal(a.latencySec, 8);
  assert.equal(a.energyJoules, 19);
  assert.equal(param("attention link bandwidth").adjust, scaleAttentionLinkBandwidth);
  assert.equal(param("attention link bandwidth").adjustNeedsNoArrivals, true);
  // 20 + (4 - 1) x 3
  assert.equal(param("GPU static power").adjust!(r, 4).energyJoules, 29);
  assert.equal(param("GPU static power").adjust!(r, 4).latencySec, 10);
  assert.deepEqual(param("GPU static power").apply(pt("papi"), 4, exp), pt("papi"));
});
