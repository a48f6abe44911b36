import { ModelConfig } from "../schema.ts";
import { lazyRecord } from "../../core/lazy-record.ts";

/**
 * The model zoo. Each entry copies the shape fields of a public Hugging Face config.json or a paper
 * table, named in `source`. All presets are FP16, as in the PAPI evaluation (PAPI.md §4).
 */
const raw: Record<string, Record<string, unknown>> = {
  "opt-30b": {
    source: "https://huggingface.co/facebook/opt-30b/blob/main/config.json",
    hidden_size: 7168,
    intermediate_size: 28672, // ffn_dim
    num_hidden_layers: 48,
    num_attention_heads: 56,
    vocab_size: 50272,
    hidden_act: "relu",
    tie_word_embeddings: true,
  },
  "llama-65b": {
    source:
      "Touvron et al., LLaMA, arXiv 2302.13971, Table 2 (dim 8192, 64 heads, 80 layers); FFN 22016 and vocab 32000 from https://huggingface.co/huggyllama/llama-65b/blob/main/config.json",
    hidden_size: 8192,
    intermediate_size: 22016,
    num_hidden_layers: 80,
    num_attention_heads: 64,
    vocab_size: 32000,
    hidden_act: "silu",
  },
  "gpt3-66b": {
    source:
      "PAPI (ASPLOS'25) evaluates 'GPT-3 66B' with the OPT-66B shape: https://huggingface.co/facebook/opt-66b/blob/main/config.json (64 layers, hidden 9216, 72 heads, ffn_dim 36864)",
    hidden_size: 9216,
    intermediate_size: 36864,
    num_hidden_layers: 64,
    num_attention_heads: 72,
    vocab_size: 50272,
    hidden_act: "relu",
    tie_word_embeddings: true,
  },
  "gpt3-175b": {
    source:
      "Brown et al., Language Models are Few-Shot Learners, arXiv 2005.14165, Table 2.1 (96 layers, d_model 12288, 96 heads, d_head 128, d_ff = 4 d_model); vocab 50257 (GPT-2 BPE); embeddings tied as in GPT-2 (ASSUMPTION)",
    hidden_size: 12288,
    intermediate_size: 49152,
    num_hidden_layers: 96,
    num_attention_heads: 96,
    vocab_size: 50257,
    hidden_act: "gelu",
    tie_word_embeddings: true,
  },
  "llama-2-70b": {
    source: "https://huggingface.co/meta-llama/Llama-2-70b-hf/blob/main/config.json",
    hidden_size: 8192,
    intermediate_size: 28672,
    num_hidden_layers: 80,
    num_attention_heads: 64,
    num_key_value_heads: 8,
    vocab_size: 32000,
    hidden_act: "silu",
  },
  "llama-3-70b": {
    source: "https://huggingface.co/meta-llama/Meta-Llama-3-70B/blob/main/config.json",
    hidden_size: 8192,
    intermediate_size: 28672,
    num_hidden_layers: 80,
    num_attention_heads: 64,
    num_key_value_heads: 8,
    vocab_size: 128256,
    hidden_act: "silu",
  },
  "mixtral-8x7b": {
    source: "https://huggingface.co/mistralai/Mixtral-8x7B-v0.1/blob/main/config.json",
    hidden_size: 4096,
    intermediate_size: 14336,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    vocab_size: 32000,
    hidden_act: "silu",
    num_local_experts: 8,
    num_experts_per_tok: 2,
  },
  "qwen3-30b-a3b": {
    source: "https://huggingface.co/Qwen/Qwen3-30B-A3B/blob/main/config.json (30.5 B parameters, 3.3 B active)",
    hidden_size: 2048,
    intermediate_size: 6144,
    num_hidden_layers: 48,
    num_attention_heads: 32,
    num_key_value_heads: 4,
    head_dim: 128,
    vocab_size: 151936,
    hidden_act: "silu",
    num_experts: 128,
    num_experts_per_tok: 8,
    moe_intermediate_size: 768,
  },
  "qwen1.5-moe-a2.7b": {
    source: "https://huggingface.co/Qwen/Qwen1.5-MoE-A2.7B/blob/main/config.json (14.3 B parameters, 2.7 B active)",
    hidden_size: 2048,
    intermediate_size: 5632,
    num_hidden_layers: 24,
    num_attention_heads: 16,
    num_key_value_heads: 16,
    vocab_size: 151936,
    hidden_act: "silu",
    num_experts: 60,
    num_experts_per_tok: 4,
    moe_intermediate_size: 1408,
    shared_expert_intermediate_size: 5632,
  },
};

export const MODEL_PRESETS: Readonly<Record<string, ModelConfig>> = lazyRecord(raw, (cfg, name) => Object.freeze(ModelConfig.parse({ name, dtype: "fp16", ...cfg })));
