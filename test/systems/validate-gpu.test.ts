import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { papi as cli } from "../cli/helpers.ts";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../../src/core/errors.ts";
import { gpuGemmCost } from "../../src/hardware/gpu/cost.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { errStats, gpuPresetForDevice, predictLayerSec } from "../../src/systems/validate-gpu.ts";
import { loadGpuMeasurements, validateGpu } from "../../src/node/gpu-measurements.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const shipped = join(root, "data/measurements/h200");
const papi = (...args: string[]) => cli(args);

describe("validation against the H200 measurements", () => {
  const v = validateGpu(shipped);

  test("uses the preset named by meta.json and predicts every row", async () => {
    assert.equal(v.gpu, "h200-sxm");
    assert.deepEqual([v.fc.rows, v.attn.rows, v.layer.rows], [136, 96, 40]);
  });

  test("the row list is the measured rows, one each and nothing else; relErr = (predicted - measured) / measured", async () => {
    const w = validateGpu(shipped);
    // 136 + 96 + 40 data lines of fc.csv, attn.csv and layer.csv
    assert.equal(w.rows.length, 272);
    assert.deepEqual(["fc", "attn", "layer"].map((f) => w.rows.filter((r) => r.file === f).length), [136, 96, 40]);
    // fc.csv's first row, llama-65b qkv M=1: median 118.17600205540657 us
    const row = w.rows.find((r) => r.file === "fc" && r.label === "llama-65b qkv M=1")!;
    const measured = 118.17600205540657e-6;
    assert.ok(Math.abs(row.measuredSec - measured) <= 1e-15 * measured);
    assert.ok(row.predictedSec > 0 && Math.abs(row.predictedSec - measured) > 1e-3 * measured);
    assert.ok(Math.abs(row.relErr - (row.predictedSec - measured) / measured) <= 1e-12);
  });

  test("median error <= 10 % on each file", async () => {
    for (const f of ["fc", "attn", "layer"] as const) assert.ok(v[f].medianAbsRelErr <= 0.1, `${f}: ${v[f].medianAbsRelErr}`);
  });

  test("max error <= 30 % on layer.csv (measured 5.3 %)", async () => {
    assert.ok(v.layer.maxAbsRelErr <= 0.3, String(v.layer.maxAbsRelErr));
  });

  test("attn.csv: the 30 % max target is missed only by small-KV llama-65b rows, none beyond 35 % (measured 31.8 %)", async () => {
    // llama-65b's small calls (B*L <= 2048) run 10-15 us faster than gpt3-66b's of nearly the same bytes;
    // one shared fixed cost over-predicts the former (docs/gpu-validation.md, "Worst attention rows")
    const over = v.rows.filter((r) => r.file === "attn" && Math.abs(r.relErr) > 0.3);
    for (const r of over) {
      const m = /^llama-65b B=(\d+) L=(\d+) T=\d+$/.exec(r.label);
      assert.ok(m !== null && Number(m[1]) * Number(m[2]) <= 2048, r.label);
    }
    assert.ok(v.attn.maxAbsRelErr <= 0.35, String(v.attn.maxAbsRelErr));
  });

  test("fc.csv: the 30 % max target is missed only by the 4 gpt3-66b heuristic outliers, none beyond 40 % (measured 37.5 %; docs/gpu-validation.md)", async () => {
    const over = v.rows.filter((r) => r.file === "fc" && Math.abs(r.relErr) > 0.3);
    assert.ok(over.length <= 4, over.map((r) => r.label).join("; "));
    for (const r of over) assert.match(r.label, /^gpt3-66b (qkv|ffn_up|ffn_down) M=(128|192)$/);
    assert.ok(v.fc.maxAbsRelErr <= 0.4, String(v.fc.maxAbsRelErr));
  });

  test("fc.csv and attn.csv rows are priced eagerly, layer.csv in a CUDA graph", async () => {
    const h = GPU_PRESETS["h200-sxm"];
    const row = v.rows.find((r) => r.file === "fc" && r.label === "llama-65b proj M=1")!;
    assert.equal(row.predictedSec, gpuGemmCost(h, { m: 1, k: 8192, n: 8192, dtypeBytes: 2 }, "eager").timeSec);
    const noEager = validateGpu(shipped, { ...h, kernelLaunchOverheadSec: 0, attentionLaunchOverheadSec: 0 });
    assert.equal(noEager.layer.medianAbsRelErr, v.layer.medianAbsRelErr);
    assert.ok(noEager.fc.medianAbsRelErr > v.fc.medianAbsRelErr && noEager.attn.medianAbsRelErr > v.attn.medianAbsRelErr);
  });

  test("why fc.csv cannot reach 30 %: some measured GEMMs get slower as M shrinks", async () => {
    // ffn_up of gpt3-66b: M = 192 takes longer than M = 256 with the same weights. The tiled model picks the
    // best plan (an ideal autotuner), so it is non-decreasing in M and must miss one of them by
    // >= (424 - 264)/(424 + 264) = 23 %.
    const fcRows = loadGpuMeasurements(shipped).fc.filter((r) => r.label.startsWith("gpt3-66b ffn_up"));
    const at = (m: number) => fcRows.find((r) => r.m === m)!.measuredUs;
    assert.ok(at(192) > 1.5 * at(256));
  });

  test("a CUDA-graph layer is cheaper than the same kernels launched eagerly", async () => {
    const h = GPU_PRESETS["h200-sxm"];
    const eager = { ...h, graphKernelOverheadSec: h.kernelLaunchOverheadSec };
    assert.ok(predictLayerSec(h, MODEL_PRESETS["llama-65b"], 4, 2, 512) < predictLayerSec(eager, MODEL_PRESETS["llama-65b"], 4, 2, 512));
  });
});

describe("helpers", () => {
  test("errStats: median and max of |err|", async () => {
    assert.deepEqual(errStats([0.1, -0.3, 0.2]), { rows: 3, medianAbsRelErr: 0.2, maxAbsRelErr: 0.3 });
    assert.deepEqual(errStats([0.1, -0.3, 0.2, 0.0]), { rows: 4, medianAbsRelErr: 0.15000000000000002, maxAbsRelErr: 0.3 });
  });

  test("device names map to presets", async () => {
    assert.equal(gpuPresetForDevice("NVIDIA H200"), "h200-sxm");
    assert.equal(gpuPresetForDevice("NVIDIA H100 80GB HBM3"), "h100-sxm");
    assert.equal(gpuPresetForDevice("NVIDIA A100-SXM4-80GB"), "a100-80gb");
    assert.equal(gpuPresetForDevice("AMD Instinct MI300X"), undefined);
  });
});

/** A scratch copy of the shipped measurements to break. */
const copy = () => {
  const d = mkdtempSync(join(tmpdir(), "papi-meas-"));
  cpSync(shipped, d, { recursive: true });
  return d;
};

describe("bad input", () => {
  test("missing folder", async () => {
    assert.throws(() => validateGpu(join(tmpdir(), "papi-no-such-dir")), (e: unknown) => e instanceof UserError && e.message.includes("not found"));
  });

  test("missing file names the file", async () => {
    const d = copy();
    rmSync(join(d, "attn.csv"));
    assert.throws(() => validateGpu(d), (e: unknown) => e instanceof UserError && e.message.includes("attn.csv"));
  });

  test("a measurement file with a header and no rows is a one-line error naming it (no fake 0-row line)", async () => {
    for (const file of ["fc.csv", "attn.csv", "layer.csv"]) {
      const d = copy();
      const p = join(d, file);
      writeFileSync(p, readFileSync(p, "utf8").split("\n")[0] + "\n");
      assert.throws(() => validateGpu(d), (e: unknown) => e instanceof UserError && e.message === `${p}: no rows after the header (a measurement table needs at least one)`, file);
    }
  });

  test("malformed row names file and line", async () => {
    const d = copy();
    const p = join(d, "fc.csv");
    const lines = readFileSync(p, "utf8").split("\n");
    lines[4] = lines[4].replace(/,8192,/, ",abc,");
    writeFileSync(p, lines.join("\n"));
    assert.throws(() => validateGpu(d), (e: unknown) => e instanceof UserError && e.message.includes("fc.csv:5"));
  });

  test("unknown model in layer.csv and unknown device", async () => {
    const d = copy();
    const p = join(d, "layer.csv");
    writeFileSync(p, readFileSync(p, "utf8").replace("llama-65b,1,1,512", "gpt9,1,1,512"));
    assert.throws(() => validateGpu(d, GPU_PRESETS["h200-sxm"]), (e: unknown) => e instanceof UserError && e.message.includes("layer.csv:2"));
    const d2 = copy();
    writeFileSync(join(d2, "meta.json"), JSON.stringify({ device: "Mystery GPU" }));
    assert.throws(() => validateGpu(d2), (e: unknown) => e instanceof UserError && e.message.includes("--gpu"));
  });
});

describe("CLI", () => {
  test("papi validate gpu --json prints exactly fc, attn, layer", async () => {
    const r = await papi("validate", "gpu", "--json");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, { rows: number; medianAbsRelErr: number; maxAbsRelErr: number }>;
    assert.deepEqual(Object.keys(out), ["fc", "attn", "layer"]);
    assert.deepEqual(Object.keys(out.fc), ["rows", "medianAbsRelErr", "maxAbsRelErr"]);
    assert.equal(out.layer.rows, 40);
  });

  test("papi validate gpu --leave-one-model-out --json: one fold per model, fitted parameters, errors in and out of sample", async () => {
    const r = await papi("validate", "gpu", "--leave-one-model-out", "--json");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { gpu: string; folds: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(out), ["gpu", "folds"]);
    assert.equal(out.gpu, "h200-sxm");
    assert.deepEqual(out.folds.map((f) => f.heldOutModels), [["gpt3-66b"], ["llama-65b"]]);
    const [first, second] = out.folds as { parameters: Record<string, unknown>; heldOut: Record<string, unknown>; notConstrained: string[] }[];
    assert.deepEqual(Object.keys(out.folds[0]), ["fitModels", "heldOutModels", "parameters", "notConstrained", "objective", "inSample", "heldOut"]);
    assert.equal(Object.keys(first.parameters).length, 13);
    assert.equal(first.heldOut.layer, null);
    assert.deepEqual(Object.keys(first.heldOut.fc as object), ["rows", "medianAbsRelErr", "maxAbsRelErr"]);
    assert.deepEqual(second.notConstrained, ["graphKernelOverheadSec"]);
  });

  const noCeiling = () => {
    const d = copy();
    writeFileSync(join(d, "meta.json"), JSON.stringify({ device: "NVIDIA H200" }));
    return d;
  };
  for (const [name, args] of [
    ["missing folder", () => ["validate", "gpu", "--measurements", join(tmpdir(), "papi-no-such-dir")]],
    ["unknown GPU", () => ["validate", "gpu", "--gpu", "b200"]],
    ["meta.json without the GEMM ceiling", () => ["validate", "gpu", "--leave-one-model-out", "--measurements", noCeiling()]],
  ] as const) {
    test(`bad input (${name}): exit 2, one line`, async () => {
      const r = await papi(...args());
      assert.equal(r.status, 2);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.ok(!/^\s+at /m.test(r.stderr));
    });
  }
});
