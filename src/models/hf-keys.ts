/**
 * Hugging Face config.json keys papi does not model but may drop, because they change nothing it computes (work,
 * bytes, capacity). Every other key that is neither a ModelConfig field nor an alias is refused with its name: a
 * config field papi does not model is never silently dropped (docs/configuration.md, "Models").
 */
export const HARMLESS_HF_KEYS: Readonly<Record<string, string>> = Object.freeze({
  ...reason("identification and bookkeeping", [
    "architectures", "model_type", "transformers_version", "_name_or_path", "_commit_hash", "tokenizer_class", "prefix",
    "id2label", "label2id", "finetuning_task", "problem_type", "task_specific_params",
  ]),
  ...reason("token ids (the tokenizer's, not the model's work)", [
    "bos_token_id", "eos_token_id", "pad_token_id", "sep_token_id", "unk_token_id", "decoder_start_token_id",
  ]),
  ...reason("training only: initialization, dropout, auxiliary losses", [
    "initializer_range", "initializer_factor", "init_std", "dropout", "attention_dropout", "hidden_dropout", "activation_dropout",
    "hidden_dropout_prob", "attention_probs_dropout_prob", "embd_pdrop", "resid_pdrop", "attn_pdrop", "layerdrop",
    "summary_first_dropout", "router_aux_loss_coef", "router_z_loss_coef", "router_jitter_noise", "output_router_logits",
    "pretraining_tp",
  ]),
  ...reason("inference-framework switches", [
    "use_cache", "output_attentions", "output_hidden_states", "return_dict", "use_return_dict", "torchscript",
  ]),
  ...reason("numerics that change neither the work nor the bytes (norm epsilon, RoPE base and scaling, softcaps, scaling rules)", [
    "rms_norm_eps", "layer_norm_eps", "layer_norm_epsilon", "rope_theta", "rope_scaling", "partial_rotary_factor",
    "attn_logit_softcapping", "final_logit_softcapping", "query_pre_attn_scalar", "scale_attn_weights",
    "reorder_and_upcast_attn", "scale_attn_by_inverse_layer_idx", "norm_topk_prob",
  ]),
  ...reason("the longest context the model was trained for: papi takes the context lengths from the trace", [
    "max_position_embeddings", "n_positions", "n_ctx",
  ]),
  ...reason("biases and where the norm sits: not counted (below 0.1 % of the weights, docs/assumptions.md)", [
    "attention_bias", "mlp_bias", "qkv_bias", "enable_bias", "do_layer_norm_before", "_remove_final_layer_norm",
  ]),
  ...reason("GPT-2's sequence-summary head (classification only)", [
    "summary_type", "summary_use_proj", "summary_activation", "summary_proj_to_labels",
  ]),
});

function reason(why: string, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, why]));
}

/**
 * Keys that are harmless only at some values (the value that means "not used"); at any other value they are refused
 * with the reason. `ok` gets the key's value and the whole config.
 */
export const CONDITIONAL_HF_KEYS: Readonly<Record<string, { ok: (v: unknown, cfg: Record<string, unknown>) => boolean; refusal: (v: unknown) => string }>> = Object.freeze({
  sliding_window: {
    ok: (v, cfg) => v === null || v === undefined || cfg.use_sliding_window === false,
    refusal: (v) =>
      `sliding-window attention (${JSON.stringify(v)} tokens) is not modelled: papi would cost attention and the KV cache over the whole context; ` +
      "remove the key (or set use_sliding_window: false) to run the model with full attention",
  },
  use_sliding_window: {
    ok: (v) => v === false,
    refusal: (v) => `sliding-window attention (use_sliding_window: ${JSON.stringify(v)}) is not modelled; set it to false to run the model with full attention`,
  },
  max_window_layers: {
    ok: (_v, cfg) => cfg.use_sliding_window === false || cfg.sliding_window === null || cfg.sliding_window === undefined,
    refusal: () => "only meaningful with sliding-window attention, which is not modelled",
  },
  word_embed_proj_dim: {
    ok: (v, cfg) => v === cfg.hidden_size,
    refusal: (v) => `an embedding projection (OPT's word_embed_proj_dim ${JSON.stringify(v)} != hidden_size) is not modelled`,
  },
  is_encoder_decoder: {
    ok: (v) => v === false,
    refusal: () => "encoder-decoder models are not modelled (papi models decoder-only transformers)",
  },
  tie_encoder_decoder: {
    ok: (v) => v === false,
    refusal: () => "encoder-decoder models are not modelled (papi models decoder-only transformers)",
  },
  pruned_heads: {
    ok: (v) => v !== null && typeof v === "object" && Object.keys(v).length === 0,
    refusal: () => "pruned attention heads are not modelled (every layer has num_attention_heads heads)",
  },
});

/** Why a key is refused: the conditional reason, or a generic one naming the nearest known field. */
export function refusalOf(key: string, value: unknown, near: string | undefined): string {
  const c = Object.prototype.hasOwnProperty.call(CONDITIONAL_HF_KEYS, key) ? CONDITIONAL_HF_KEYS[key] : undefined;
  if (c) return `${key}: ${c.refusal(value)}`;
  const hint = near ? ` (did you mean "${near}"?)` : "";
  return `unknown key "${key}"${hint}: papi does not model it, so it refuses it rather than ignore it (docs/configuration.md, "Models", lists the keys it accepts)`;
}
