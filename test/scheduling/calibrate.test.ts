import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { calibrateAlpha, calibratedAlpha, chooseAlpha } from "../../src/scheduling/calibrate.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { runOnce } from "../../src/serving/run.ts";

describe("choosing alpha", () => {
  test("by hand: the threshold with the least total FC time, not the last point where FC-PIM wins", () => {
    // tokens:        1  2  3  4  5
    // GPU:           5  5  5  5  5
    // FC-PIM:        1  2  9  9  4     (FC-PIM wins again at 5: a stray point past the crossover)
    // total(a) = sum of PIM up to a + GPU after a: a=0: 25, 1: 21, 2: 18, 3: 22, 4: 26, 5: 25 -> alpha 2
    // ("largest t with PIM <= GPU" would give 5: every level on FC-PIM, 25 instead of 18)
    assert.equal(chooseAlpha([5, 5, 5, 5, 5], [1, 2, 9, 9, 4]), 2);
    // ties go to the smaller alpha: total(0) = total(1) = 2
    assert.equal(chooseAlpha([1, 1], [1, 3]), 0);
    // FC-PIM always faster: everything on it; never faster: nothing
    assert.equal(chooseAlpha([2, 2, 2], [1, 1, 1]), 3);
    assert.equal(chooseAlpha([1, 1, 1], [2, 2, 2]), 0);
  });

  test("a linear FC-PIM against a flat GPU crosses at floor(gpu / slope), by hand", () => {
    // pim(t) = 0.3 t, gpu = 2: PIM cheaper while 0.3 t < 2, i.e. t <= 6 (0.3 x 7 = 2.1 > 2)
    const t = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(chooseAlpha(t.map(() => 2), t.map((x) => 0.3 * x)), 6);
  });

  test("properties: alpha minimizes the swept total among all thresholds", () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })), { minLength: 1, maxLength: 40 }), (pairs) => {
        const gpu = pairs.map((p) => p[0]);
        const pim = pairs.map((p) => p[1]);
        const total = (a: number) => pim.slice(0, a).reduce((s, x) => s + x, 0) + gpu.slice(a).reduce((s, x) => s + x, 0);
        const a = chooseAlpha(gpu, pim);
        for (let b = 0; b <= pairs.length; b++) if (total(b) < total(a) - 1e-9) return false;
        return true;
      }),
    ));
});

describe("calibrated alpha on the PAPI system (30 FC-PIM stacks, 6 A100s)", () => {
  const llama = MODEL_PRESETS["llama-65b"];

  test("is the argmin of the swept FC time (brute force over every threshold 0..512)", () => {
    const c = calibrateAlpha(buildSystem("papi", llama));
    const total = (a: number) => c.sweep.reduce((s, x) => s + (x.numTokens > a ? x.gpuSec : x.pimSec), 0);
    let best = 0;
    for (let a = 1; a <= 512; a++) if (total(a) < total(best)) best = a;
    assert.equal(c.alpha, best);
    assert.ok(c.alpha > 8, String(c.alpha)); // the paper's crossover lies past RLP x TLP = 8 (PAPI.md §5, Fig. 4)
  });

  test("faster FC-PIM or faster GPUs never make PAPI slower under static batching", () => {
    // FC-PIM: the HBM data rate (and its external bandwidth) scaled; GPU: peak FLOP/s and HBM bandwidth scaled
    const run = (hardware: object) =>
      runOnce({ system: "papi", model: "llama-65b", trace: "fixed:64:32", requests: 16, batch: 16, spec: 4, hardware }).latencySec;
    const pim = (f: number) => ({ fcPim: { hbm: { timing: { dataRateBitsPerSecPerPin: 5.2e9 * f }, externalBandwidthBytesPerSec: 665.6e9 * f } } });
    const gpu = (f: number) => ({ gpu: { peakFp16FlopsPerSec: 312e12 * f, hbmBandwidthBytesPerSec: 3.352e12 * f } });
    for (const make of [pim, gpu]) {
      let prev = run(make(1));
      for (const f of [1.25, 1.5, 2, 3]) {
        const t = run(make(f));
        assert.ok(t <= prev * (1 + 1e-9), `speedup ${f}: ${t} > ${prev}`);
        prev = t;
      }
    }
  });

  test("memoized per system context", () => {
    const ctx = buildSystem("papi", llama);
    assert.equal(calibratedAlpha(ctx), calibrateAlpha(ctx).alpha);
  });
});
