import { test } from "node:test";
import assert from "node:assert/strict";
import { gpuElementwiseCost } from "../../src/hardware/gpu/cost.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import type { GpuSpec } from "../../src/hardware/gpu/schema.ts";
import type { ElementwiseKernel } from "../../src/models/kernels.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { gpuDecoderLayerCost, gpuUnitOf, hostLayerElementwiseKernels } from "../../src/systems/layer-kernels.ts";

/** Elementwise kernels on n GPUs: the GPU unit's own method (the one the serving loop charges). */
const gpuElementwiseKernelsCost = (gpu: GpuSpec, ks: ElementwiseKernel[], n: number) => gpuUnitOf(gpu, n).elementwise!(ks, n);
import { predictLayerSec } from "../../src/systems/validate-gpu.ts";

const h200 = GPU_PRESETS["h200-sxm"];
const llama = MODEL_PRESETS["llama-65b"];

test("validate gpu's layer is gpuDecoderLayerCost on one GPU (the function the serving loop charges)", () => {
  for (const [B, T, L] of [[1, 1, 0], [4, 2, 512], [16, 8, 2048]]) {
    const c = gpuDecoderLayerCost(h200, llama, 1, { numRequests: B, tlp: T, totalContextTokens: B * (L + T) });
    assert.equal(predictLayerSec(h200, llama, B, T, L), c.fc.timeSec + c.attention.timeSec + c.elementwise.timeSec);
  }
});

test("a layer's elementwise kernels: two norms, two residual adds, the activation and the KV write", () => {
  assert.deepEqual(hostLayerElementwiseKernels(llama, 4, true).map((k) => k.name), ["input_norm", "kv_write", "attn_residual", "post_attn_norm", "ffn_act", "ffn_residual"]);
  assert.deepEqual(hostLayerElementwiseKernels(llama, 4, false).map((k) => k.name), ["input_norm", "attn_residual", "post_attn_norm", "ffn_act", "ffn_residual"]);
  // RMSNorm of 4 tokens: read 4 x 8192 x 2 + the 8192 x 2 weight, write 4 x 8192 x 2 = 147,456 B
  const norm = hostLayerElementwiseKernels(llama, 4, true)[0];
  assert.equal(norm.bytesRead + norm.bytesWritten, 147456);
});

test("tensor parallel: norms and residuals run in full on every GPU, the KV write and activation are split", () => {
  const ks = hostLayerElementwiseKernels(llama, 4, true);
  const six = gpuElementwiseKernelsCost(h200, ks, 6);
  let t = 0;
  for (const k of ks) t += gpuElementwiseCost(h200, (k.bytesRead + k.bytesWritten) / (k.name === "kv_write" || k.name === "ffn_act" ? 6 : 1)).timeSec;
  assert.ok(Math.abs(six.timeSec - t) <= 1e-15);
});

test("elementwise energy counts every GPU: each of the 6 runs its share (the split kernels 1/6, the others in full)", () => {
  const ks = hostLayerElementwiseKernels(llama, 4, true);
  let e = 0;
  for (const k of ks) e += 6 * gpuElementwiseCost(h200, (k.bytesRead + k.bytesWritten) / (k.name === "kv_write" || k.name === "ffn_act" ? 6 : 1)).energyJoules;
  assert.ok(e > 0);
  const six = gpuElementwiseKernelsCost(h200, ks, 6);
  assert.ok(Math.abs(six.energyJoules - e) <= 1e-12 * e, `${six.energyJoules} vs ${e}`);
  // one GPU: the kernels' own energies
  const one = gpuElementwiseKernelsCost(h200, ks, 1);
  const e1 = ks.reduce((a, k) => a + gpuElementwiseCost(h200, k.bytesRead + k.bytesWritten).energyJoules, 0);
  assert.ok(Math.abs(one.energyJoules - e1) <= 1e-12 * e1);
});
