import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { HBM_PRESETS } from "../../src/hardware/pim/hbm-presets.ts";
import { modelWeightBytes } from "../../src/models/params.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { buildSystem } from "../../src/systems/build.ts";

const GiB = 1024 ** 3;
const llama = MODEL_PRESETS["llama-65b"];
const err = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"));

test("GPU memory: 5 stacks x 16 GiB per GPU is the GPU's 80 GiB; KV capacity = groups x (min(stacks, GPU memory) - shard)", () => {
  assert.equal(5 * HBM_PRESETS["hbm3-5.2"].capacityBytes, GPU_PRESETS["a100-hbm3"].memoryCapacityBytes);
  const w = modelWeightBytes(llama);
  assert.equal(buildSystem("gpu-only", llama).kvCapacityBytes, 30 * 16 * GiB - w);
  // a GPU that addresses only 40 GiB bounds the KV cache below what its stacks hold
  assert.equal(buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: 40 * GiB } }).kvCapacityBytes, 6 * 40 * GiB - w);
  // attention stacks hold the KV cache elsewhere: 60 x 16 GiB
  assert.equal(buildSystem("papi", llama).kvCapacityBytes, 60 * 16 * GiB);
});

test("the weights are checked per tensor-parallel group: each group's memory must hold its shard (w / G), as its GPU addresses it", () => {
  // llama-65b by hand: 65,285,660,672 params x 2 B = 130,571,321,344 B; per group of 6: 21.76 GB
  const w = 130_571_321_344;
  assert.equal(modelWeightBytes(llama), w);
  // 6 GPUs addressing 20 GiB each: the 21.8 GB shard does not fit, whatever the stacks hold
  err(() => buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: 20 * GiB } }),
    /^llama-65b's weights \(130\.6 GB, 21\.8 GB per tensor-parallel group\) do not fit system gpu-only: each of its 6 groups has 21\.5 GB \(units\.gpu addresses 21\.5 GB per group\)/);
  // 4 GPUs of w / 4 each and 28 stacks (7 per GPU): memory = shard exactly, no KV cache left but it builds; a byte less does not
  assert.equal(buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: w / 4 } }, { numGpus: 4, numFcStacks: 28 }).kvCapacityBytes, 0);
  err(() => buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: w / 4 - 1 } }, { numGpus: 4, numFcStacks: 28 }), /do not fit/);
});

test("0.2's capacity bugs are refused: one GPU cannot address LLaMA-65B whatever holds the KV cache; FC stacks are checked per group", () => {
  // a100-attacc and papi with 1 GPU: 130.6 GB on one A100 (80 GiB), although 30 stacks hold 480 / 360 GiB
  err(() => buildSystem("a100-attacc", llama, {}, { numGpus: 1 }), /each of its 1 groups has 85\.9 GB \(units\.gpu addresses 85\.9 GB per group\)/);
  err(() => buildSystem("papi", llama, {}, { numGpus: 1 }), /each of its 1 groups has 85\.9 GB/);
  // 6 FC-PIM stacks in 6 groups: 12.9 GB per group for a 21.8 GB shard (0.2 checked 6 x 12.9 = 77 GB in total)
  err(() => buildSystem("papi", llama, {}, { numFcStacks: 6 }), /each of its 6 groups has 12\.9 GB \(1 x 12\.9 GB of units\.fc-pim\)/);
  assert.equal(buildSystem("papi", llama, {}, { numFcStacks: 12 }).weights.numDevices, 12);
});

test("weights must fit: GPT-3 175B (349 GB) on 12 FC-PIM stacks of 12 GiB is a one-line error; on 30 it builds", () => {
  const gpt3 = MODEL_PRESETS["gpt3-175b"];
  assert.ok(modelWeightBytes(gpt3) > 12 * 12 * GiB && modelWeightBytes(gpt3) < 30 * 12 * GiB);
  err(() => buildSystem("papi", gpt3, {}, { numFcStacks: 12 }), /^gpt3-175b's weights \(349\.1 GB, 58\.2 GB per tensor-parallel group\) do not fit system papi: each of its 6 groups has 25\.8 GB \(2 x 12\.9 GB of units\.fc-pim\)/);
  assert.equal(buildSystem("papi", gpt3, {}, { numFcStacks: 30 }).model.name, "gpt3-175b");
});

test("the GPU spec has no NVLink fields: an override naming one is an error", () => {
  assert.throws(() => buildSystem("papi", llama, { gpu: { nvlinkBandwidthBytesPerSec: 1 } }), UserError);
});

test("0 attention stacks: attention on the GPUs, KV then lives in GPU memory and the GPUs write it", () => {
  const ctx = buildSystem("papi", llama, {}, { numAttnStacks: 0 });
  assert.equal(ctx.attention.name, "gpu");
  assert.equal(ctx.kv.name, "fc-pim");
  assert.ok(ctx.kvWriteOnHost);
  // 6 groups x (min(5 x 12 GiB, 80 GiB) - 21.8 GB shard)
  const expected = 6 * (5 * 12 * GiB) - modelWeightBytes(llama);
  assert.ok(Math.abs(ctx.kvCapacityBytes - expected) <= 1e-3, `${ctx.kvCapacityBytes} vs ${expected}`);
});

test("roles resolve to units: papi's FC candidates in order, attention, prefill, fabrics", () => {
  const ctx = buildSystem("papi", llama);
  assert.deepEqual(ctx.fc.map((f) => [f.unit.name, f.unit.kind, f.fabric?.link.name]), [["gpu", "gpu", "nvlink3"], ["fc-pim", "pim", "nvlink3"]]);
  assert.deepEqual([ctx.attention.name, ctx.kv.name, ctx.weights.name, ctx.elementwise.name, ctx.prefill.fc.unit.name, ctx.prefill.attention.name], ["attn-pim", "attn-pim", "fc-pim", "gpu", "gpu", "gpu"]);
  assert.deepEqual(ctx.attentionVia.map((f) => f.link.name), ["pcie5"]);
  assert.equal(ctx.numGroups, 6);
  assert.equal(ctx.kvWriteOnHost, false);
  const pimOnly = buildSystem("pim-only-papi", llama);
  assert.deepEqual(pimOnly.attentionVia.map((f) => f.link.name), ["pcie5", "nvlink3"]);
  assert.deepEqual([pimOnly.elementwise.name, pimOnly.prefill.fc.unit.name, pimOnly.prefill.attention.name], ["fc-pim", "fc-pim", "attn-pim"]);
});
