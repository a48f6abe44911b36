import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { GpuSpec } from "../../src/hardware/gpu/schema.ts";
import {
  GPU_FIT_PARAMETERS,
  type GemmCeiling,
  fitGpu,
  fitObjective,
  gemmCeilingFromMeta,
  gridOf,
  measuredModels,
  modeledGemmFlopsPerSec,
  selectModels,
} from "../../src/systems/fit-gpu.ts";
import { type GpuValidation, type ValidationRow, evaluateGpu } from "../../src/systems/validate-gpu.ts";
import { loadGpuMeasurements } from "../../src/node/gpu-measurements.ts";

const dir = fileURLToPath(new URL("../../data/measurements/h200", import.meta.url));
const data = loadGpuMeasurements(dir);
const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as { gemm_TFLOPs_8192: number };
// built by hand rather than by gemmCeilingFromMeta, so a broken parser fails its tests instead of this module's load
const ceiling: GemmCeiling = { m: 8192, k: 8192, n: 8192, flopsPerSec: meta.gemm_TFLOPs_8192 * 1e12 };
const h200 = GPU_PRESETS["h200-sxm"];
const FILES = ["fc", "attn", "layer"] as const;

describe("the shipped h200-sxm preset is the fit on all rows", () => {
  const fit = fitGpu(h200, data, ceiling);

  test("every fitted parameter equals the preset value (the preset cannot drift from its fit)", () => {
    for (const key of [...GPU_FIT_PARAMETERS.map((p) => p.key), "attentionGraphOverheadSec" as const]) {
      const got = fit.spec[key];
      const want = h200[key];
      if (typeof want === "boolean") assert.equal(got, want, key);
      else assert.ok(Math.abs((got as number) - want) <= 1e-9 * Math.abs(want), `${key}: fit ${got}, preset ${want}`);
    }
    // h100-sxm shares the fitted values its own profiles (Vidur's, src/systems/fit-vidur.ts) do not constrain
    const vidurFitted = ["memoryEfficiency", "smBandwidthBytesPerSec", "l2BandwidthBytesPerSec", "gemmStreamK", "rooflineSharpness", "graphKernelOverheadSec"];
    for (const p of GPU_FIT_PARAMETERS.filter((q) => !vidurFitted.includes(q.key))) assert.equal(GPU_PRESETS["h100-sxm"][p.key], h200[p.key], p.key);
  });

  test("the fit respects the measured 8192^3 GEMM (meta.json: 749.75 TFLOPS)", () => {
    assert.ok(Math.abs(ceiling.flopsPerSec - 749.7542677981033e12) < 1);
    assert.ok(modeledGemmFlopsPerSec(fit.spec, ceiling) <= ceiling.flopsPerSec);
  });

  test("no single grid step of any parameter lowers the objective (a local optimum of the search)", () => {
    for (const p of GPU_FIT_PARAMETERS) {
      const i = p.grid.indexOf(fit.spec[p.key]);
      assert.ok(i >= 0, `${p.key} = ${fit.spec[p.key]} is on its grid`);
      for (const j of [i - 1, i + 1]) {
        if (j < 0 || j >= p.grid.length) continue;
        const cand = { ...fit.spec, [p.key]: p.grid[j] } as GpuSpec;
        if (p.key === "graphKernelOverheadSec") cand.attentionGraphOverheadSec = 2 * (p.grid[j] as number);
        if (modeledGemmFlopsPerSec(cand, ceiling) > ceiling.flopsPerSec) continue;
        assert.ok(fitObjective(evaluateGpu(cand, data)) >= fit.objective, `${p.key} -> ${p.grid[j]}`);
      }
    }
  });
});

describe("fitObjective", () => {
  const row = (file: ValidationRow["file"], ratio: number): ValidationRow => ({
    file,
    line: 2,
    label: "",
    measuredSec: 1e-4,
    predictedSec: 1e-4 * ratio,
    relErr: ratio - 1,
  });
  const v = (rows: ValidationRow[]) => ({ rows }) as GpuValidation;

  test("sum over files of the mean squared log error, by hand", () => {
    // fc: ln ratios +0.1 and -0.1 -> mean of squares 0.01; attn: one row at +0.2 -> 0.04; layer: no rows,
    // no term. 0.01 + 0.04 = 0.05. (Pooling all rows would give (0.01 + 0.01 + 0.04)/3 = 0.02.)
    const o = fitObjective(v([row("fc", Math.exp(0.1)), row("fc", Math.exp(-0.1)), row("attn", Math.exp(0.2))]));
    assert.ok(Math.abs(o - 0.05) < 1e-12, String(o));
  });

  test("symmetric in over- and under-prediction by the same factor, zero when exact", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 5, noNaN: true }), fc.constantFrom(...FILES), (r, f) => {
        const a = fitObjective(v([row(f, r)]));
        const b = fitObjective(v([row(f, 1 / r)]));
        return Math.abs(a - b) <= 1e-12 * Math.max(1, a) && fitObjective(v([row(f, 1)])) === 0;
      }),
    );
  });

  test("a file's weight does not grow with its row count", () => {
    const one = fitObjective(v([row("layer", 1.2)]));
    const many = fitObjective(v(Array.from({ length: 50 }, () => row("layer", 1.2))));
    assert.ok(Math.abs(one - many) < 1e-12);
  });
});

describe("parameters and grids", () => {
  test("gridOf: inclusive, exact decimal steps", () => {
    const g = gridOf(0.7, 0.85, 0.01);
    assert.equal(g.length, 16);
    assert.equal(g[0], 0.7);
    assert.equal(g[8], 0.78);
    assert.equal(g[15], 0.85);
    assert.deepEqual(gridOf(0, 10e-6, 0.5e-6).slice(0, 4), [0, 0.5e-6, 1e-6, 1.5e-6]);
  });

  test("every start value lies on its grid and the start point passes the schema", () => {
    for (const p of GPU_FIT_PARAMETERS) assert.ok(p.grid.includes(p.start), p.key);
    const start = Object.fromEntries(GPU_FIT_PARAMETERS.map((p) => [p.key, p.start]));
    assert.ok(GpuSpec.safeParse({ ...h200, ...start }).success);
  });

  test("each parameter changes exactly the files it declares (so 'not constrained' is reported right)", () => {
    const base = evaluateGpu(h200, data);
    for (const p of GPU_FIT_PARAMETERS) {
      const other = p.grid.find((x) => x !== h200[p.key] && x !== 0)!;
      const g = { ...h200, [p.key]: other } as GpuSpec;
      if (p.key === "graphKernelOverheadSec") g.attentionGraphOverheadSec = 2 * (other as number);
      const moved = evaluateGpu(g, data);
      const changed = FILES.filter((f) => moved.rows.some((r, i) => r.file === f && r.predictedSec !== base.rows[i].predictedSec));
      assert.deepEqual(changed, [...p.files], p.key);
    }
  });
});

describe("the fit itself", () => {
  // a small fit set keeps these tests fast: llama-65b attention rows only
  const small = { fc: [], attn: data.attn.filter((r) => r.modelName === "llama-65b"), layer: [] };

  test("does not depend on the fitted fields of the base spec, and is deterministic", () => {
    const a = fitGpu(h200, small, ceiling);
    const perturbed = Object.fromEntries(GPU_FIT_PARAMETERS.map((p) => [p.key, p.grid[p.grid.length - 1]]));
    const b = fitGpu({ ...h200, ...perturbed } as GpuSpec, small, ceiling);
    assert.deepEqual(b, a);
    // only attention rows: the GEMM knobs and both CUDA-graph overheads stay at their start values
    for (const p of GPU_FIT_PARAMETERS) if (!p.files.includes("attn")) assert.equal(a.spec[p.key], p.start, p.key);
  });

  test("what the fit reports: counts of sweeps and pair moves (whole, >= 0, within the 50 rounds), every value on its grid", () => {
    for (const d of [small, { fc: data.fc.filter((r) => r.modelName === "llama-65b" && r.m >= 256), attn: [], layer: [] }]) {
      const f = fitGpu(h200, d, ceiling);
      assert.ok(Number.isInteger(f.numPairMoves) && f.numPairMoves >= 0 && f.numPairMoves <= 50, `numPairMoves ${f.numPairMoves}`);
      // every round sweeps at least once and ends either with one pair move or with none (the last round)
      assert.ok(Number.isInteger(f.numSweeps) && f.numSweeps >= f.numPairMoves + 1, `numSweeps ${f.numSweeps}`);
      for (const p of GPU_FIT_PARAMETERS) assert.ok(p.grid.includes(f.spec[p.key]), `${p.key} = ${f.spec[p.key]}`);
      assert.ok(Number.isFinite(f.objective) && f.objective >= 0);
    }
  });

  test("a lower measured GEMM ceiling binds the fit", () => {
    // llama-65b GEMMs with M >= 256 alone fit to ~748 TFLOPS on the 8192^3 shape; the start point models
    // ~727, so a 735 TFLOPS ceiling lies between them and must bind.
    const big = { fc: data.fc.filter((r) => r.modelName === "llama-65b" && r.m >= 256), attn: [], layer: [] };
    const free = fitGpu(h200, big, ceiling);
    const low: GemmCeiling = { ...ceiling, flopsPerSec: 735e12 };
    const bound = fitGpu(h200, big, low);
    assert.ok(modeledGemmFlopsPerSec(free.spec, ceiling) > 735e12); // so the lower ceiling has work to do
    assert.ok(modeledGemmFlopsPerSec(bound.spec, low) <= 735e12);
    assert.ok(bound.objective >= free.objective);
  });
});

describe("model selection", () => {
  test("measuredModels and selectModels partition the rows", () => {
    assert.deepEqual(measuredModels(data), ["gpt3-66b", "llama-65b"]);
    const kept = selectModels(data, ["llama-65b"]);
    const dropped = selectModels(data, ["llama-65b"], false);
    for (const f of FILES) assert.equal(kept[f].length + dropped[f].length, data[f].length, f);
    assert.deepEqual([kept.fc.length, kept.attn.length, kept.layer.length], [68, 48, 40]);
    assert.deepEqual(measuredModels(dropped), ["gpt3-66b"]);
  });
});

describe("bad input", () => {
  test("meta.json without gemm_TFLOPs_8192 names the field", () => {
    for (const meta of [{}, { gemm_TFLOPs_8192: "fast" }, { gemm_TFLOPs_8192: -1 }, null]) {
      assert.throws(() => gemmCeilingFromMeta(meta, "x/meta.json"), (e: unknown) => e instanceof UserError && /x\/meta.json: gemm_TFLOPs_8192/.test(e.message));
    }
  });

  test("meta.json: a positive number is taken, in TFLOPS (x 1e12), on the 8192^3 shape; zero and NaN are not", () => {
    assert.deepEqual(gemmCeilingFromMeta({ gemm_TFLOPs_8192: 750 }, "m"), { m: 8192, k: 8192, n: 8192, flopsPerSec: 750e12 });
    assert.deepEqual(gemmCeilingFromMeta(meta, "meta.json"), ceiling);
    assert.equal(gemmCeilingFromMeta({ gemm_TFLOPs_8192: 0.5 }, "m").flopsPerSec, 0.5e12);
    for (const t of [0, Number.NaN]) assert.throws(() => gemmCeilingFromMeta({ gemm_TFLOPs_8192: t }, "m"), UserError, String(t));
  });

  test("no rows, or a ceiling below the start point", () => {
    assert.throws(() => fitGpu(h200, { fc: [], attn: [], layer: [] }, ceiling), UserError);
    assert.throws(() => fitGpu(h200, data, { ...ceiling, flopsPerSec: 100e12 }), (e: unknown) => e instanceof UserError && e.message.includes("gemm_TFLOPs_8192"));
  });

  test("the ceiling-below-start message gives both rates in TFLOPS with one decimal", () => {
    // 100e12 FLOP/s -> "100.0"; the start point models ~727 TFLOPS on 8192^3 (see "a lower measured GEMM ceiling binds")
    assert.throws(
      () => fitGpu(h200, data, { ...ceiling, flopsPerSec: 100e12 }),
      (e: unknown) => e instanceof UserError && /gemm_TFLOPs_8192 = 100\.0 in meta\.json/.test(e.message) && /start point \(7[0-4]\d\.\d TFLOPS on h200-sxm\)/.test(e.message),
    );
  });
});
