import { type ModelConfig, dtypeBytes, expertFfnSize, headDim, isGatedFfn, isMoe, numKvHeads, sharedExpertFfn } from "./schema.ts";

export { dtypeBytes, isGatedFfn } from "./schema.ts";

/**
 * Parameters of one decoder layer: QKV and output projections, the FFN (for MoE: all routed experts at
 * their own width, the router, shared experts and Qwen2-MoE's shared-expert gate), and two norm weight vectors. Biases and learned position embeddings (OPT, GPT-3) are not
 * counted: below 0.1 % of the total for every preset.
 */
export function layerParamCount(m: ModelConfig): number {
  const h = m.hidden_size;
  const d = headDim(m);
  const attn = h * (m.num_attention_heads + 2 * numKvHeads(m)) * d + m.num_attention_heads * d * h;
  const perWidth = (isGatedFfn(m) ? 3 : 2) * h; // weights per unit of FFN width
  if (!isMoe(m)) return attn + perWidth * m.intermediate_size + 2 * h;
  const E = m.num_local_experts!;
  const shared = sharedExpertFfn(m);
  const moe = E * perWidth * expertFfnSize(m) + h * E + perWidth * shared.ffnSize + (shared.gated ? h : 0);
  return attn + moe + 2 * h;
}

/** All weights: layers, token embedding, LM head (unless tied) and the final norm. */
export function modelParamCount(m: ModelConfig): number {
  const emb = m.vocab_size * m.hidden_size;
  return m.num_hidden_layers * layerParamCount(m) + emb * (m.tie_word_embeddings ? 1 : 2) + m.hidden_size;
}

export function modelWeightBytes(m: ModelConfig): number {
  return modelParamCount(m) * dtypeBytes(m);
}

/** K and V of one token over all layers, in the model's dtype. */
export function kvCacheBytesPerToken(m: ModelConfig): number {
  return 2 * m.num_hidden_layers * numKvHeads(m) * headDim(m) * dtypeBytes(m);
}
