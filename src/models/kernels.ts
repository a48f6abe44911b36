import { UserError } from "../core/errors.ts";
import { type ModelConfig, dtypeBytes, headDim, isGatedFfn, isMoe, numKvHeads } from "./schema.ts";

/**
 * The kernels of one decoding iteration, derived from the model shape. Nothing here knows about hardware:
 * rows carry FLOPs and bytes, and the systems layer prices them on a device.
 */

/** One GEMM `X[m,k] @ W[k,n]`; `numInstances` of them run per layer (active experts for MoE, else 1). */
export interface FcShape {
  name: string;
  m: number;
  k: number;
  n: number;
  numInstances: number;
}

/**
 * Expected number of distinct experts hit when `numTokens` tokens each pick `k` of `E` experts, assuming
 * every expert is equally likely and tokens choose independently: E·(1 − (1 − k/E)^numTokens).
 */
export function expectedActiveExperts(numExperts: number, expertsPerToken: number, numTokens: number): number {
  if (numTokens <= 0) return 0;
  return numExperts * (1 - Math.pow(1 - expertsPerToken / numExperts, numTokens));
}

/**
 * FC GEMMs of one decoder layer for `numTokens` tokens (RLP·TLP). `ffn_up` fuses the up and gate projections
 * of a gated FFN (n = 2·ffn), as the measured kernels do. For MoE the expert FFNs run on the expected number
 * of active experts, each with numTokens·k/active tokens (an expectation, so m may be fractional).
 */
export function fcShapesPerLayer(model: ModelConfig, numTokens: number): FcShape[] {
  const h = model.hidden_size;
  const d = headDim(model);
  const H = model.num_attention_heads;
  const kv = numKvHeads(model);
  const ffn = model.intermediate_size;
  const up = isGatedFfn(model) ? 2 * ffn : ffn;
  const shapes: FcShape[] = [
    { name: "qkv", m: numTokens, k: h, n: (H + 2 * kv) * d, numInstances: 1 },
    { name: "proj", m: numTokens, k: H * d, n: h, numInstances: 1 },
  ];
  if (isMoe(model)) {
    const E = model.num_local_experts!;
    const topK = model.num_experts_per_tok!;
    const active = expectedActiveExperts(E, topK, numTokens);
    const tokensPerExpert = active > 0 ? (numTokens * topK) / active : 0;
    shapes.push({ name: "router", m: numTokens, k: h, n: E, numInstances: 1 });
    shapes.push({ name: "ffn_up", m: tokensPerExpert, k: h, n: up, numInstances: active });
    shapes.push({ name: "ffn_down", m: tokensPerExpert, k: ffn, n: h, numInstances: active });
  } else {
    shapes.push({ name: "ffn_up", m: numTokens, k: h, n: up, numInstances: 1 });
    shapes.push({ name: "ffn_down", m: numTokens, k: ffn, n: h, numInstances: 1 });
  }
  return shapes;
}

/** The LM head: once per iteration, hidden → vocab. */
export function lmHeadShape(model: ModelConfig, numTokens: number): FcShape {
  return { name: "lm_head", m: numTokens, k: model.hidden_size, n: model.vocab_size, numInstances: 1 };
}

/**
 * One kernel of a decoding iteration. `flops`, `bytesRead` and `bytesWritten` are totals over the `count`
 * instances (per layer when `perLayer`, else once per iteration).
 */
export interface KernelRow {
  name: string;
  kind: "fc" | "attention" | "elementwise";
  perLayer: boolean;
  count: number;
  flops: number;
  bytesRead: number;
  bytesWritten: number;
  arithmeticIntensity: number;
}

export interface DecodeBatch {
  /** Requests in the batch. */
  rlp: number;
  /** Tokens per request in this iteration (speculation length). */
  tlp: number;
  /** KV length of each request (cached tokens + the tlp new ones); one value is used for every request. */
  contextLens: number[];
}

function row(name: string, kind: KernelRow["kind"], perLayer: boolean, count: number, flops: number, rd: number, wr: number): KernelRow {
  return { name, kind, perLayer, count, flops, bytesRead: rd, bytesWritten: wr, arithmeticIntensity: flops / (rd + wr) };
}

function fcRow(s: FcShape, b: number, perLayer: boolean): KernelRow {
  const i = s.numInstances;
  return row(s.name, "fc", perLayer, i, 2 * s.m * s.k * s.n * i, (s.k * s.n + s.m * s.k) * b * i, s.m * s.n * b * i);
}

function checkBatch(batch: DecodeBatch): number[] {
  const { rlp, tlp, contextLens } = batch;
  if (!Number.isInteger(rlp) || rlp < 1) throw new UserError(`rlp must be a positive integer (>= 1), got ${rlp}`);
  if (!Number.isInteger(tlp) || tlp < 1) throw new UserError(`tlp must be a positive integer (>= 1), got ${tlp}`);
  if (contextLens.length !== 1 && contextLens.length !== rlp) {
    throw new UserError(`contextLens must have 1 or rlp (${rlp}) entries, got ${contextLens.length}`);
  }
  for (const L of contextLens) {
    if (!Number.isInteger(L) || L < tlp) throw new UserError(`context length must be an integer >= tlp (${tlp}), got ${L}`);
  }
  return contextLens.length === rlp ? contextLens : new Array<number>(rlp).fill(contextLens[0]);
}

/**
 * Every kernel of one decoding iteration: per layer RMSNorm, QKV, KV-cache write, attention score, softmax,
 * attention context, output projection, residual, RMSNorm, FFN up(/gate), activation, FFN down, residual;
 * then the final norm and the LM head once. Attention for request r with KV length L_r and T = tlp query
 * tokens: score and context 2·H·T·L_r·d FLOPs each, softmax 5·H·T·L_r; K and V caches are kv_heads·L_r·d each.
 */
export function decodeKernels(model: ModelConfig, batch: DecodeBatch): KernelRow[] {
  const lens = checkBatch(batch);
  const b = dtypeBytes(model);
  const M = batch.rlp * batch.tlp;
  const T = batch.tlp;
  const h = model.hidden_size;
  const d = headDim(model);
  const H = model.num_attention_heads;
  const kv = numKvHeads(model);
  let sumL = 0;
  for (const L of lens) sumL += L;
  const shapes = fcShapesPerLayer(model, M);
  const byName = new Map(shapes.map((s) => [s.name, s]));
  const act = M * h * b;
  const norm = (name: string) => row(name, "elementwise", true, 1, 4 * M * h, act + h * b, act);
  const residual = (name: string) => row(name, "elementwise", true, 1, M * h, 2 * act, act);
  const up = byName.get("ffn_up")!;
  const ffnAct = up.m * up.numInstances * model.intermediate_size; // activated elements
  const gated = isGatedFfn(model);
  const rows: KernelRow[] = [
    norm("input_norm"),
    fcRow(byName.get("qkv")!, b, true),
    row("kv_write", "elementwise", true, 1, 0, 2 * M * kv * d * b, 2 * M * kv * d * b),
    row("attn_score", "attention", true, 1, 2 * H * T * sumL * d, (batch.rlp * H * T * d + kv * sumL * d) * b, H * T * sumL * b),
    row("attn_softmax", "attention", true, 1, 5 * H * T * sumL, H * T * sumL * b, H * T * sumL * b),
    row("attn_context", "attention", true, 1, 2 * H * T * sumL * d, (H * T * sumL + kv * sumL * d) * b, batch.rlp * H * T * d * b),
    fcRow(byName.get("proj")!, b, true),
    residual("attn_residual"),
    norm("post_attn_norm"),
  ];
  if (byName.has("router")) rows.push(fcRow(byName.get("router")!, b, true));
  rows.push(fcRow(up, b, true));
  rows.push(row("ffn_act", "elementwise", true, 1, (gated ? 5 : 1) * ffnAct, (gated ? 2 : 1) * ffnAct * b, ffnAct * b));
  rows.push(fcRow(byName.get("ffn_down")!, b, true));
  rows.push(residual("ffn_residual"));
  rows.push(row("final_norm", "elementwise", false, 1, 4 * M * h, act + h * b, act));
  rows.push(fcRow(lmHeadShape(model, M), b, false));
  return rows;
}
