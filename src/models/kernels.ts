import { UserError } from "../core/errors.ts";
import { type ModelConfig, dtypeBytes, expertFfnSize, headDim, isGatedFfn, isMoe, numKvHeads, sharedExpertFfn } from "./schema.ts";

/**
 * The kernels of one decoding iteration, derived from the model shape. Nothing here knows about hardware:
 * rows carry FLOPs and bytes, and the systems layer prices them on a device.
 */

/**
 * How tensor parallelism over N devices (GPUs, or groups of PIM stacks) splits a GEMM's weights (Megatron-LM):
 * "n" column-parallel (each device holds n/N output columns, needs the whole input), "k" row-parallel (k/N
 * input rows, produces a partial sum of the whole output, summed by an all-reduce), "none" replicated (tiny
 * weights every device holds and runs in full). Which collectives follow is the systems layer's business.
 */
export type TpSplit = "n" | "k" | "none";

/**
 * One GEMM `X[m,k] @ W[k,n]` with m an integer token count; `numInstances` of them run per layer (1, or for
 * MoE experts the expected number of experts that receive exactly m tokens, which may be fractional).
 */
export interface FcShape {
  name: string;
  m: number;
  k: number;
  n: number;
  numInstances: number;
  tpSplit: TpSplit;
}

/**
 * Expected number of distinct experts hit when `numTokens` tokens each pick `k` of `E` experts, assuming
 * every expert is equally likely and tokens choose independently: E·(1 − (1 − k/E)^numTokens).
 */
export function expectedActiveExperts(numExperts: number, expertsPerToken: number, numTokens: number): number {
  // Stryker disable next-line EqualityOperator: at 0 tokens the formula gives E·(1 − x^0) = exactly 0 as well
  if (numTokens <= 0) return 0;
  return numExperts * (1 - Math.pow(1 - expertsPerToken / numExperts, numTokens));
}

/** Support points below this share of the largest expected-expert count are dropped (mass < 1e-13 in all). */
const PMF_CUTOFF = 1e-16;

/**
 * Tokens per expert, as a distribution. Each of T tokens picks a uniformly random set of k of the E experts,
 * independently of the others, so one expert's token count X is Binomial(T, p = k/E). By linearity of
 * expectation, the expected cost of the expert GEMMs of a layer is E · Σ_j P(X = j) · cost(j), for any cost
 * function of the integer token count j (cost(0) = 0: an expert with no token is not run). Returns the
 * support points j >= 1 with their expected number of experts E·P(X = j); Σ j·E·P(X = j) = T·k (every
 * token's k picks are served). P(X = j) is built in log space (T log(1 − p) underflows for long prompts).
 */
export function expertTokenCounts(numExperts: number, expertsPerToken: number, numTokens: number): { numTokens: number; expectedExperts: number }[] {
  const E = numExperts;
  const T = numTokens;
  if (T <= 0) return [];
  const p = expertsPerToken / E;
  if (p >= 1) return [{ numTokens: T, expectedExperts: E }];
  const logRatio = Math.log(p / (1 - p));
  const logPmf = new Array<number>(T + 1);
  logPmf[0] = T * Math.log1p(-p);
  let maxLog = logPmf[0];
  // Stryker disable next-line EqualityOperator: one more step writes logPmf[T + 1] = -Infinity (log of 0), which no later line reads
  for (let j = 0; j < T; j++) {
    logPmf[j + 1] = logPmf[j] + Math.log((T - j) / (j + 1)) + logRatio;
    if (logPmf[j + 1] > maxLog) maxLog = logPmf[j + 1];
  }
  const out: { numTokens: number; expectedExperts: number }[] = [];
  const floor = maxLog + Math.log(PMF_CUTOFF);
  for (let j = 1; j <= T; j++) {
    if (logPmf[j] >= floor) out.push({ numTokens: j, expectedExperts: E * Math.exp(logPmf[j]) });
  }
  return out;
}

/**
 * FC GEMMs of one decoder layer for `numTokens` tokens (RLP·TLP), with their tensor-parallel split. `ffn_up`
 * fuses the up and gate projections of a gated FFN (n = 2·ffn), as the measured kernels do. For MoE the routed
 * experts appear once per possible token count j (expertTokenCounts: integer m = j, numInstances = expected
 * experts with j tokens), so summing numInstances x cost(m) is the exact expectation for any cost model; the
 * router (plus Qwen2-MoE's shared-expert gate) is replicated; shared experts see every token.
 */
export function fcShapesPerLayer(model: ModelConfig, numTokens: number): FcShape[] {
  const h = model.hidden_size;
  const d = headDim(model);
  const H = model.num_attention_heads;
  const kv = numKvHeads(model);
  const gate = isGatedFfn(model) ? 2 : 1;
  const shapes: FcShape[] = [
    { name: "qkv", m: numTokens, k: h, n: (H + 2 * kv) * d, numInstances: 1, tpSplit: "n" },
    { name: "proj", m: numTokens, k: H * d, n: h, numInstances: 1, tpSplit: "k" },
  ];
  if (!isMoe(model)) {
    const ffn = model.intermediate_size;
    shapes.push({ name: "ffn_up", m: numTokens, k: h, n: gate * ffn, numInstances: 1, tpSplit: "n" });
    shapes.push({ name: "ffn_down", m: numTokens, k: ffn, n: h, numInstances: 1, tpSplit: "k" });
    return shapes;
  }
  const E = model.num_local_experts!;
  const shared = sharedExpertFfn(model);
  const ffn = expertFfnSize(model);
  shapes.push({ name: "router", m: numTokens, k: h, n: E + (shared.gated ? 1 : 0), numInstances: 1, tpSplit: "none" });
  for (const c of expertTokenCounts(E, model.num_experts_per_tok!, numTokens)) {
    shapes.push({ name: "ffn_up", m: c.numTokens, k: h, n: gate * ffn, numInstances: c.expectedExperts, tpSplit: "n" });
    shapes.push({ name: "ffn_down", m: c.numTokens, k: ffn, n: h, numInstances: c.expectedExperts, tpSplit: "k" });
  }
  if (shared.ffnSize > 0) {
    shapes.push({ name: "shared_up", m: numTokens, k: h, n: gate * shared.ffnSize, numInstances: 1, tpSplit: "n" });
    shapes.push({ name: "shared_down", m: numTokens, k: shared.ffnSize, n: h, numInstances: 1, tpSplit: "k" });
  }
  return shapes;
}

/** The LM head: once per iteration, hidden → vocab, vocabulary-parallel. */
export function lmHeadShape(model: ModelConfig, numTokens: number): FcShape {
  return { name: "lm_head", m: numTokens, k: model.hidden_size, n: model.vocab_size, numInstances: 1, tpSplit: "n" };
}

/**
 * A memory-bound elementwise kernel of one decoder layer for `numTokens` tokens. `sharded`: under tensor
 * parallelism each device handles 1/N of it (the KV write of its heads, the activation of its FFN columns);
 * otherwise every device runs it in full on the whole (all-reduced) activation (norms, residual adds).
 */
export interface ElementwiseKernel {
  name: string;
  flops: number;
  bytesRead: number;
  bytesWritten: number;
  sharded: boolean;
}

/**
 * The elementwise kernels of one decoder layer, in order: RMSNorm (read x and the weight vector, write y),
 * KV-cache write (copy the new K and V), residual add (2 reads, 1 write), RMSNorm, FFN activation (gated:
 * act(gate) x up, 2 reads and 1 write per activated element), residual add. The activated elements are
 * T x ffn for a dense FFN and T x k x expert width (+ T x shared width) for MoE.
 */
export function elementwiseKernelsPerLayer(model: ModelConfig, numTokens: number): ElementwiseKernel[] {
  const b = dtypeBytes(model);
  const M = numTokens;
  const h = model.hidden_size;
  const kvBytes = 2 * M * numKvHeads(model) * headDim(model) * b;
  const act = M * h * b;
  const ffnAct = isMoe(model)
    ? M * (model.num_experts_per_tok! * expertFfnSize(model) + sharedExpertFfn(model).ffnSize)
    : M * model.intermediate_size;
  const gated = isGatedFfn(model);
  const norm = (name: string): ElementwiseKernel => ({ name, flops: 4 * M * h, bytesRead: act + h * b, bytesWritten: act, sharded: false });
  const residual = (name: string): ElementwiseKernel => ({ name, flops: M * h, bytesRead: 2 * act, bytesWritten: act, sharded: false });
  return [
    norm("input_norm"),
    { name: "kv_write", flops: 0, bytesRead: kvBytes, bytesWritten: kvBytes, sharded: true },
    residual("attn_residual"),
    norm("post_attn_norm"),
    { name: "ffn_act", flops: (gated ? 5 : 1) * ffnAct, bytesRead: (gated ? 2 : 1) * ffnAct * b, bytesWritten: ffnAct * b, sharded: true },
    residual("ffn_residual"),
  ];
}

/** The final RMSNorm before the LM head, once per iteration. */
export function finalNormKernel(model: ModelConfig, numTokens: number): ElementwiseKernel {
  const b = dtypeBytes(model);
  const act = numTokens * model.hidden_size * b;
  return { name: "final_norm", flops: 4 * numTokens * model.hidden_size, bytesRead: act + model.hidden_size * b, bytesWritten: act, sharded: false };
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
  const d = headDim(model);
  const H = model.num_attention_heads;
  const kv = numKvHeads(model);
  let sumL = 0;
  for (const L of lens) sumL += L;
  // MoE experts come as one shape per token count: one row per name sums them (FLOPs and bytes are expectations)
  const fc = new Map<string, KernelRow>();
  for (const s of fcShapesPerLayer(model, M)) {
    const r = fcRow(s, b, true);
    const prev = fc.get(s.name);
    if (prev === undefined) fc.set(s.name, r);
    else {
      prev.count += r.count;
      prev.flops += r.flops;
      prev.bytesRead += r.bytesRead;
      prev.bytesWritten += r.bytesWritten;
      prev.arithmeticIntensity = prev.flops / (prev.bytesRead + prev.bytesWritten);
    }
  }
  const ew = new Map(elementwiseKernelsPerLayer(model, M).map((k) => [k.name, row(k.name, "elementwise", true, 1, k.flops, k.bytesRead, k.bytesWritten)]));
  const order = [
    "input_norm", "qkv", "kv_write", "attn_score", "attn_softmax", "attn_context", "proj", "attn_residual", "post_attn_norm",
    "router", "ffn_up", "shared_up", "ffn_act", "ffn_down", "shared_down", "ffn_residual",
  ];
  const attention: Record<string, KernelRow> = {
    attn_score: row("attn_score", "attention", true, 1, 2 * H * T * sumL * d, (batch.rlp * H * T * d + kv * sumL * d) * b, H * T * sumL * b),
    attn_softmax: row("attn_softmax", "attention", true, 1, 5 * H * T * sumL, H * T * sumL * b, H * T * sumL * b),
    attn_context: row("attn_context", "attention", true, 1, 2 * H * T * sumL * d, (H * T * sumL + kv * sumL * d) * b, batch.rlp * H * T * d * b),
  };
  const rows: KernelRow[] = [];
  for (const name of order) {
    const r = fc.get(name) ?? ew.get(name) ?? attention[name];
    if (r !== undefined) rows.push(r);
  }
  const fn = finalNormKernel(model, M);
  rows.push(row(fn.name, "elementwise", false, 1, fn.flops, fn.bytesRead, fn.bytesWritten));
  rows.push(fcRow(lmHeadShape(model, M), b, false));
  return rows;
}
