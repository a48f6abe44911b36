import { gpuElementwiseCost, gpuTensorParallelGemmCost, type GpuLaunchMode } from "../hardware/gpu/cost.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { errStats, type ErrStats } from "./error-stats.ts";

/**
 * Checks papi's GPU model against Vidur's published per-operation profiles (microsoft/vidur data/profiling/,
 * shipped in data/measurements/vidur-profiles/): compute/<sku>/<org>/<model>/mlp.csv holds, per (num_tokens,
 * num_tensor_parallel_workers), the median GPU time of each operation of one decoder layer with that TP degree's
 * weight shards. Relative error = (predicted - measured) / measured on the median.
 *
 * How Vidur timed them (vidur/profiling/mlp/, default --profile_method record_function): a PyTorch profiler trace
 * of eager fp16 PyTorch, each operation's time the sum of the GPU durations of the kernels it launched. Host
 * dispatch is not in the numbers (a one-token residual add takes 1-2 us), so they are priced with launch mode
 * "graph": a fixed GPU-side cost per kernel (graphKernelOverheadSec) and no host dispatch. Eager mode's
 * kernelLaunchOverheadSec (23 us of dispatch on the H200) would be charged for time these numbers do not contain.
 *
 * How each operation maps onto papi's kernels (T tokens, hidden h, H query and KV key/value heads of size d, FFN
 * width f, TP degree t, fp16):
 *   attn_pre_proj    QKV GEMM  [T, h] x [h, (H + 2 KV) d], column-parallel (n / t)
 *   attn_post_proj   output projection [T, H d] x [H d, h], row-parallel (k / t)
 *   mlp_up_proj      [T, h] x [h, 2f] (gated: gate and up fused) or [h, f], column-parallel
 *   mlp_down_proj    [T, f] x [f, h], row-parallel
 *   mlp_act          elementwise: SiLU(gate) x up reads 2 T f / t and writes T f / t values (GELU: T f / t each way)
 *   input_layernorm, post_attention_layernorm   RMSNorm: reads T h + h, writes T h (replicated: not sharded)
 *   add              residual: reads 2 T h, writes T h
 *   attn_rope        rotary embedding in place on q and k: reads and writes T (H + KV) d / t, reads T d of cos/sin
 *                    and T int64 positions (papi's decoder layer has no rope kernel: validated, not fitted)
 *   emb              embedding gather: reads T int64 ids and T rows of h, writes T h (papi prices no embedding:
 *                    validated, not fitted)
 * Operations of other names are listed as not priced.
 */

export const VIDUR_OPS = [
  "attn_pre_proj",
  "attn_post_proj",
  "mlp_up_proj",
  "mlp_down_proj",
  "mlp_act",
  "input_layernorm",
  "post_attention_layernorm",
  "add",
  "attn_rope",
  "emb",
] as const;
export type VidurOp = (typeof VIDUR_OPS)[number];

/** The operations of papi's decoder layer (src/models/kernels.ts): the ones a calibration fits. */
export const VIDUR_LAYER_OPS: readonly VidurOp[] = ["attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj", "mlp_act", "input_layernorm", "post_attention_layernorm", "add"];

/** Vidur's SKU folder names and the GPU presets they stand for. */
export const VIDUR_SKU_PRESETS: Readonly<Record<string, string>> = Object.freeze({ a100: "a100-80gb", h100: "h100-sxm" });

export interface VidurShape {
  numHeads: number;
  numKvHeads: number;
  hiddenSize: number;
  ffnSize: number;
  vocabSize: number;
  gatedMlp: boolean;
}

export interface VidurComputeRow {
  line: number;
  numTokens: number;
  tensorParallel: number;
  shape: VidurShape;
  /** median GPU time of each operation the row has, in seconds */
  measuredSec: Partial<Record<VidurOp, number>>;
}

export interface VidurComputeFile {
  /** path relative to the measurement folder, e.g. compute/a100/meta-llama/Llama-2-70b-hf/mlp.csv */
  path: string;
  sku: string;
  /** <org>/<model>, e.g. meta-llama/Llama-2-70b-hf */
  model: string;
  rows: VidurComputeRow[];
  /** operation columns of the file papi does not price */
  unpricedOps: string[];
}

const DTYPE_BYTES = 2; // Vidur profiles fp16 (mlp_wrapper.py: model.to(dtype=torch.float16))
const INDEX_BYTES = 8; // int64 token ids and positions

/** The predicted time of one operation for a row's shape, token count and TP degree. */
export function predictVidurOpSec(gpu: GpuSpec, op: VidurOp, row: Pick<VidurComputeRow, "numTokens" | "tensorParallel" | "shape">, launch: GpuLaunchMode = "graph"): number {
  const { numHeads: H, numKvHeads: KV, hiddenSize: h, ffnSize: f } = row.shape;
  const T = row.numTokens;
  const t = row.tensorParallel;
  const d = h / H;
  const b = DTYPE_BYTES;
  const gemm = (k: number, n: number, split: "n" | "k") => gpuTensorParallelGemmCost(gpu, { m: T, k, n, dtypeBytes: b }, t, launch, split).timeSec;
  const moved = (bytes: number) => gpuElementwiseCost(gpu, bytes, launch).timeSec;
  switch (op) {
    case "attn_pre_proj":
      return gemm(h, (H + 2 * KV) * d, "n");
    case "attn_post_proj":
      return gemm(H * d, h, "k");
    case "mlp_up_proj":
      return gemm(h, (row.shape.gatedMlp ? 2 : 1) * f, "n");
    case "mlp_down_proj":
      return gemm(f, h, "k");
    case "mlp_act":
      return moved(((row.shape.gatedMlp ? 3 : 2) * T * f * b) / t);
    case "input_layernorm":
    case "post_attention_layernorm":
      return moved((2 * T * h + h) * b);
    case "add":
      return moved(3 * T * h * b);
    case "attn_rope":
      return moved((2 * T * (H + KV) * d * b) / t + T * d * b + T * INDEX_BYTES);
    case "emb":
      return moved(T * INDEX_BYTES + 2 * T * h * b);
  }
}

export interface VidurOpRow {
  file: string;
  line: number;
  op: VidurOp;
  numTokens: number;
  tensorParallel: number;
  measuredSec: number;
  predictedSec: number;
  relErr: number;
}

export interface VidurFileValidation {
  path: string;
  sku: string;
  model: string;
  gpu: string;
  /** over every priced operation of the file */
  all: ErrStats;
  /** over the operations of papi's decoder layer (VIDUR_LAYER_OPS) */
  layer: ErrStats;
  /** per row, the sum of the layer operations (rows that have all of them): the time papi's layer charges */
  layerSum: ErrStats;
  perOp: Partial<Record<VidurOp, ErrStats>>;
  unpricedOps: string[];
}

/** Predicts every (row, operation) of the files with the given GPU. */
export function vidurOpRows(gpu: GpuSpec, files: readonly VidurComputeFile[]): VidurOpRow[] {
  const out: VidurOpRow[] = [];
  for (const f of files) {
    for (const r of f.rows) {
      for (const op of VIDUR_OPS) {
        const measuredSec = r.measuredSec[op];
        if (measuredSec === undefined) continue;
        const predictedSec = predictVidurOpSec(gpu, op, r);
        out.push({ file: f.path, line: r.line, op, numTokens: r.numTokens, tensorParallel: r.tensorParallel, measuredSec, predictedSec, relErr: (predictedSec - measuredSec) / measuredSec });
      }
    }
  }
  return out;
}

/** Error statistics per operation of some rows. */
export function perOpStats(rows: readonly VidurOpRow[]): Partial<Record<VidurOp, ErrStats>> {
  const out: Partial<Record<VidurOp, ErrStats>> = {};
  for (const op of VIDUR_OPS) {
    const e = rows.filter((r) => r.op === op).map((r) => r.relErr);
    if (e.length > 0) out[op] = errStats(e);
  }
  return out;
}

/** Summaries of one file predicted with `gpu`: all priced operations, the layer operations, and each operation. */
export function evaluateVidurFile(gpu: GpuSpec, file: VidurComputeFile): { summary: VidurFileValidation; rows: VidurOpRow[] } {
  const rows = vidurOpRows(gpu, [file]);
  const layer = rows.filter((r) => VIDUR_LAYER_OPS.includes(r.op));
  const sums = new Map<number, { measured: number; predicted: number; ops: number }>();
  for (const r of layer) {
    const s = sums.get(r.line) ?? { measured: 0, predicted: 0, ops: 0 };
    s.measured += r.measuredSec;
    s.predicted += r.predictedSec;
    s.ops++;
    sums.set(r.line, s);
  }
  const complete = [...sums.values()].filter((s) => s.ops === VIDUR_LAYER_OPS.length);
  return {
    summary: {
      path: file.path,
      sku: file.sku,
      model: file.model,
      gpu: gpu.name,
      all: errStats(rows.map((r) => r.relErr)),
      layer: errStats(layer.map((r) => r.relErr)),
      layerSum: errStats(complete.map((s) => (s.predicted - s.measured) / s.measured)),
      perOp: perOpStats(rows),
      unpricedOps: file.unpricedOps,
    },
    rows,
  };
}
