import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { argminAlpha, calibrateAlpha, calibratedAlpha, chooseAlpha, firstCrossover } from "../../src/scheduling/calibrate.ts";
import { fcPlacementTimeSec } from "../../src/scheduling/oracle.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { runOnce } from "../../src/serving/run.ts";

describe("choosing alpha", () => {
  test("by hand: the first crossover, not the last point where FC-PIM wins nor the swept argmin", () => {
    // tokens:        1  2  3  4  5
    // GPU:           5  5  5  5  5
    // FC-PIM:        1  2  9  9  4     (FC-PIM wins again at 5: a stray point past the crossover)
    // FC-PIM wins at 1 and 2, loses at 3 -> alpha 2 ("largest t with PIM <= GPU" would give 5)
    assert.equal(chooseAlpha([5, 5, 5, 5, 5], [1, 2, 9, 9, 4]), 2);
    // a tie counts as FC-PIM at least as fast: PIM 1 <= GPU 1 at t = 1, 3 > 1 at t = 2 -> 1
    assert.equal(chooseAlpha([1, 1], [1, 3]), 1);
    // FC-PIM always faster: everything on it; never faster: nothing
    assert.equal(chooseAlpha([2, 2, 2], [1, 1, 1]), 3);
    assert.equal(chooseAlpha([1, 1, 1], [2, 2, 2]), 0);
    // a second region where FC-PIM wins (t = 4, 5) is left to the GPU; the swept argmin would take it:
    // total(a): a=0: 20, 1: 17, 2: 14, 3: 16, 4: 13, 5: 10 -> argmin 5, first crossover 2
    assert.equal(chooseAlpha([4, 4, 4, 4, 4], [1, 1, 6, 1, 1]), 2);
    assert.equal(argminAlpha([4, 4, 4, 4, 4], [1, 1, 6, 1, 1]), 5);
  });

  test("a linear FC-PIM against a flat GPU crosses at floor(gpu / slope), by hand", () => {
    // pim(t) = 0.3 t, gpu = 2: PIM no slower while 0.3 t <= 2, i.e. t <= 6 (0.3 x 7 = 2.1 > 2)
    const t = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(chooseAlpha(t.map(() => 2), t.map((x) => 0.3 * x)), 6);
  });

  const sweepArb = fc.array(fc.tuple(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })), { minLength: 1, maxLength: 40 });

  test("properties: FC-PIM is no slower at every count up to alpha, and slower just past it", () =>
    fc.assert(
      fc.property(sweepArb, (pairs) => {
        const gpu = pairs.map((p) => p[0]);
        const pim = pairs.map((p) => p[1]);
        const a = chooseAlpha(gpu, pim);
        for (let t = 0; t < a; t++) if (pim[t] > gpu[t]) return false;
        return a === pairs.length || pim[a] > gpu[a];
      }),
    ));

  test("properties: faster FC-PIM never makes any token count's FC time larger under the rule", () =>
    fc.assert(
      fc.property(sweepArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }), (pairs, shrink) => {
        const gpu = pairs.map((p) => p[0]);
        const pim = pairs.map((p) => p[1]);
        const faster = pim.map((x, i) => x * shrink[i]);
        const a0 = chooseAlpha(gpu, pim);
        const a1 = chooseAlpha(gpu, faster);
        return gpu.every((g, t) => (t < a1 ? faster[t] : g) <= (t < a0 ? pim[t] : g) + 1e-12);
      }),
    ));

  test("properties: argminAlpha minimizes the swept total among all thresholds", () =>
    fc.assert(
      fc.property(sweepArb, (pairs) => {
        const gpu = pairs.map((p) => p[0]);
        const pim = pairs.map((p) => p[1]);
        const total = (a: number) => pim.slice(0, a).reduce((s, x) => s + x, 0) + gpu.slice(a).reduce((s, x) => s + x, 0);
        const a = argminAlpha(gpu, pim);
        for (let b = 0; b <= pairs.length; b++) if (total(b) < total(a) - 1e-9) return false;
        return true;
      }),
    ));
});

describe("calibrated alpha on the PAPI system (30 FC-PIM stacks, 6 A100s)", () => {
  const llama = MODEL_PRESETS["llama-65b"];

  test("is the first crossover of the swept FC times (checked against the sweep)", () => {
    const c = calibrateAlpha(buildSystem("papi", llama));
    for (const x of c.sweep) {
      if (x.numTokens <= c.alpha) assert.ok(x.pimSec <= x.gpuSec, `t = ${x.numTokens}`);
    }
    assert.ok(c.sweep[c.alpha].pimSec > c.sweep[c.alpha].gpuSec);
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

describe("calibration details", () => {
  test("argminAlpha: ties go to the smaller threshold; the all-GPU and all-PIM ends, by hand", () => {
    // equal totals at every a: the smallest (0) wins
    assert.equal(argminAlpha([1, 1], [1, 1]), 0);
    // totals a=0: 6, a=1: 5, a=2: 5 (tie with 1), a=3: 6 -> 1
    assert.equal(argminAlpha([2, 2, 2], [1, 2, 3]), 1);
    assert.equal(argminAlpha([1, 1, 1], [2, 2, 2]), 0);
    assert.equal(argminAlpha([3, 3, 3], [1, 1, 1]), 3);
  });

  test("calibrateAlpha sweeps token counts 1..max on each unit with the oracle's placement times", () => {
    const ctx = buildSystem("papi", MODEL_PRESETS["llama-65b"]);
    const c = calibrateAlpha(ctx, 5);
    assert.deepEqual(c.sweep.map((s) => s.numTokens), [1, 2, 3, 4, 5]);
    for (const s of c.sweep) {
      assert.equal(s.gpuSec, fcPlacementTimeSec(ctx, "gpu", s.numTokens));
      assert.equal(s.pimSec, fcPlacementTimeSec(ctx, "fc-pim", s.numTokens));
      assert.notEqual(s.gpuSec, s.pimSec);
    }
    assert.equal(c.alpha, chooseAlpha(c.sweep.map((s) => s.gpuSec), c.sweep.map((s) => s.pimSec)));
  });
});

describe("the first crossover without the whole sweep (calibratedAlpha)", () => {
  /** A context whose FC units record the largest token count they were asked to cost. */
  function counted(model: string, hardware: object = {}) {
    const ctx = buildSystem("papi", MODEL_PRESETS[model], hardware);
    const seen = { maxTokens: 0 };
    for (const p of ctx.fc) {
      const u = p.unit as { fc?: (s: { m: number }) => unknown };
      const fcOf = u.fc!.bind(u);
      u.fc = (s) => {
        seen.maxTokens = Math.max(seen.maxTokens, s.m);
        return fcOf(s);
      };
    }
    return { ctx, seen };
  }

  test("equals the whole sweep's alpha on several models and FC-PIM designs, and stops one token past it", () => {
    const alphas: number[] = [];
    // a faster FC-PIM data rate moves the crossover out (4x: past the sweep); 1 FPU per 2 banks moves it in
    for (const [model, hardware] of [
      ["llama-65b", {}], ["gpt3-175b", {}], ["opt-30b", {}], ["llama-65b", { fcPim: { numFpus: 1, numBanksPerFpuGroup: 2 } }],
      ["llama-65b", { fcPim: { hbm: { timing: { dataRateBitsPerSecPerPin: 5.2e9 * 1.5 } } } }],
      ["llama-65b", { fcPim: { hbm: { timing: { dataRateBitsPerSecPerPin: 5.2e9 * 4 } } } }], // FC-PIM wins everywhere: alpha 512
    ] as const) {
      const whole = calibrateAlpha(buildSystem("papi", MODEL_PRESETS[model], hardware)).alpha;
      alphas.push(whole);
      const { ctx, seen } = counted(model, hardware);
      assert.equal(firstCrossover(ctx), whole, `${model} ${JSON.stringify(hardware)}`);
      assert.equal(calibratedAlpha(ctx), whole);
      // the LM head's shape has m = tokens too: nothing past the first count where FC-PIM is slower was costed
      assert.equal(seen.maxTokens, Math.min(whole + 1, 512), `${model} ${JSON.stringify(hardware)}: costed up to ${seen.maxTokens} tokens`);
    }
    // the cases reach five different crossovers (36, 32, 4, 56 here), the last one none within the 512 tokens swept
    assert.ok(new Set(alphas).size >= 5, String(alphas));
    assert.equal(alphas.at(-1), 512);
  });

  test("a sweep too short to reach the crossover gives its length, as chooseAlpha does", () => {
    const ctx = buildSystem("papi", MODEL_PRESETS["llama-65b"]);
    const alpha = calibrateAlpha(ctx).alpha;
    assert.ok(alpha > 3);
    assert.equal(firstCrossover(ctx, 3), 3);
    assert.equal(firstCrossover(ctx, alpha), alpha);
    assert.equal(firstCrossover(ctx, alpha + 1), alpha);
    assert.equal(firstCrossover(ctx, 0), 0);
  });
});
