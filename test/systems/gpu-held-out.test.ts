import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../../src/core/errors.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { GPU_FIT_PARAMETERS, gemmCeilingFromMeta, selectModels } from "../../src/systems/fit-gpu.ts";
import { fitAndHoldOut, leaveOneModelOut } from "../../src/systems/gpu-held-out.ts";
import { loadGpuMeasurements } from "../../src/node/gpu-measurements.ts";

const dir = fileURLToPath(new URL("../../data/measurements/h200", import.meta.url));
const data = loadGpuMeasurements(dir);
const ceiling = gemmCeilingFromMeta(JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")), "meta.json");
const h200 = GPU_PRESETS["h200-sxm"];

describe("leave-one-model-out on the H200 measurements (docs/gpu-validation.md, 'Out of sample')", () => {
  const folds = leaveOneModelOut(h200, data, ceiling);
  const [toGpt3, toLlama] = folds;
  const over30 = (fold: (typeof folds)[number], file: string) =>
    fold.heldOutRows.filter((r) => r.file === file && Math.abs(r.relErr) > 0.3).map((r) => r.label);

  test("one fold per model, each fitted on the other; every row predicted exactly once out of sample", () => {
    assert.deepEqual(folds.map((f) => [f.fitModels, f.heldOutModels]), [[["llama-65b"], ["gpt3-66b"]], [["gpt3-66b"], ["llama-65b"]]]);
    for (const file of ["fc", "attn", "layer"] as const) {
      const n = folds.reduce((s, f) => s + (f.heldOut[file]?.rows ?? 0), 0);
      assert.equal(n, data[file].length, file);
    }
    // layer.csv holds llama-65b only: nothing to predict for gpt3-66b, nothing to fit the graph overhead on
    assert.equal(toGpt3.heldOut.layer, null);
    assert.equal(toLlama.inSample.layer, null);
    assert.deepEqual(toGpt3.notConstrained, []);
    assert.deepEqual(toLlama.notConstrained, ["graphKernelOverheadSec"]);
    const start = GPU_FIT_PARAMETERS.find((p) => p.key === "graphKernelOverheadSec")!.start;
    assert.equal(toLlama.fit.spec.graphKernelOverheadSec, start);
  });

  test("held-out medians stay <= 10 % on every file (measured: 4.3-5.8 %)", () => {
    for (const f of folds) {
      for (const file of ["fc", "attn", "layer"] as const) {
        const s = f.heldOut[file];
        if (s !== null) assert.ok(s.medianAbsRelErr <= 0.1, `${f.heldOutModels} ${file}: ${s.medianAbsRelErr}`);
      }
    }
  });

  test("held-out max meets 30 % except where documented: layer 9.5 %, fc 24.3 % when predicting llama-65b, attn 28.8 % when predicting gpt3-66b", () => {
    assert.ok(toLlama.heldOut.layer!.maxAbsRelErr <= 0.3, String(toLlama.heldOut.layer!.maxAbsRelErr));
    assert.ok(toLlama.heldOut.fc!.maxAbsRelErr <= 0.3, String(toLlama.heldOut.fc!.maxAbsRelErr));
    assert.ok(toGpt3.heldOut.attn!.maxAbsRelErr <= 0.3, String(toGpt3.heldOut.attn!.maxAbsRelErr));
  });

  test("fc, fit on llama-65b, predicting gpt3-66b: only the 4 cuBLAS heuristic outliers miss 30 % (measured 45.4 %)", () => {
    // the same four rows as in sample: measured time not monotone in M (ffn_up M=192: 424 us, M=256: 264 us),
    // which an ideal-autotuner model cannot follow; the next-worst held-out GEMM is 17.6 %
    const over = over30(toGpt3, "fc");
    assert.ok(over.length <= 4, over.join("; "));
    for (const label of over) assert.match(label, /^gpt3-66b (qkv|ffn_up|ffn_down) M=(128|192)$/);
    assert.ok(toGpt3.heldOut.fc!.maxAbsRelErr <= 0.5, String(toGpt3.heldOut.fc!.maxAbsRelErr));
  });

  test("attn, fit on gpt3-66b, predicting llama-65b: only small-KV rows miss 30 % (measured 44.0 %)", () => {
    // gpt3-66b's small attention calls carry ~10 us more fixed time than llama-65b's (min_us 39-43 vs
    // 28-30 us at B=1 L=512 for 12 % more bytes); the fit puts it in the launch overhead and over-predicts
    // llama-65b's calls with B*L <= 2048 (KV <= 67 MB)
    const over = toLlama.heldOutRows.filter((r) => r.file === "attn" && Math.abs(r.relErr) > 0.3);
    assert.ok(over.length <= 5, over.map((r) => r.label).join("; "));
    for (const r of over) {
      const m = /^llama-65b B=(\d+) L=(\d+) T=\d+$/.exec(r.label);
      assert.ok(m !== null && Number(m[1]) * Number(m[2]) <= 2048 && r.relErr > 0, r.label);
    }
    assert.ok(toLlama.heldOut.attn!.maxAbsRelErr <= 0.5, String(toLlama.heldOut.attn!.maxAbsRelErr));
  });

  test("the fit never sees the held-out rows: changing them changes nothing fitted", () => {
    const doubled = {
      fc: data.fc.map((r) => (r.modelName === "gpt3-66b" ? { ...r, measuredUs: 2 * r.measuredUs } : r)),
      attn: data.attn.map((r) => (r.modelName === "gpt3-66b" ? { ...r, measuredUs: 2 * r.measuredUs } : r)),
      layer: data.layer,
    };
    const again = fitAndHoldOut(h200, doubled, ["llama-65b"], ceiling);
    assert.deepEqual(again.fit, toGpt3.fit);
    assert.deepEqual(again.inSample, toGpt3.inSample);
    assert.notDeepEqual(again.heldOut, toGpt3.heldOut);
  });
});

describe("bad input", () => {
  test("--fit-models must name measured models and leave at least one out", () => {
    const bad = (models: string[], text: string) =>
      assert.throws(() => fitAndHoldOut(h200, data, models, ceiling), (e: unknown) => e instanceof UserError && e.message.includes(text));
    bad(["gpt9"], 'no measurements of "gpt9"; measured: gpt3-66b, llama-65b');
    bad(["gpt3-66b", "llama-65b"], "give between 1 and 1 of the measured models (gpt3-66b, llama-65b) so some are held out");
    bad([], "so some are held out");
  });

  test("leave-one-model-out needs two models", () => {
    assert.throws(
      () => leaveOneModelOut(h200, selectModels(data, ["llama-65b"]), ceiling),
      (e: unknown) => e instanceof UserError && e.message.includes("at least 2 models; found 1 (llama-65b)"),
    );
  });
});
