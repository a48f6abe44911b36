import { z } from "zod";
import { nearest } from "../core/merge.ts";
import { count } from "../core/quantity.ts";
import { CONDITIONAL_HF_KEYS, HARMLESS_HF_KEYS, refusalOf } from "./hf-keys.ts";

/**
 * A decoder-only transformer, described with Hugging Face `config.json` field names so that a real HF
 * config can be loaded as is. Keys that change nothing papi computes (ids, dropout, norm epsilon, ...: hf-keys.ts)
 * are dropped; any other key that is not a field is refused with its name. A few common aliases are mapped first
 * (OPT: `ffn_dim`, `activation_function`; GPT-2: `n_embd`, `n_layer`, `n_head`, `n_inner`;
 * `torch_dtype`/`dtype` spelled "float16"/"bfloat16"/"float32"; MoE: Qwen2-MoE/Qwen3-MoE `num_experts` for
 * Mixtral's `num_local_experts`, DeepSeek's `n_shared_experts` for `num_shared_experts`).
 */

/**
 * Every size has a stated maximum (ASSUMPTION: 10-100 x the largest published dense or MoE model, e.g. GPT-3's
 * 12,288 hidden and 96 layers, Llama-3-405B's 53,248 FFN, 128k-256k vocabularies, DeepSeek-V3's 256 experts), so a
 * typo is an error naming the field instead of an overflow or a hang.
 */
export const MODEL_LIMITS = {
  hidden_size: 1_000_000,
  intermediate_size: 10_000_000,
  num_hidden_layers: 10_000,
  num_attention_heads: 100_000,
  head_dim: 100_000,
  vocab_size: 10_000_000,
  num_local_experts: 4096,
} as const;

const posInt = (field: string, max: number, what: string) => count(what, 1, max).describe(`${what} (HF ${field})`);

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

/** Activation names whose FFN is gated (two input projections, act(gate) * up), as in LLaMA/Mistral/Qwen. */
export const GATED_ACTS: readonly string[] = ["silu", "swiglu", "swish", "geglu", "gelu_pytorch_tanh_gated", "reglu"];
/**
 * Activation names whose FFN is plain (one input projection, act(up)): OPT (relu), GPT-3/Falcon (gelu), GPT-2/GPT-J
 * (gelu_new), StarCoder2 (gelu_pytorch_tanh), and the other names of Hugging Face's ACT2FN table.
 */
export const PLAIN_ACTS: readonly string[] = [
  "relu", "relu2", "relu6", "leaky_relu", "gelu", "gelu_new", "gelu_fast", "gelu_accurate", "gelu_python", "gelu_10",
  "gelu_pytorch_tanh", "quick_gelu", "mish", "sigmoid", "tanh",
];
const GATED_SET = new Set(GATED_ACTS);
const KNOWN_ACTS = new Set([...GATED_ACTS, ...PLAIN_ACTS]);

/** hidden_act's refusal: the name given, the nearest known one and every known name (gated, then plain). */
function unknownActMessage(input: unknown): string {
  if (typeof input !== "string") return `must be an activation name (a string such as "silu"), got ${JSON.stringify(input)}`;
  const near = nearest(input, [...KNOWN_ACTS]);
  return `unknown activation "${input}"${near ? ` (did you mean "${near}"?)` : ""}; known: ${GATED_ACTS.join(", ")} (gated FFN), ${PLAIN_ACTS.join(", ")} (plain FFN)`;
}

/** HF names of other model families for ModelConfig's fields (source -> canonical). */
export const HF_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  ffn_dim: "intermediate_size",
  n_inner: "intermediate_size",
  activation_function: "hidden_act",
  n_embd: "hidden_size",
  n_layer: "num_hidden_layers",
  n_head: "num_attention_heads",
  torch_dtype: "dtype",
  num_experts: "num_local_experts",
  n_shared_experts: "num_shared_experts",
});

const normDtype = (v: unknown): unknown => (typeof v === "string" ? DTYPE_ALIASES[v.toLowerCase()] ?? v : v);

/**
 * Maps HF aliases onto the canonical names (an alias that disagrees with its canonical key is left in place, so the
 * strict check refuses it) and drops the keys that change nothing papi computes (hf-keys.ts); whatever else is
 * left and is not a field is refused by the strict schema.
 */
function applyAliases(raw: unknown): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const r = { ...(raw as Record<string, unknown>) };
  // GPT-2 leaves n_inner null to mean 4 x hidden
  if (r.n_inner === null && typeof (r.hidden_size ?? r.n_embd) === "number") r.n_inner = 4 * ((r.hidden_size ?? r.n_embd) as number);
  for (const [from, to] of Object.entries(HF_ALIASES)) {
    if (!(from in r)) continue;
    const same = to === "dtype" ? normDtype(r[to]) === normDtype(r[from]) : r[to] === r[from];
    if (r[to] === undefined) r[to] = r[from];
    else if (!same) continue; // both given, different: refused below, naming the alias
    delete r[from];
  }
  r.dtype = normDtype(r.dtype);
  if (r.dtype === undefined) delete r.dtype;
  for (const k of Object.keys(r)) {
    if (k in ModelConfigFields) continue;
    if (Object.prototype.hasOwnProperty.call(HARMLESS_HF_KEYS, k)) delete r[k];
    else if (Object.prototype.hasOwnProperty.call(CONDITIONAL_HF_KEYS, k) && CONDITIONAL_HF_KEYS[k].ok(r[k], r)) delete r[k];
  }
  return r;
}

/** The message of the strict check's unknown keys: each key's reason for refusal (conditional keys) or its nearest field. */
export function unknownKeysMessage(keys: readonly string[], input: unknown): string {
  const cfg = (input ?? {}) as Record<string, unknown>;
  const fields = [...Object.keys(ModelConfigFields), ...Object.keys(HF_ALIASES), ...Object.keys(HARMLESS_HF_KEYS), ...Object.keys(CONDITIONAL_HF_KEYS)];
  return keys
    .map((k) => {
      if (Object.prototype.hasOwnProperty.call(HF_ALIASES, k)) return `${k}: alias of ${HF_ALIASES[k]}, which the config sets to a different value (${JSON.stringify(cfg[HF_ALIASES[k]])} vs ${JSON.stringify(cfg[k])})`;
      return refusalOf(k, cfg[k], nearest(k, fields));
    })
    .join("; ");
}

const ModelConfigFields = {
  name: z.string().min(1, "name must be a non-empty string"),
  /** Where the numbers come from (HF config URL, paper table). */
  source: z.string().default("user config"),
  hidden_size: posInt("hidden_size", MODEL_LIMITS.hidden_size, "model width"),
  intermediate_size: posInt("intermediate_size", MODEL_LIMITS.intermediate_size, "FFN width"),
  num_hidden_layers: posInt("num_hidden_layers", MODEL_LIMITS.num_hidden_layers, "decoder layers"),
  num_attention_heads: posInt("num_attention_heads", MODEL_LIMITS.num_attention_heads, "query heads"),
  /** Grouped-query attention; defaults to num_attention_heads (plain multi-head attention). */
  num_key_value_heads: posInt("num_key_value_heads", MODEL_LIMITS.num_attention_heads, "KV heads").optional(),
  /** Defaults to hidden_size / num_attention_heads. */
  head_dim: posInt("head_dim", MODEL_LIMITS.head_dim, "head dimension").optional(),
  vocab_size: posInt("vocab_size", MODEL_LIMITS.vocab_size, "vocabulary size"),
  /** One of GATED_ACTS or PLAIN_ACTS (any case); it decides whether the FFN is gated. */
  hidden_act: z
    .string({ error: (iss) => unknownActMessage(iss.input) })
    .refine((a) => KNOWN_ACTS.has(a.toLowerCase()), { error: (iss) => unknownActMessage(iss.input) })
    .default("silu"),
  /** Explicit override of the gated-FFN rule derived from hidden_act (papi extension, not an HF key). */
  gated_ffn: z.boolean().optional(),
  /** LM head shares the embedding matrix (HF key); only changes the parameter count. */
  tie_word_embeddings: z.boolean().default(false),
  num_local_experts: posInt("num_local_experts", MODEL_LIMITS.num_local_experts, "routed experts per MoE layer").optional(),
  num_experts_per_tok: posInt("num_experts_per_tok", MODEL_LIMITS.num_local_experts, "experts each token is routed to").optional(),
  /** Width of one routed expert's FFN (Qwen2/3-MoE, DeepSeek); defaults to intermediate_size (Mixtral). */
  moe_intermediate_size: posInt("moe_intermediate_size", MODEL_LIMITS.intermediate_size, "FFN width of one routed expert").optional(),
  /** Qwen2-MoE: one always-active shared expert of this width, scaled by a sigmoid gate (a hidden -> 1 linear). */
  shared_expert_intermediate_size: count("width of the shared expert (HF shared_expert_intermediate_size)", 0, MODEL_LIMITS.intermediate_size).optional(),
  /** DeepSeek-style always-active shared experts, each as wide as a routed expert (no gate). */
  num_shared_experts: count("always-active shared experts (HF n_shared_experts)", 0, MODEL_LIMITS.num_local_experts).optional(),
  /** Qwen-MoE layer pattern: only 1 (every layer is MoE) is modelled. */
  decoder_sparse_step: count("layers per MoE layer (Qwen-MoE)", 0, MODEL_LIMITS.num_hidden_layers).optional(),
  /** Qwen-MoE layers that use a dense FFN instead: only an empty list is modelled. */
  mlp_only_layers: z.array(count("layer index", 0, MODEL_LIMITS.num_hidden_layers)).max(MODEL_LIMITS.num_hidden_layers).optional(),
  dtype: z.enum(["fp16", "bf16", "fp32"], { error: 'dtype must be one of "fp16", "bf16", "fp32"' }).default("fp16"),
};

/** Each field's description (for messages: "hidden_size is missing (required: model width ...)"). */
export const ModelConfigFieldDescriptions: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(ModelConfigFields).flatMap(([k, v]) => {
    const d = z.globalRegistry.get(v as z.ZodType)?.description;
    return d ? [[k, d]] : [];
  })),
);

const ModelConfigObject = z.strictObject(ModelConfigFields, {
  error: (iss) => (iss.code === "unrecognized_keys" ? unknownKeysMessage(iss.keys, iss.input) : undefined),
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
    // Every layer is costed alike, so a config whose layers differ is refused rather than mis-costed.
    if (m.decoder_sparse_step !== undefined && m.decoder_sparse_step !== 1 && hasE) {
      ctx.addIssue({ code: "custom", path: ["decoder_sparse_step"], message: `only 1 (every layer MoE) is supported, got ${m.decoder_sparse_step}` });
    }
    if (m.mlp_only_layers !== undefined && m.mlp_only_layers.length > 0 && hasE) {
      ctx.addIssue({ code: "custom", path: ["mlp_only_layers"], message: "must be empty (every layer MoE); mixed dense/MoE layers are not supported" });
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
  return GATED_SET.has(m.hidden_act.toLowerCase());
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

/** FFN width of one routed expert (moe_intermediate_size when given, else intermediate_size as in Mixtral). */
export function expertFfnSize(m: ModelConfig): number {
  return m.moe_intermediate_size ?? m.intermediate_size;
}

/**
 * Always-active shared-expert FFN of a MoE layer: total width (Qwen2-MoE's shared_expert_intermediate_size, or
 * DeepSeek-style num_shared_experts x the routed expert width) and whether a hidden -> 1 sigmoid gate scales it
 * (Qwen2-MoE). Width 0 = none. Dense models have none.
 */
export function sharedExpertFfn(m: ModelConfig): { ffnSize: number; gated: boolean } {
  if (!isMoe(m)) return { ffnSize: 0, gated: false };
  const qwen = m.shared_expert_intermediate_size ?? 0;
  const count = m.num_shared_experts ?? 0;
  return { ffnSize: qwen + count * expertFfnSize(m), gated: qwen > 0 };
}
