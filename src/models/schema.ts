import { z } from "zod";

/**
 * A decoder-only transformer, described with Hugging Face `config.json` field names so that a real HF
 * config can be loaded as is. Unknown HF keys are ignored. A few common aliases are mapped first
 * (OPT: `ffn_dim`, `activation_function`; GPT-2: `n_embd`, `n_layer`, `n_head`, `n_inner`;
 * `torch_dtype`/`dtype` spelled "float16"/"bfloat16"/"float32").
 */

const posInt = (field: string) =>
  z
    .number({ error: `${field} must be a positive integer` })
    .int(`${field} must be a positive integer`)
    .min(1, `${field} must be a positive integer (>= 1)`);

const DTYPE_ALIASES: Record<string, "fp16" | "bf16" | "fp32"> = {
  fp16: "fp16",
  float16: "fp16",
  half: "fp16",
  bf16: "bf16",
  bfloat16: "bf16",
  fp32: "fp32",
  float32: "fp32",
  float: "fp32",
};

/** Activation names whose FFN is gated (two input projections, act(gate) * up), as in LLaMA/Mistral/Gemma. */
const GATED_ACTS = new Set(["silu", "swiglu", "swish", "geglu", "gelu_pytorch_tanh_gated", "reglu"]);

/** Maps HF aliases onto the canonical names; canonical keys win when both are present. */
function applyAliases(raw: unknown): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const r = { ...(raw as Record<string, unknown>) };
  const alias = (from: string, to: string) => {
    if (r[to] === undefined && r[from] !== undefined) r[to] = r[from];
  };
  alias("ffn_dim", "intermediate_size");
  alias("n_inner", "intermediate_size");
  alias("activation_function", "hidden_act");
  alias("n_embd", "hidden_size");
  alias("n_layer", "num_hidden_layers");
  alias("n_head", "num_attention_heads");
  alias("torch_dtype", "dtype");
  if (typeof r.dtype === "string") {
    const d = DTYPE_ALIASES[r.dtype.toLowerCase()];
    if (d !== undefined) r.dtype = d;
  }
  // GPT-2 leaves n_inner null to mean 4 x hidden
  if ((r.intermediate_size === undefined || r.intermediate_size === null) && typeof r.hidden_size === "number" && "n_inner" in r) {
    r.intermediate_size = 4 * r.hidden_size;
  }
  return r;
}

const ModelConfigObject = z.object({
  name: z.string().min(1, "name must be a non-empty string"),
  /** Where the numbers come from (HF config URL, paper table). */
  source: z.string().default("user config"),
  hidden_size: posInt("hidden_size"),
  intermediate_size: posInt("intermediate_size"),
  num_hidden_layers: posInt("num_hidden_layers"),
  num_attention_heads: posInt("num_attention_heads"),
  /** Grouped-query attention; defaults to num_attention_heads (plain multi-head attention). */
  num_key_value_heads: posInt("num_key_value_heads").optional(),
  /** Defaults to hidden_size / num_attention_heads. */
  head_dim: posInt("head_dim").optional(),
  vocab_size: posInt("vocab_size"),
  hidden_act: z.string().default("silu"),
  /** Explicit override of the gated-FFN rule derived from hidden_act (papi extension, not an HF key). */
  gated_ffn: z.boolean().optional(),
  /** LM head shares the embedding matrix (HF key); only changes the parameter count. */
  tie_word_embeddings: z.boolean().default(false),
  num_local_experts: posInt("num_local_experts").optional(),
  num_experts_per_tok: posInt("num_experts_per_tok").optional(),
  dtype: z.enum(["fp16", "bf16", "fp32"], { error: 'dtype must be one of "fp16", "bf16", "fp32"' }).default("fp16"),
});

export const ModelConfig = z.preprocess(
  applyAliases,
  ModelConfigObject.superRefine((m, ctx) => {
    if (m.head_dim === undefined && m.hidden_size % m.num_attention_heads !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["num_attention_heads"],
        message: `must divide hidden_size (${m.hidden_size}) when head_dim is not given, got ${m.num_attention_heads}`,
      });
    }
    const kv = m.num_key_value_heads ?? m.num_attention_heads;
    if (m.num_attention_heads % kv !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["num_key_value_heads"],
        message: `must divide num_attention_heads (${m.num_attention_heads}), got ${kv}`,
      });
    }
    const hasE = m.num_local_experts !== undefined;
    const hasK = m.num_experts_per_tok !== undefined;
    if (hasE !== hasK) {
      ctx.addIssue({
        code: "custom",
        path: [hasE ? "num_experts_per_tok" : "num_local_experts"],
        message: "num_local_experts and num_experts_per_tok must be given together",
      });
    } else if (hasE && hasK && m.num_experts_per_tok! > m.num_local_experts!) {
      ctx.addIssue({
        code: "custom",
        path: ["num_experts_per_tok"],
        message: `must be <= num_local_experts (${m.num_local_experts}), got ${m.num_experts_per_tok}`,
      });
    }
  }),
);
export type ModelConfig = z.infer<typeof ModelConfig>;

/** Bytes per weight/activation element. */
export function dtypeBytes(m: ModelConfig): number {
  return m.dtype === "fp32" ? 4 : 2;
}

/** Gated FFN (up and gate projections) unless overridden by `gated_ffn`. */
export function isGatedFfn(m: ModelConfig): boolean {
  if (m.gated_ffn !== undefined) return m.gated_ffn;
  const act = m.hidden_act.toLowerCase();
  return GATED_ACTS.has(act);
}

export function headDim(m: ModelConfig): number {
  return m.head_dim ?? m.hidden_size / m.num_attention_heads;
}

export function numKvHeads(m: ModelConfig): number {
  return m.num_key_value_heads ?? m.num_attention_heads;
}

export function isMoe(m: ModelConfig): boolean {
  return m.num_local_experts !== undefined && m.num_local_experts > 1;
}
