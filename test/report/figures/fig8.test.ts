import { test } from "node:test";
import assert from "node:assert/strict";
import { fig8, fig8Summary } from "../../../src/report/figures/fig8.ts";
import type { PointSpec, Protocol } from "../../../src/report/experiments.ts";
import { fakeExperiments } from "../fake-experiments.ts";

/**
 * Hand-made runs: latency L[system] (PAPI's x 1, 2, 4 by model, x 1, 2, 4 by protocol, x 1/2 under AttAcc's
 * semantics, i.e. with a hardware patch), energy E[system] (PAPI's x 1, 2, 4 by model). A baseline's per-point ratio
 * to PAPI is then L_b / m: its arithmetic mean over the 27 points is L_b x 7/12, its geometric mean L_b / 2.
 */
const L: Record<string, number> = { "a100-attacc": 2, "a100-hbmpim": 3, "attacc-only": 6, papi: 1 };
const E: Record<string, number> = { "a100-attacc": 4, "a100-hbmpim": 4, "attacc-only": 2, papi: 1 };
const M: Record<string, number> = { "llama-65b": 1, "gpt3-66b": 2, "gpt3-175b": 4 };
const P: Record<Protocol, number> = { "all-batches": 1, "one-batch": 2, "equal-lengths": 4 };
const run = (p: PointSpec, protocol: Protocol = "all-batches") => {
  const papi = p.system === "papi" ? M[p.model] : 1;
  return {
    latencySec: L[p.system] * papi * (p.system === "papi" ? P[protocol] * (p.hardware ? 1 / 8 : 1) : 1),
    energyJoules: E[p.system] * papi,
    iterations: 10,
    fcOnGpuIterations: p.system === "papi" ? 3 : 0,
  };
};

test("fig8Summary: arithmetic and geometric means over the 27 points of each baseline's ratio to PAPI", () => {
  const { summary, rows } = fig8Summary(fakeExperiments(run), "all-batches", (p) => run(p));
  const close = (a: Record<string, number>, b: Record<string, number>) => {
    assert.deepEqual(Object.keys(a), Object.keys(b));
    for (const k of Object.keys(b)) assert.ok(Math.abs(a[k] - b[k]) < 1e-12, `${k}: ${a[k]} vs ${b[k]}`);
  };
  close(summary.speedupVs, { "a100-attacc": (2 * 7) / 12, "a100-hbmpim": (3 * 7) / 12, "attacc-only": (6 * 7) / 12 });
  close(summary.energyEfficiencyVs, { "a100-attacc": (4 * 7) / 12, "a100-hbmpim": (4 * 7) / 12, "attacc-only": (2 * 7) / 12 });
  close(summary.geomean.speedupVs, { "a100-attacc": 1, "a100-hbmpim": 1.5, "attacc-only": 3 });
  close(summary.geomean.energyEfficiencyVs, { "a100-attacc": 2, "a100-hbmpim": 2, "attacc-only": 1 });
  assert.equal(rows.length, 27 * 4);
  const papi175 = rows.find((r) => r.system === "papi" && r.model === "gpt3-175b" && r.batch === 16 && r.spec === 2)!;
  assert.deepEqual(papi175, {
    model: "gpt3-175b", batch: 16, spec: 2, point: "B16 S2", system: "papi", systemLabel: "PAPI", latencySec: 4, energyJoules: 4,
    speedupVsA100Attacc: 0.5, energyEfficiencyVsA100Attacc: 1, fcOnGpuShare: 0.3,
  });
  // a run without decode iterations has no FC-on-GPU share (not NaN)
  const none = fig8Summary(fakeExperiments(run), "all-batches", (p) => ({ ...run(p), iterations: 0 })).rows;
  assert.ok(none.every((r) => r.fcOnGpuShare === 0));
});

test("fig8Summary over fewer systems summarizes only the baselines it ran", () => {
  const { summary, rows } = fig8Summary(fakeExperiments(run), "all-batches", (p) => run(p), ["a100-attacc", "papi"]);
  assert.deepEqual(Object.keys(summary.speedupVs), ["a100-attacc"]);
  assert.equal(rows.length, 27 * 2);
});

test("fig8: each protocol's means, the paper's numbers beside ours, and the AttAcc-semantics probe", () => {
  const f = fig8({ exp: fakeExperiments(run), protocol: "all-batches" });
  // PAPI x2 slower under one-batch, x4 under equal-lengths: the speedups halve and quarter
  const vsRef = f.comparisons!.find((c) => c.key === "fig8.speedupVs.a100-attacc")!;
  assert.equal(vsRef.paper, 1.8);
  assert.ok(Math.abs(vsRef.ours - 14 / 12) < 1e-12);
  assert.ok(Math.abs(vsRef.oursByProtocol!["one-batch"]! - 7 / 12) < 1e-12);
  assert.ok(Math.abs(vsRef.oursByProtocol!["equal-lengths"]! - 3.5 / 12) < 1e-12);
  const energy = f.comparisons!.find((c) => c.key === "fig8.energyEfficiencyVs.attacc-only")!;
  assert.equal(energy.paper, 1.15);
  assert.ok(Math.abs(energy.ours - 14 / 12) < 1e-12);
  assert.equal(f.comparisons!.length, 5);
  assert.ok(f.markdown.includes("| PAPI vs | **all-batches** | one-batch | equal-lengths | geomean (all-batches) |"));
  assert.ok(f.markdown.includes("| A100+AttAcc | 1.17x | 0.58x | 0.29x | 1.00x |"), f.markdown);
  assert.ok(f.markdown.includes("| AttAcc-only | 1.17x | 1.17x | 1.17x | 1.00x |"));
  // the probe: equal-lengths (x4) with AttAcc's semantics (x1/8): PAPI twice as fast as under all-batches
  assert.ok(f.markdown.includes("| PAPI vs | speedup: paper | speedup: papi | speedup: AttAcc semantics | energy eff.: paper | energy eff.: papi | energy eff.: AttAcc semantics |"));
  assert.ok(f.markdown.includes("| A100+AttAcc | 1.80x | 1.17x | 2.33x | 3.40x | 2.33x | 2.33x |"), f.markdown);
  assert.ok(f.markdown.includes("| A100+HBM-PIM | 1.90x | 1.75x | 3.50x | — | 2.33x | 2.33x |"));
  const s = f.summary!.fig8 as { protocol: string; otherProtocols: Record<string, unknown>; attaccSemantics: { speedupVs: Record<string, number> } };
  assert.equal(s.protocol, "all-batches");
  assert.deepEqual(Object.keys(s.otherProtocols), ["one-batch", "equal-lengths"]);
  assert.ok(Math.abs(s.attaccSemantics.speedupVs["attacc-only"] - 7) < 1e-12);
  assert.deepEqual(f.tables.map((t) => t.name), ["fig8", "fig8-one-batch", "fig8-equal-lengths"]);
  assert.equal(f.charts.length, 2);
});

test("fig8 under another main protocol bolds that one and plots its rows", () => {
  const f = fig8({ exp: fakeExperiments(run), protocol: "one-batch" });
  assert.ok(f.markdown.includes("| PAPI vs | all-batches | **one-batch** | equal-lengths | geomean (one-batch) |"));
  assert.ok(f.markdown.includes("| A100+AttAcc | 1.17x | 0.58x | 0.29x | 0.50x |"));
  assert.deepEqual(f.tables.map((t) => t.name), ["fig8", "fig8-all-batches", "fig8-equal-lengths"]);
  assert.equal(f.tables[0].rows.find((r) => r.system === "papi" && r.model === "llama-65b")!.latencySec, 2);
});
