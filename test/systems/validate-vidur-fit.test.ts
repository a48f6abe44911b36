import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import type { GpuSpec } from "../../src/hardware/gpu/schema.ts";
import { loadVidurMeasurements, SHIPPED_VIDUR_PROFILES } from "../../src/node/vidur-measurements.ts";
import { fitVidur, GPU_VIDUR_FIT_PARAMETERS, vidurFitData, vidurFitObjective } from "../../src/systems/fit-vidur.ts";
import { predictVidurOpSec, VIDUR_OPS, VIDUR_SKU_PRESETS, type VidurComputeFile, type VidurOp } from "../../src/systems/validate-vidur.ts";
import { VIDUR_FIXED_FIELDS, vidurHeldOut } from "../../src/systems/vidur-held-out.ts";

const llama70b = { numHeads: 64, numKvHeads: 8, hiddenSize: 8192, ffnSize: 28672, vocabSize: 32000, gatedMlp: true };
/** A synthetic profile: every operation's time as `truth` predicts it, times `scale` (rows of Vidur's token and TP grid). */
function synthetic(truth: GpuSpec, sku: string, model: string, scale = 1, tokens = [1, 8, 64, 256, 1024, 4096]): VidurComputeFile {
  let line = 1;
  const rows = tokens.flatMap((numTokens) =>
    [1, 2, 4, 8].map((tensorParallel) => {
      const r = { line: ++line, numTokens, tensorParallel, shape: llama70b, measuredSec: {} as Partial<Record<VidurOp, number>> };
      for (const op of VIDUR_OPS) r.measuredSec[op] = scale * predictVidurOpSec(truth, op, r);
      return r;
    }),
  );
  return { path: `compute/${sku}/meta-llama/${model}/mlp.csv`, sku, model: `meta-llama/${model}`, rows, unpricedOps: [] };
}

// a spec on the fit's grids, away from the start point
const truth = { ...GPU_PRESETS["a100-80gb"], computeEfficiency: 0.66, memoryEfficiency: 0.78, smBandwidthBytesPerSec: 40e9, rooflineSharpness: 3, graphKernelOverheadSec: 5e-6 } as GpuSpec;

test("the fit comes close to a spec that generated the rows, from its fixed start", () => {
  const file = synthetic(truth, "a100", "M");
  const start = vidurFitObjective({ ...truth, ...Object.fromEntries(GPU_VIDUR_FIT_PARAMETERS.map((p) => [p.key, p.start])) } as GpuSpec, vidurFitData([file]));
  const fit = fitVidur(GPU_PRESETS["a100-80gb"], [file], ["l2BandwidthBytesPerSec"]);
  // a pattern search ends in a local optimum: here within ~1 % rms of the truth, from ~10 % at the start
  assert.ok(fit.objective < 5 * Math.log(1.01) ** 2 && start > 100 * fit.objective, `objective ${fit.objective}, at the start ${start}`);
  assert.equal(fit.spec.l2BandwidthBytesPerSec, GPU_PRESETS["a100-80gb"].l2BandwidthBytesPerSec, "a fixed field keeps the preset's value");
  // the same search from the same start on the same rows: the same answer
  assert.deepEqual(fitVidur(GPU_PRESETS["a100-80gb"], [file], ["l2BandwidthBytesPerSec"]), fit);
});

test("the objective: GEMMs one by one plus the layer sum; a uniform 10 % slowdown costs 5 x ln(1.1)^2", () => {
  const slow = synthetic(truth, "a100", "M", 1.1);
  const o = vidurFitObjective(truth, vidurFitData([slow]));
  assert.ok(Math.abs(o - 5 * Math.log(1 / 1.1) ** 2) < 1e-12, String(o));
  // rope and emb are validated, not fitted: making them wrong leaves the objective alone
  const odd = synthetic(truth, "a100", "M");
  for (const r of odd.rows) {
    r.measuredSec.attn_rope! *= 3;
    r.measuredSec.emb! *= 3;
  }
  assert.equal(vidurFitObjective(truth, vidurFitData([odd])), 0);
});

test("two models of the same layer shape share their predictions (each distinct configuration priced once)", () => {
  const d = vidurFitData([synthetic(truth, "a100", "A"), synthetic(truth, "a100", "B")]);
  assert.equal(d.configs.length, 24);
  assert.deepEqual(d.numGemm, [48, 48, 48, 48]);
  assert.equal(d.numLayer, 48);
});

test("leave one model out: the held-out model's rows never reach the fit; a one-model GPU gets another GPU's fit carried over", () => {
  const files = [synthetic(truth, "a100", "A"), synthetic(truth, "a100", "B", 1.05), synthetic(GPU_PRESETS["h100-sxm"], "h100", "A")];
  const presetFor = (sku: string) => GPU_PRESETS[VIDUR_SKU_PRESETS[sku]];
  const folds = vidurHeldOut(files, presetFor);
  assert.deepEqual(folds.map((f) => [f.sku, f.kind, f.predict]), [
    ["a100", "model", [files[0].path]],
    ["a100", "model", [files[1].path]],
    ["h100", "gpu", [files[2].path]],
  ]);
  assert.ok(folds[1].heldOut[0].layerSum.medianAbsRelErr > 0.04, "fitted on A, predicts B 5 % fast");
  // doubling the held-out model's times changes its errors, not the fit
  const doubled = { ...files[0], rows: files[0].rows.map((r) => ({ ...r, measuredSec: Object.fromEntries(Object.entries(r.measuredSec).map(([k, v]) => [k, 2 * v!])) })) };
  const again = vidurHeldOut([doubled, files[1]], presetFor);
  assert.deepEqual(again[0].parameters, folds[0].parameters);
  assert.notDeepEqual(again[0].heldOut[0].layerSum, folds[0].heldOut[0].layerSum);
  // carried over: the h100 keeps its own peak and bandwidth (and the A100's fixed L2 stays out), takes the fit on both A100 models
  const a100Fit = fitVidur(presetFor("a100"), files.slice(0, 2), VIDUR_FIXED_FIELDS.a100);
  for (const [k, v] of Object.entries(folds[2].parameters)) assert.equal(v, a100Fit.spec[k as keyof GpuSpec], k);
  assert.ok(!("l2BandwidthBytesPerSec" in folds[2].parameters));
  assert.equal(folds[2].heldOut[0].gpu, "h100-sxm");
});

describe("the shipped a100-80gb and h100-sxm presets are the fit on their profiles", () => {
  const m = loadVidurMeasurements(SHIPPED_VIDUR_PROFILES);
  for (const sku of ["a100", "h100"]) {
    test(`${sku}: every fitted value is on its grid, and no single grid step of any lowers the objective`, () => {
      const preset = GPU_PRESETS[VIDUR_SKU_PRESETS[sku]];
      const data = vidurFitData(m.compute.filter((f) => f.sku === sku));
      const at = vidurFitObjective(preset, data);
      for (const p of GPU_VIDUR_FIT_PARAMETERS.filter((q) => !(VIDUR_FIXED_FIELDS[sku] ?? []).includes(q.key))) {
        const i = p.grid.indexOf(preset[p.key]);
        assert.ok(i >= 0, `${p.key} = ${preset[p.key]} is on its grid`);
        for (const j of [i - 1, i + 1]) {
          if (j < 0 || j >= p.grid.length) continue;
          const o = vidurFitObjective({ ...preset, [p.key]: p.grid[j] } as GpuSpec, data);
          assert.ok(o >= at - 1e-12, `${p.key}: ${p.grid[j]} gives ${o} < ${at}`);
        }
      }
    });
  }
  test("a100-hbm3, the AttAcc baseline the paper's numbers depend on, is not touched by this fit", () => {
    const g = GPU_PRESETS["a100-hbm3"];
    assert.deepEqual([g.computeEfficiency, g.memoryEfficiency, g.rooflineSharpness, g.graphKernelOverheadSec], [0.8, 0.85, 1000, 4e-6]);
  });
});
