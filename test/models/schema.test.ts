import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GATED_ACTS, ModelConfig, PLAIN_ACTS, dtypeBytes, headDim, isGatedFfn, numKvHeads } from "../../src/models/schema.ts";
import { MODEL_PRESETS, modelFromObject, parseModelConfig } from "../../src/models/registry.ts";
import { CONDITIONAL_HF_KEYS, HARMLESS_HF_KEYS } from "../../src/models/hf-keys.ts";
import { UserError } from "../../src/core/errors.ts";
import { readdirSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { loadModel } from "../../src/node/models.ts";

const tiny = { name: "tiny", hidden_size: 8, intermediate_size: 16, num_hidden_layers: 2, num_attention_heads: 2, vocab_size: 10 };

describe("ModelConfig", () => {
  test("defaults: kv heads = heads, head_dim = hidden/heads, fp16, silu (gated)", () => {
    const m = ModelConfig.parse(tiny);
    assert.equal(numKvHeads(m), 2);
    assert.equal(headDim(m), 4);
    assert.equal(m.dtype, "fp16");
    assert.equal(dtypeBytes(m), 2);
    assert.equal(isGatedFfn(m), true);
  });

  test("relu/gelu are not gated; gated_ffn overrides", () => {
    assert.equal(isGatedFfn(ModelConfig.parse({ ...tiny, hidden_act: "relu" })), false);
    assert.equal(isGatedFfn(ModelConfig.parse({ ...tiny, hidden_act: "gelu" })), false);
    assert.equal(isGatedFfn(ModelConfig.parse({ ...tiny, hidden_act: "gelu", gated_ffn: true })), true);
    assert.equal(isGatedFfn(ModelConfig.parse({ ...tiny, hidden_act: "silu", gated_ffn: false })), false);
  });

  test("harmless HF keys are dropped and HF aliases are mapped", () => {
    const m = ModelConfig.parse({
      name: "opt-like",
      architectures: ["OPTForCausalLM"],
      hidden_size: 16,
      ffn_dim: 64,
      activation_function: "relu",
      num_hidden_layers: 2,
      num_attention_heads: 4,
      vocab_size: 100,
      torch_dtype: "bfloat16",
    });
    assert.equal(m.intermediate_size, 64);
    assert.equal(m.hidden_act, "relu");
    assert.equal(m.dtype, "bf16");
    assert.equal("architectures" in m, false);
  });

  test("refinements name the field", () => {
    const bad = (cfg: object, field: string) => {
      const r = ModelConfig.safeParse({ ...tiny, ...cfg });
      assert.equal(r.success, false);
      assert.ok(r.error!.issues.some((i) => i.path.join(".") === field), JSON.stringify(r.error!.issues));
    };
    bad({ num_attention_heads: 3 }, "num_attention_heads");
    bad({ num_key_value_heads: 3 }, "num_key_value_heads");
    bad({ hidden_size: -8 }, "hidden_size");
    bad({ num_hidden_layers: 1.5 }, "num_hidden_layers");
    bad({ vocab_size: undefined }, "vocab_size");
    bad({ num_local_experts: 2, num_experts_per_tok: 3 }, "num_experts_per_tok");
    bad({ num_local_experts: 2 }, "num_experts_per_tok");
    bad({ dtype: "int4" }, "dtype");
  });

  test("MoE keys of Qwen2-MoE / Qwen3-MoE configs: num_experts is num_local_experts; mixed layer patterns are refused", () => {
    const moe = { ...tiny, num_experts: 8, num_experts_per_tok: 2, moe_intermediate_size: 4, decoder_sparse_step: 1, mlp_only_layers: [] };
    const m = ModelConfig.parse(moe);
    assert.equal(m.num_local_experts, 8);
    assert.equal(m.moe_intermediate_size, 4);
    const bad = (cfg: object, field: string) => {
      const r = ModelConfig.safeParse({ ...moe, ...cfg });
      assert.equal(r.success, false);
      assert.ok(r.error!.issues.some((i) => i.path.join(".") === field), JSON.stringify(r.error!.issues));
    };
    bad({ decoder_sparse_step: 2 }, "decoder_sparse_step");
    bad({ mlp_only_layers: [0] }, "mlp_only_layers");
    bad({ moe_intermediate_size: 0 }, "moe_intermediate_size");
    bad({ shared_expert_intermediate_size: -1 }, "shared_expert_intermediate_size");
    bad({ num_experts_per_tok: 9 }, "num_experts_per_tok");
  });

  test("dtype spellings (any case) and aliases that agree with their field", () => {
    const dt = (v: string) => ModelConfig.parse({ ...tiny, torch_dtype: v }).dtype;
    assert.deepEqual(["float16", "HALF", "bfloat16", "BF16", "float32", "float", "fp32"].map(dt), ["fp16", "fp16", "bf16", "bf16", "fp32", "fp32", "fp32"]);
    // an alias equal to its field (dtype after normalising the spelling) is dropped, not refused
    assert.equal(ModelConfig.parse({ ...tiny, dtype: "bf16", torch_dtype: "bfloat16" }).dtype, "bf16");
    assert.equal(ModelConfig.parse({ ...tiny, ffn_dim: 16 }).intermediate_size, 16);
    assert.equal(ModelConfig.safeParse({ ...tiny, dtype: "fp32", torch_dtype: "bfloat16" }).success, false);
    // GPT-2's n_inner: null means 4 x hidden (n_embd or hidden_size)
    const { hidden_size: _h, intermediate_size: _f, ...gpt2 } = tiny;
    assert.equal(ModelConfig.parse({ ...gpt2, n_embd: 8, n_inner: null }).intermediate_size, 32);
    assert.equal(ModelConfig.parse({ ...gpt2, hidden_size: 6, n_inner: null, num_attention_heads: 2 }).intermediate_size, 24);
  });

  test("MoE counts: k = E is allowed; k alone names the missing expert count; layer patterns only matter for MoE", () => {
    assert.equal(ModelConfig.parse({ ...tiny, num_local_experts: 2, num_experts_per_tok: 2 }).num_experts_per_tok, 2);
    const r = ModelConfig.safeParse({ ...tiny, num_experts_per_tok: 2 });
    assert.ok(!r.success && r.error.issues.some((i) => i.path.join(".") === "num_local_experts" && /must be given together/.test(i.message)));
    // a dense model's decoder_sparse_step and mlp_only_layers change nothing
    assert.equal(ModelConfig.parse({ ...tiny, decoder_sparse_step: 2, mlp_only_layers: [0] }).hidden_size, 8);
  });

  test("head_dim given: heads need not divide hidden size", () => {
    const m = ModelConfig.parse({ ...tiny, num_attention_heads: 3, num_key_value_heads: 1, head_dim: 4 });
    assert.equal(headDim(m), 4);
  });
});

describe("presets", () => {
  test("every preset is named by its key and carries a source", () => {
    for (const [name, m] of Object.entries(MODEL_PRESETS)) {
      assert.equal(m.name, name);
      assert.ok(m.source.length > 10, name);
    }
  });

  test("paper shapes", () => {
    const l = MODEL_PRESETS["llama-65b"];
    assert.equal(l.intermediate_size, 22016);
    assert.equal(isGatedFfn(l), true);
    const g = MODEL_PRESETS["gpt3-66b"];
    assert.deepEqual([g.num_hidden_layers, g.hidden_size, g.num_attention_heads, g.intermediate_size], [64, 9216, 72, 36864]);
    assert.equal(isGatedFfn(g), false);
    const g175 = MODEL_PRESETS["gpt3-175b"];
    assert.deepEqual([g175.num_hidden_layers, g175.hidden_size, g175.num_attention_heads, g175.intermediate_size], [96, 12288, 96, 49152]);
    assert.equal(numKvHeads(MODEL_PRESETS["llama-3-70b"]), 8);
    assert.equal(MODEL_PRESETS["llama-3-70b"].vocab_size, 128256);
    assert.equal(MODEL_PRESETS["mixtral-8x7b"].num_local_experts, 8);
    assert.equal(MODEL_PRESETS["mixtral-8x7b"].num_experts_per_tok, 2);
  });
});

const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");
const fixture = (p: string) => new URL(`../${p}`, import.meta.url);

describe("keys papi does not model are refused, never dropped (issue 17 item 8)", () => {
  test("sliding_window (Mistral-7B-v0.1's 4096) is refused with its name; null or use_sliding_window: false is full attention", () => {
    const mistral01 = JSON.parse(readFileSync(fixture("web/fixtures/mistral-7b-v0.1-config.json"), "utf8"));
    assert.throws(() => modelFromObject(mistral01, "config.json"), userError(/^config\.json: sliding_window: sliding-window attention \(4096 tokens\) is not modelled/));
    assert.throws(() => parseModelConfig({ ...tiny, sliding_window: 8, use_sliding_window: true }, "m"), userError(/sliding_window: .*use_sliding_window: sliding-window attention/));
    for (const off of [{ sliding_window: null }, { sliding_window: 4096, use_sliding_window: false, max_window_layers: 28 }, { sliding_window: null, use_sliding_window: false }]) {
      assert.equal(parseModelConfig({ ...tiny, ...off }, "m").num_hidden_layers, 2, JSON.stringify(off));
    }
    assert.throws(() => parseModelConfig({ ...tiny, max_window_layers: 28, sliding_window: 16 }, "m"), userError(/max_window_layers: only meaningful with sliding-window attention/));
  });

  test("any other key that is not a field is refused with its name (and the nearest field for a typo)", () => {
    assert.throws(() => parseModelConfig({ ...tiny, hidden_szie: 8 }, "m.json"), userError(/^m\.json: unknown key "hidden_szie" \(did you mean "hidden_size"\?\): papi does not model it/));
    for (const key of ["kv_lora_rank", "first_k_dense_replace", "quantization_config", "parallel_attn", "multi_query", "alibi"]) {
      assert.throws(() => parseModelConfig({ ...tiny, [key]: 1 }, "m"), userError(new RegExp(`unknown key "${key}"`)), key);
    }
    assert.throws(() => parseModelConfig({ ...tiny, word_embed_proj_dim: 4 }, "m"), userError(/word_embed_proj_dim: an embedding projection/));
    assert.equal(parseModelConfig({ ...tiny, word_embed_proj_dim: 8 }, "m").hidden_size, 8);
    assert.throws(() => parseModelConfig({ ...tiny, is_encoder_decoder: true }, "m"), userError(/encoder-decoder models are not modelled/));
    // at the value that means "not used" these keys are dropped
    for (const [k, v] of [["is_encoder_decoder", false], ["tie_encoder_decoder", false], ["pruned_heads", {}], ["use_sliding_window", false]] as const) {
      assert.deepEqual(parseModelConfig({ ...tiny, [k]: v }, "m"), parseModelConfig(tiny, "m"), k);
    }
    // a config that is not an object is refused as such (not as unknown keys)
    assert.throws(() => parseModelConfig(42, "m"), userError(/^m: /));
    // an alias that disagrees with its field is refused, not silently overruled
    assert.throws(() => parseModelConfig({ ...tiny, ffn_dim: 32 }, "m"), userError(/ffn_dim: alias of intermediate_size, which the config sets to a different value \(16 vs 32\)/));
    assert.equal(parseModelConfig({ ...tiny, ffn_dim: 16 }, "m").intermediate_size, 16);
  });

  test("every harmless key is accepted with any value and changes nothing", () => {
    const base = parseModelConfig(tiny, "m");
    for (const key of Object.keys(HARMLESS_HF_KEYS)) {
      for (const v of [0, "x", null, [1], { a: 1 }, true]) assert.deepEqual(parseModelConfig({ ...tiny, [key]: v }, "m"), base, `${key}: ${JSON.stringify(v)}`);
    }
    // the lists do not overlap each other or the fields
    for (const k of Object.keys(CONDITIONAL_HF_KEYS)) assert.ok(!(k in HARMLESS_HF_KEYS), k);
    for (const k of Object.keys(base)) assert.ok(!(k in HARMLESS_HF_KEYS) && !(k in CONDITIONAL_HF_KEYS), k);
  });

  test("hidden_act is one of the known activations (any case), each gated or plain; any other name is refused", () => {
    assert.throws(
      () => parseModelConfig({ ...tiny, hidden_act: "siluu" }, "m.json"),
      userError(/^m\.json: hidden_act: unknown activation "siluu" \(did you mean "silu"\?\); known: silu, .*\(gated FFN\), relu, .*gelu_new, .*\(plain FFN\)$/),
    );
    assert.throws(() => parseModelConfig({ ...tiny, activation_function: "reluu" }, "m"), userError(/hidden_act: unknown activation "reluu" \(did you mean "relu"\?\)/));
    assert.throws(() => parseModelConfig({ ...tiny, hidden_act: 3 }, "m"), userError(/^m: hidden_act: must be an activation name \(a string such as "silu"\), got 3$/));
    for (const a of GATED_ACTS) assert.equal(isGatedFfn(parseModelConfig({ ...tiny, hidden_act: a }, "m")), true, a);
    for (const a of PLAIN_ACTS) assert.equal(isGatedFfn(parseModelConfig({ ...tiny, hidden_act: a }, "m")), false, a);
    assert.equal(isGatedFfn(parseModelConfig({ ...tiny, hidden_act: "SiLU" }, "m")), true);
    assert.equal(isGatedFfn(parseModelConfig({ ...tiny, hidden_act: "GELU_new" }, "m")), false);
    for (const a of ["gelu_new", "gelu_pytorch_tanh", "gelu_fast", "quick_gelu", "relu2"]) assert.ok(PLAIN_ACTS.includes(a), a); // GPT-2/J, StarCoder2, NeoX, CLIP, Nemotron
  });

  test("a missing field says it is missing (not 'must be an integer'); a wrong one keeps its range", () => {
    const { intermediate_size: _i, ...noFfn } = tiny;
    assert.throws(() => parseModelConfig(noFfn, "m.json"), userError(/^m\.json: intermediate_size: is missing \(required: FFN width \(HF intermediate_size\); an integer in \[1, 1e7\]\)$/));
    assert.throws(() => parseModelConfig({ ...tiny, intermediate_size: "big" }, "m.json"), userError(/^m\.json: intermediate_size: must be an integer in \[1, 1e7\]$/));
    assert.throws(() => parseModelConfig({ ...tiny, name: undefined }, "m.json"), userError(/^m\.json: name: is missing/));
  });

  test("every shipped preset, HF config and example model still loads", () => {
    assert.ok(Object.keys(MODEL_PRESETS).length >= 9);
    for (const f of ["web/fixtures/mistral-7b-config.json", "../examples/models/Qwen3-30B-A3B/config.json"]) {
      assert.ok(loadModel(new URL(fixture(f)).pathname).num_hidden_layers > 0, f);
    }
    for (const dir of ["../examples/what-if/", "../examples/reproduce/", "../examples/systems/", "../examples/"]) {
      for (const name of readdirSync(fixture(dir)).filter((n) => /\.ya?ml$/.test(n))) {
        const model = (parseYaml(readFileSync(new URL(name, fixture(dir)), "utf8")) as { model?: unknown; base?: { model?: unknown } }).model;
        if (typeof model === "string" && !model.includes("/")) assert.ok(model in MODEL_PRESETS, `${dir}${name}: ${model}`);
      }
    }
  });
});

test("docs/configuration.md lists every harmless and conditional key", () => {
  const doc = readFileSync(fixture("../docs/configuration.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Models"), doc.indexOf("## The JS API"));
  for (const k of [...Object.keys(HARMLESS_HF_KEYS), ...Object.keys(CONDITIONAL_HF_KEYS)]) assert.ok(section.includes(`\`${k}\``), k);
});

test("docs/configuration.md lists every activation name", () => {
  const doc = readFileSync(fixture("../docs/configuration.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Models"), doc.indexOf("## The JS API"));
  for (const a of [...GATED_ACTS, ...PLAIN_ACTS]) assert.ok(section.includes(`\`${a}\``), a);
});
