import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { loadModel as resolveModel } from "../../src/node/models.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-models-"));
const write = (name: string, obj: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(obj));
  return p;
};
const hf = { model_type: "llama", hidden_size: 64, intermediate_size: 172, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100, rope_theta: 1e4 };

describe("resolveModel", () => {
  test("preset by name", () => assert.equal(resolveModel("llama-65b"), MODEL_PRESETS["llama-65b"]));

  test("HF config path: name defaults to the file name, extra keys ignored", () => {
    const m = resolveModel(write("my-llama.json", hf));
    assert.equal(m.name, "my-llama");
    assert.equal(m.hidden_size, 64);
  });

  test("unknown name lists the known ones", () => {
    assert.throws(() => resolveModel("gpt5"), (e: unknown) => e instanceof UserError && e.message.includes("llama-65b") && e.message.includes("gpt5"));
  });

  test("bad configs: one-line error naming the field", () => {
    const cases: Array<[object, string]> = [
      [{ ...hf, hidden_size: undefined }, "hidden_size"],
      [{ ...hf, num_hidden_layers: -2 }, "num_hidden_layers"],
      [{ ...hf, num_attention_heads: 5 }, "num_attention_heads"],
    ];
    cases.forEach(([cfg, field], i) => {
      const p = write(`bad${i}.json`, cfg);
      assert.throws(() => resolveModel(p), (e: unknown) => e instanceof UserError && e.message.includes(field) && !e.message.includes("\n"));
    });
  });

  test("missing file and non-JSON", () => {
    assert.throws(() => resolveModel(join(dir, "nope.json")), UserError);
    const p = join(dir, "broken.json");
    writeFileSync(p, "{ not json");
    assert.throws(() => resolveModel(p), UserError);
    assert.throws(() => resolveModel(write("arr.json", [1, 2])), UserError);
  });
});

test("GPT-3 175B ties its embeddings (one vocab x hidden matrix): parameters by hand", async () => {
  const { modelParamCount, layerParamCount } = await import("../../src/models/params.ts");
  const m = MODEL_PRESETS["gpt3-175b"];
  assert.equal(m.tie_word_embeddings, true);
  assert.equal(modelParamCount(m), 96 * layerParamCount(m) + 50257 * 12288 + 12288);
});

test("a Hugging Face config's name: the last part of _name_or_path (a trailing slash ignored), else the fallback", async () => {
  const { modelFromObject } = await import("../../src/models/registry.ts");
  const raw = { hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100, hidden_act: "silu" };
  assert.equal(modelFromObject({ ...raw, _name_or_path: "Qwen/Qwen3-30B-A3B" }, "m").name, "Qwen3-30B-A3B");
  assert.equal(modelFromObject({ ...raw, _name_or_path: "org/tiny/" }, "m").name, "tiny");
  assert.equal(modelFromObject({ ...raw, _name_or_path: "" }, "m", "folder-name").name, "folder-name");
  assert.equal(modelFromObject({ ...raw, _name_or_path: 7 }, "m", "folder-name").name, "folder-name");
  assert.equal(modelFromObject({ ...raw, name: "mine", _name_or_path: "org/tiny" }, "m").name, "mine");
});

test("registry: a model reference is a preset, an inline object, or a path this caller refuses; missing fields say so", async () => {
  const reg = await import("../../src/models/registry.ts");
  const raw = { hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100 };
  assert.equal(reg.resolveModel({ ...raw, name: "inline" }).name, "inline");
  assert.equal(reg.resolveModel("opt-30b"), MODEL_PRESETS["opt-30b"]);
  for (const p of ["dir/m", "dir\\m", "m.json", "m.YAML", "m.yml"]) {
    assert.equal(reg.looksLikeModelPath(p), true, p);
    assert.throws(() => reg.resolveModel(p), (e: unknown) => e instanceof UserError && /is a file path; this caller cannot read files/.test(e.message), p);
  }
  assert.deepEqual(["llama-65b", "m.jsonx", "json"].map(reg.looksLikeModelPath), [false, false, false]);
  assert.deepEqual([reg.isModelPreset("llama-65b"), reg.isModelPreset("toString")], [true, false]);
  assert.throws(() => reg.modelPreset("llama-66b"), (e: unknown) => e instanceof UserError && /did you mean "llama-65b"/.test(e.message));
  for (const bad of [null, [1], "x"]) assert.throws(() => reg.modelFromObject(bad, "cfg"), (e: unknown) => e instanceof UserError && e.message === "cfg: a model config must be a JSON object");
  // a required field left out is "missing", with what it is; a wrong value keeps the type message
  const { vocab_size: _v, ...noVocab } = raw;
  assert.throws(() => reg.parseModelConfig({ ...noVocab, name: "m" }, "cfg"), (e: unknown) => e instanceof UserError && /vocab_size.*is missing \(required: vocabulary size/.test(e.message));
  assert.throws(() => reg.parseModelConfig({ ...raw, name: "m", vocab_size: "x" }, "cfg"), (e: unknown) => e instanceof UserError && !/missing/.test(e.message) && /vocab_size/.test(e.message));
});
