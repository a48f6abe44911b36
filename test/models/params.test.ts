import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ModelConfig } from "../../src/models/schema.ts";
import { kvCacheBytesPerToken, layerParamCount, modelParamCount, modelWeightBytes } from "../../src/models/params.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";

describe("parameter count", () => {
  test("tiny dense gated model, by hand", () => {
    // h 8, ffn 16, 2 layers, 2 heads (d 4), vocab 10, silu (gated)
    // per layer: qkv 8*24 = 192, proj 8*8 = 64, ffn 3*8*16 = 384, norms 16 -> 656
    // total: 2*656 + embed 80 + lm head 80 + final norm 8 = 1480
    const m = ModelConfig.parse({ name: "t", hidden_size: 8, intermediate_size: 16, num_hidden_layers: 2, num_attention_heads: 2, vocab_size: 10 });
    assert.equal(layerParamCount(m), 656);
    assert.equal(modelParamCount(m), 1480);
    assert.equal(modelWeightBytes(m), 2960);
    // K and V, 2 layers, 2 kv heads x 4, 2 bytes
    assert.equal(kvCacheBytesPerToken(m), 2 * 2 * 2 * 4 * 2);
  });

  test("tiny GQA MoE model with tied embeddings, by hand", () => {
    // h 8, 4 heads of 2, 2 kv heads: qkv 8*(4+4)*2 = 128, proj 64; experts 4 x (2*8*16 relu) = 1024, router 32;
    // norms 16 -> 1264 per layer; 1 layer + embed 80 (tied) + 8 = 1352
    const m = ModelConfig.parse({
      name: "moe", hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 4,
      num_key_value_heads: 2, vocab_size: 10, hidden_act: "relu", num_local_experts: 4, num_experts_per_tok: 2,
      tie_word_embeddings: true, dtype: "fp32",
    });
    assert.equal(layerParamCount(m), 1264);
    assert.equal(modelParamCount(m), 1352);
    assert.equal(modelWeightBytes(m), 1352 * 4);
  });

  test("tiny Qwen2-MoE-style model: expert width, shared expert and its gate, by hand", () => {
    // h 8, 2 heads (d 4): qkv 8*24 = 192, proj 64; 4 experts of width 2 (gated: 3*8*2 = 48 each) = 192,
    // router 8*4 = 32, shared expert width 6 (3*8*6 = 144) + gate 8; norms 16 -> 648 per layer
    const m = ModelConfig.parse({
      name: "q", hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 10,
      num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 2, shared_expert_intermediate_size: 6,
    });
    assert.equal(layerParamCount(m), 192 + 64 + 192 + 32 + 144 + 8 + 16);
    // DeepSeek-style: 2 shared experts of the routed width (3*8*2 each = 96), no gate
    const d = ModelConfig.parse({ ...m, shared_expert_intermediate_size: undefined, n_shared_experts: 2 });
    assert.equal(layerParamCount(d), 192 + 64 + 192 + 32 + 96 + 16);
  });

  test("presets match their published sizes within 2 %", () => {
    const published: Record<string, number> = {
      "opt-30b": 30e9, "llama-65b": 65.2e9, "gpt3-66b": 66e9, "gpt3-175b": 175e9,
      "llama-2-70b": 69e9, "llama-3-70b": 70.6e9, "mixtral-8x7b": 46.7e9,
      // model cards: Qwen3-30B-A3B 30.5 B, Qwen1.5-MoE-A2.7B 14.3 B (experts at moe_intermediate_size; with
      // intermediate_size as the expert width Qwen3 would count 232 B, 8x the experts)
      "qwen3-30b-a3b": 30.5e9, "qwen1.5-moe-a2.7b": 14.3e9,
    };
    for (const [name, n] of Object.entries(published)) {
      const got = modelParamCount(MODEL_PRESETS[name]);
      assert.ok(Math.abs(got - n) / n < 0.02, `${name}: ${got}`);
    }
  });

  test("GQA shrinks the KV cache by heads/kv_heads", () => {
    // llama-2-70b: 80 layers x 2 x 8 x 128 x 2 B = 327,680 B per token
    assert.equal(kvCacheBytesPerToken(MODEL_PRESETS["llama-2-70b"]), 327680);
    assert.equal(kvCacheBytesPerToken(MODEL_PRESETS["llama-65b"]), 80 * 2 * 8192 * 2);
  });
});
