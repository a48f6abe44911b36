import { test } from "node:test";
import assert from "node:assert/strict";
import { fig10 } from "../../../src/report/figures/fig10.ts";
import type { PointSpec } from "../../../src/report/experiments.ts";
import { fakeExperiments } from "../fake-experiments.ts";

/**
 * Hand-made runs: A100+AttAcc 1 s, A100+HBM-PIM `hbm` s, PAPI 0.5 s, AttAcc-only batch/16 s. Ratios to PAPI:
 * A100+AttAcc 2, AttAcc-only batch/8 (mean over batch 4..128: 252/48 = 5.25; at batch 4: 0.5). PAPI runs FC on the
 * GPU in spec of 10 decode iterations, twice that from batch 64.
 */
const exp = (hbm = 1.01) =>
  fakeExperiments((p: PointSpec) => ({
    latencySec: { "a100-attacc": 1, "a100-hbmpim": hbm, papi: 0.5, "attacc-only": p.batch / 16 }[p.system]!,
    iterations: p.system === "papi" ? 10 : 0,
    fcOnGpuIterations: p.system === "papi" ? p.spec * (p.batch >= 64 ? 2 : 1) : 0,
  }));

test("fig10: mean ratios to PAPI over each sweep, and PAPI's FC-on-GPU shares", () => {
  const f = fig10({ exp: exp(), protocol: "all-batches" });
  const s = f.summary!.fig10 as { batchSweep: { speedupVs: Record<string, number> }; specSweep: { speedupVs: Record<string, number> } };
  assert.deepEqual(s.batchSweep.speedupVs, { "a100-attacc": 2, "a100-hbmpim": 2.02, "attacc-only": 5.25 });
  assert.deepEqual(s.specSweep.speedupVs, { "a100-attacc": 2, "attacc-only": 0.5, "a100-hbmpim": 2.02 });
  assert.equal(f.tables[0].rows.length, 6 * 4);
  assert.equal(f.tables[1].rows.length, 8 * 4);
  assert.deepEqual(f.tables[0].rows.find((r) => r.system === "attacc-only" && r.batch === 32), {
    batch: 32, spec: 1, system: "attacc-only", systemLabel: "AttAcc-only", latencySec: 2, speedupVsA100Attacc: 0.5, fcOnGpuShare: 0,
  });
  assert.ok(f.markdown.includes("| sweep | A100+AttAcc | A100+HBM-PIM | AttAcc-only |\n"));
  assert.ok(f.markdown.includes("| batch 4..128, spec 1 | 2.00 | 2.02 | 5.25 |"));
  assert.ok(f.markdown.includes("| spec 1..8, batch 4 | 2.00 | 2.02 | 0.50 |"));
  assert.ok(f.markdown.includes("| sweep | values | FC on GPU |\n"));
  // the batch axis doubles (log), the speculation axis counts 1..8 (linear)
  const xScale = (k: number) => (f.charts[k].spec as unknown as { layer: { encoding: { x: { scale?: { type?: string } } } }[] }).layer[0].encoding.x.scale?.type;
  assert.equal(xScale(0), "log");
  assert.notEqual(xScale(1), "log");
  assert.ok(f.markdown.includes("| batch (speculation 1) | 4, 8, 16, 32, 64, 128 | 10 %, 10 %, 10 %, 10 %, 20 %, 20 % |"), f.markdown);
  assert.ok(f.markdown.includes("| speculation (batch 4) | 1, 2, 3, 4, 5, 6, 7, 8 | 10 %, 20 %, 30 %, 40 %, 50 %, 60 %, 70 %, 80 % |"));
});

test("fig10's subtitles say whether A100+HBM-PIM's line hides under A100+AttAcc's (within 2 %)", () => {
  const sub = (hbm: number) => JSON.stringify(fig10({ exp: exp(hbm), protocol: "all-batches" }).charts[0].spec.title);
  assert.match(sub(1.01), /lies under A100\+AttAcc \(within 1\.0 %\)/);
  // 1/1.05 - 1 = -4.8 %
  assert.match(sub(1.05), /differs from A100\+AttAcc by up to 4\.8 %/);
});
