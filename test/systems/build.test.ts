import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { modelWeightBytes } from "../../src/models/params.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { SYSTEM_PRESETS } from "../../src/systems/presets.ts";
import { SystemDescriptionChecked } from "../../src/systems/schema.ts";

const GiB = 1024 ** 3;
const llama = MODEL_PRESETS["llama-65b"];

test("GPU memory: 5 stacks x 16 GiB per GPU is the GPU's 80 GiB; KV capacity = min(stacks, GPUs' memory) - weights", () => {
  const gpuOnly = buildSystem("gpu-only", llama);
  assert.equal(5 * gpuOnly.spec.fcStacks.hbm.capacityBytes, GPU_PRESETS["a100-hbm3"].memoryCapacityBytes);
  const w = modelWeightBytes(llama);
  assert.equal(gpuOnly.kvCapacityBytes, 30 * 16 * GiB - w);
  // a GPU that addresses only 40 GiB bounds the KV cache below what its stacks hold
  assert.equal(buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: 40 * GiB } }).kvCapacityBytes, 6 * 40 * GiB - w);
  assert.throws(() => buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: 20 * GiB } }), (e: unknown) => e instanceof UserError && /do not fit/.test(e.message));
  // attention stacks hold the KV cache elsewhere: 60 x 16 GiB
  assert.equal(buildSystem("papi", llama).kvCapacityBytes, 60 * 16 * GiB);
});

test("GPU memory too small: the message gives weights and memory in GB; weights exactly equal to the memory fit", () => {
  // llama-65b by hand: per layer 4 x 8192^2 + 3 x 8192 x 22016 + 2 x 8192 = 809,517,056 params, x 80 layers,
  // + embedding and LM head 2 x 32000 x 8192 + final norm 8192 = 65,285,660,672 params x 2 B = 130,571,321,344 B
  const w = 130_571_321_344;
  assert.equal(modelWeightBytes(llama), w);
  // 6 GPUs x 20 GiB = 128,849,018,880 B = 128.8 GB (the 30 x 16 GiB stacks hold more)
  assert.throws(
    () => buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: 20 * GiB } }),
    (e: unknown) =>
      e instanceof UserError &&
      e.message.includes("the weights (130.6 GB) do not fit system gpu-only's GPU memory (128.8 GB = min(FC stacks, numGpus x gpu.memoryCapacityBytes))"),
  );
  // 4 GPUs of w / 4 = 32,642,830,336 B each: memory = weights exactly, no KV cache left but it builds; a byte less each does not
  assert.equal(buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: w / 4 } }, { numGpus: 4 }).kvCapacityBytes, 0);
  assert.throws(() => buildSystem("gpu-only", llama, { gpu: { memoryCapacityBytes: w / 4 - 1 } }, { numGpus: 4 }), (e: unknown) => e instanceof UserError && /do not fit/.test(e.message));
});

test("a PIM host needs PIM FC stacks and attention stacks; every tensor-parallel group needs an FC stack", () => {
  const issue = (spec: object, path: string) => {
    const r = SystemDescriptionChecked.safeParse(spec);
    assert.equal(r.success, false, path);
    assert.ok(r.error!.issues.some((i) => i.path.join(".") === path), JSON.stringify(r.error!.issues));
  };
  const pimOnly = SYSTEM_PRESETS["pim-only-papi"];
  issue({ ...pimOnly, fcStacks: { ...pimOnly.fcStacks, design: null } }, "hostUnit"); // plain FC stacks: TypeError before
  issue({ ...SYSTEM_PRESETS["a100-attacc"], hostUnit: "pim" }, "hostUnit");
  issue({ ...SYSTEM_PRESETS.papi, fcStacks: { ...SYSTEM_PRESETS.papi.fcStacks, numStacks: 4 } }, "fcStacks.numStacks");
  issue({ ...pimOnly, fcStacks: { ...pimOnly.fcStacks, numStacks: 5 } }, "fcStacks.numStacks"); // 6 PIM-PIM port groups
  assert.throws(() => buildSystem("a100-attacc", llama, {}, { numGpus: 31 }), (e: unknown) => e instanceof UserError && /fcStacks.numStacks/.test(e.message));
});

test("the GPU spec has no NVLink fields: an override naming one is an error", () => {
  assert.throws(() => buildSystem("papi", llama, { gpu: { nvlinkBandwidthBytesPerSec: 1 } }), UserError);
});

test("weights must fit the FC stacks: GPT-3 175B (349 GB) on 12 FC-PIM stacks of 12 GiB (3 of 4 bank groups) is a one-line error; on 30 it builds", () => {
  const gpt3 = MODEL_PRESETS["gpt3-175b"];
  assert.ok(modelWeightBytes(gpt3) > 12 * 12 * GiB && modelWeightBytes(gpt3) < 30 * 12 * GiB);
  assert.throws(
    () => buildSystem("papi", gpt3, {}, { numFcStacks: 12 }),
    (e: unknown) => e instanceof UserError && /gpt3-175b needs 349\.1 GB of weights but system papi's 12 FC stacks hold 154\.6 GB; raise --fc-stacks/.test(e.message),
  );
  assert.equal(buildSystem("papi", gpt3, {}, { numFcStacks: 30 }).model.name, "gpt3-175b");
});

test("0 attention stacks: no attention PIM in the context even if the system declares a design; KV then lives in GPU memory", () => {
  const ctx = buildSystem("papi", llama, {}, { numAttnStacks: 0 });
  assert.notEqual(ctx.spec.attnStacks.design, null); // the design is declared...
  assert.equal(ctx.attnPim, null); // ...but there is no stack to run it
  assert.ok(ctx.kvCapacityBytes > 0);
});
