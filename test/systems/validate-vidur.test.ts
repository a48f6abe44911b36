import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { gpuElementwiseCost, gpuTensorParallelGemmCost } from "../../src/hardware/gpu/cost.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import type { GpuSpec } from "../../src/hardware/gpu/schema.ts";
import { loadVidurMeasurements, SHIPPED_VIDUR_PROFILES } from "../../src/node/vidur-measurements.ts";
import { evaluateVidurFile, predictVidurOpSec, VIDUR_OPS, VIDUR_SKU_PRESETS, type VidurComputeFile, type VidurOp } from "../../src/systems/validate-vidur.ts";

const a100 = GPU_PRESETS["a100-80gb"];
const llama70b = { numHeads: 64, numKvHeads: 8, hiddenSize: 8192, ffnSize: 28672, vocabSize: 32000, gatedMlp: true };
const row = { numTokens: 16, tensorParallel: 4, shape: llama70b };

test("each operation maps onto papi's kernels with the TP shard of its row (shapes and bytes by hand)", () => {
  const gemm = (k: number, n: number, split: "n" | "k") => gpuTensorParallelGemmCost(a100, { m: 16, k, n, dtypeBytes: 2 }, 4, "graph", split).timeSec;
  const moved = (bytes: number) => gpuElementwiseCost(a100, bytes, "graph").timeSec;
  const want: Record<VidurOp, number> = {
    attn_pre_proj: gemm(8192, (64 + 2 * 8) * 128, "n"), // QKV: 10,240 columns, 2,560 per GPU
    attn_post_proj: gemm(8192, 8192, "k"), // row-parallel: 2,048 input rows per GPU
    mlp_up_proj: gemm(8192, 2 * 28672, "n"), // gate and up fused
    mlp_down_proj: gemm(28672, 8192, "k"),
    mlp_act: moved((3 * 16 * 28672 * 2) / 4), // SiLU(gate) x up: 2 reads + 1 write of 7,168 values per token
    input_layernorm: moved((2 * 16 * 8192 + 8192) * 2), // x read and y written in full on every GPU, plus the weight
    post_attention_layernorm: moved((2 * 16 * 8192 + 8192) * 2),
    add: moved(3 * 16 * 8192 * 2),
    attn_rope: moved((2 * 16 * 72 * 128 * 2) / 4 + 16 * 128 * 2 + 16 * 8), // q and k of 18 heads per GPU, cos/sin, positions
    emb: moved(16 * 8 + 2 * 16 * 8192 * 2),
  };
  for (const op of VIDUR_OPS) assert.equal(predictVidurOpSec(a100, op, row), want[op], op);
  // a plain GELU MLP has no gate: one activated value read and one written per FFN column
  assert.equal(predictVidurOpSec(a100, "mlp_act", { ...row, shape: { ...llama70b, gatedMlp: false } }), moved((2 * 16 * 28672 * 2) / 4));
  assert.equal(predictVidurOpSec(a100, "mlp_up_proj", { ...row, shape: { ...llama70b, gatedMlp: false } }), gemm(8192, 28672, "n"));
});

test("the measurements are priced as kernel durations (launch mode graph), not with eager host dispatch", () => {
  const eagerHeavy = { ...a100, kernelLaunchOverheadSec: 1e-3 } as GpuSpec;
  for (const op of VIDUR_OPS) assert.equal(predictVidurOpSec(eagerHeavy, op, row), predictVidurOpSec(a100, op, row), op);
  const graphHeavy = { ...a100, graphKernelOverheadSec: a100.graphKernelOverheadSec + 1e-3 } as GpuSpec;
  for (const op of VIDUR_OPS) assert.ok(Math.abs(predictVidurOpSec(graphHeavy, op, row) - predictVidurOpSec(a100, op, row) - 1e-3) < 1e-12, op);
});

test("Vidur's SKU names map to the A100 80 GB and H100 SXM presets (never the AttAcc baseline a100-hbm3)", () => {
  assert.deepEqual(VIDUR_SKU_PRESETS, { a100: "a100-80gb", h100: "h100-sxm" });
});

test("file statistics: all operations, the layer's operations, each operation, and the layer sum of complete rows", () => {
  // measured = predicted / (1 + e): relative error e exactly; rope +50 %, every layer op +10 %, except one row without add
  const mk = (line: number, T: number, withAdd: boolean) => {
    const r = { line, numTokens: T, tensorParallel: 2, shape: llama70b, measuredSec: {} as Partial<Record<VidurOp, number>> };
    for (const op of VIDUR_OPS) {
      if (op === "emb" || (op === "add" && !withAdd)) continue;
      r.measuredSec[op] = predictVidurOpSec(a100, op, r) / (op === "attn_rope" ? 1.5 : 1.1);
    }
    return r;
  };
  const file: VidurComputeFile = { path: "compute/x/o/m/mlp.csv", sku: "a100", model: "o/m", rows: [mk(2, 8, true), mk(3, 64, false)], unpricedOps: ["attn"] };
  const { summary, rows } = evaluateVidurFile(a100, file);
  assert.equal(rows.length, 9 + 8);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  near(summary.perOp.attn_rope!.medianAbsRelErr, 0.5);
  near(summary.perOp.mlp_up_proj!.maxAbsRelErr, 0.1);
  assert.equal(summary.perOp.emb, undefined);
  assert.equal(summary.perOp.add!.rows, 1);
  assert.equal(summary.layer.rows, 15);
  near(summary.layer.maxAbsRelErr, 0.1);
  near(summary.all.maxAbsRelErr, 0.5);
  assert.equal(summary.layerSum.rows, 1, "the row without add has no layer sum");
  near(summary.layerSum.medianAbsRelErr, 0.1);
  assert.deepEqual(summary.unpricedOps, ["attn"]);
});

describe("the shipped presets against the shipped profiles (in sample; docs/gpu-validation.md)", () => {
  const m = loadVidurMeasurements(SHIPPED_VIDUR_PROFILES);
  const results = m.compute.map((f) => evaluateVidurFile(GPU_PRESETS[VIDUR_SKU_PRESETS[f.sku]], f).summary);

  test("GEMMs: median <= 12 % per operation and file, max < 50 % (the maxima are cuBLAS's slow-kernel picks)", () => {
    for (const r of results) {
      for (const op of ["attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj"] as const) {
        assert.ok(r.perOp[op]!.medianAbsRelErr <= 0.12, `${r.path} ${op} median ${r.perOp[op]!.medianAbsRelErr}`);
        assert.ok(r.perOp[op]!.maxAbsRelErr < 0.5, `${r.path} ${op} max ${r.perOp[op]!.maxAbsRelErr}`);
      }
    }
  });

  test("the layer sum per row: median <= 5 %, max <= 32 % on every file", () => {
    for (const r of results) {
      assert.equal(r.layerSum.rows, r.path.includes("Llama-3") ? 1824 : 1044);
      assert.ok(r.layerSum.medianAbsRelErr <= 0.05, `${r.path} median ${r.layerSum.medianAbsRelErr}`);
      assert.ok(r.layerSum.maxAbsRelErr <= 0.32, `${r.path} max ${r.layerSum.maxAbsRelErr}`);
    }
  });
});
