import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ModelConfig, dtypeBytes, headDim, isGatedFfn, numKvHeads } from "../../src/models/schema.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";

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

  test("unknown HF keys are ignored and HF aliases are mapped", () => {
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
