import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { scaleAttentionLinkBandwidth, SENSITIVITY_PARAMETERS } from "../../src/report/sensitivity-parameters.ts";
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
