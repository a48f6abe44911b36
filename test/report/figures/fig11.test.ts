import { test } from "node:test";
import assert from "node:assert/strict";
import { fig11 } from "../../../src/report/figures/fig11.ts";
import type { PointSpec } from "../../../src/report/experiments.ts";
import { fakeExperiments } from "../fake-experiments.ts";

/** AttAcc-only decodes in batch x spec / 4 s, PIM-only PAPI in 1/k s (k = 1/2, 1, 3/2 by model: mean 1). */
const K: Record<string, number> = { "llama-65b": 0.5, "gpt3-66b": 1, "gpt3-175b": 1.5 };
const exp = fakeExperiments((p: PointSpec) => ({ decodeSec: p.system === "attacc-only" ? (p.batch * p.spec) / 4 : 1 / K[p.model] }));

test("fig11: decode speedup per point, its mean over the grid, and the model means at B4 S1 and B64 S4", () => {
  const f = fig11({ exp, protocol: "all-batches" });
  const rows = f.tables[0].rows;
  assert.equal(rows.length, 27);
  assert.deepEqual(rows.find((r) => r.model === "gpt3-175b" && r.batch === 16 && r.spec === 2), {
    model: "gpt3-175b", batch: 16, spec: 2, point: "B16 S2", attaccOnlyDecodeSec: 8, pimOnlyPapiDecodeSec: 1 / 1.5, speedup: 12,
  });
  // mean of batch x spec / 4 over batch {4, 16, 64} x spec {1, 2, 4}: 28 x 7/3 / 4
  const s = (f.summary!.fig11 as { speedupVsAttaccOnly: { average: number; b4s1: number; b64s4: number } }).speedupVsAttaccOnly;
  assert.ok(Math.abs(s.average - 49 / 3) < 1e-9);
  assert.ok(Math.abs(s.b4s1 - 1) < 1e-12);
  assert.ok(Math.abs(s.b64s4 - 64) < 1e-12);
  assert.equal(f.markdown, "Average speedup 16.33x; at B4 S1 1.00x; at B64 S4 64.00x (means over the three models).");
});
