import { type ModelConfig, dtypeBytes, headDim, isGatedFfn, isMoe, numKvHeads } from "./schema.ts";

export { dtypeBytes, isGatedFfn } from "./schema.ts";

/**
 * Parameters of one decoder layer: QKV and output projections, the FFN (all experts for MoE, plus the
 * router), and two norm weight vectors. Biases and learned position embeddings (OPT, GPT-3) are not
 * counted: below 0.1 % of the total for every preset.
 */
export function layerParamCount(m: ModelConfig): number {
  const h = m.hidden_size;
  const d = headDim(m);
  const attn = h * (m.num_attention_heads + 2 * numKvHeads(m)) * d + m.num_attention_heads * d * h;
  const ffnOne = (isGatedFfn(m) ? 3 : 2) * h * m.intermediate_size;
  const ffn = isMoe(m) ? m.num_local_experts! * ffnOne + h * m.num_local_experts! : ffnOne;
  return attn + ffn + 2 * h;
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
