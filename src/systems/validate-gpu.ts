import { UserError } from "../core/errors.ts";
import { gpuAttentionCost, gpuGemmCost } from "../hardware/gpu/cost.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { MODEL_PRESETS } from "../models/registry.ts";
import type { ModelConfig } from "../models/schema.ts";
import { errStats, type ErrStats } from "./error-stats.ts";
import { gpuDecoderLayerCost } from "./layer-kernels.ts";

export { errStats, type ErrStats } from "./error-stats.ts";

/**
 * Checks the GPU model against real kernel timings (data/measurements/<gpu>/: fc.csv, attn.csv, layer.csv,
 * meta.json). Relative error = (predicted − measured) / measured, on the median time.
 */

export interface ValidationRow {
  file: "fc" | "attn" | "layer";
  line: number;
  label: string;
  measuredSec: number;
  predictedSec: number;
  relErr: number;
}

export interface GpuValidation {
  gpu: string;
  fc: ErrStats;
  attn: ErrStats;
  layer: ErrStats;
  rows: ValidationRow[];
}

const US = 1e-6;

/** Maps meta.json's `device` ("NVIDIA H200", "NVIDIA A100-SXM4-80GB", ...) onto a preset name. */
export function gpuPresetForDevice(device: string): string | undefined {
  const d = device.toUpperCase();
  if (d.includes("H200")) return "h200-sxm";
  if (d.includes("H100")) return "h100-sxm";
  if (d.includes("A100")) return "a100-80gb";
  return undefined;
}


export function modelFor(name: string, where: string): ModelConfig {
  const m = Object.prototype.hasOwnProperty.call(MODEL_PRESETS, name) ? MODEL_PRESETS[name] : undefined;
  if (m === undefined) throw new UserError(`${where}: unknown model "${name}"; known: ${Object.keys(MODEL_PRESETS).join(", ")}`);
  return m;
}

/**
 * One decoder layer inside a CUDA graph on one GPU: RMSNorm, QKV GEMM, KV-cache write, attention over L cached
 * + T new tokens, output projection, residual, RMSNorm, FFN up(/gate), activation, FFN down, residual, in
 * launch mode "graph". The same function prices the layers of the serving loop (layer-kernels.ts).
 */
export function predictLayerSec(gpu: GpuSpec, model: ModelConfig, numRequests: number, tlp: number, cachedTokens: number): number {
  const c = gpuDecoderLayerCost(gpu, model, 1, { numRequests, tlp, totalContextTokens: numRequests * (cachedTokens + tlp) });
  return c.fc.timeSec + c.attention.timeSec + c.elementwise.timeSec;
}

/** Parsed measurement rows (times in µs as in the files). */
export interface GpuMeasurements {
  fc: { line: number; label: string; modelName: string; m: number; k: number; n: number; measuredUs: number }[];
  attn: { line: number; label: string; modelName: string; B: number; H: number; d: number; L: number; T: number; measuredUs: number }[];
  layer: { line: number; label: string; model: ModelConfig; B: number; T: number; L: number; measuredUs: number }[];
}

/**
 * Predicts every measured row with `gpu` and summarizes the relative errors per file. fc.csv and attn.csv
 * were timed eagerly (PyTorch dispatch per kernel): launch mode "eager"; layer.csv ran in a CUDA graph.
 */
export function evaluateGpu(gpu: GpuSpec, data: GpuMeasurements): GpuValidation {
  const rows: ValidationRow[] = [];
  const push = (file: ValidationRow["file"], line: number, label: string, measuredUs: number, predictedSec: number) => {
    const measuredSec = measuredUs * US;
    rows.push({ file, line, label, measuredSec, predictedSec, relErr: (predictedSec - measuredSec) / measuredSec });
  };
  for (const r of data.fc) push("fc", r.line, r.label, r.measuredUs, gpuGemmCost(gpu, { m: r.m, k: r.k, n: r.n, dtypeBytes: 2 }, "eager").timeSec);
  for (const r of data.attn) {
    const a = { numRequests: r.B, numHeads: r.H, numKvHeads: r.H, headDim: r.d, tlp: r.T, totalContextTokens: r.B * r.L, dtypeBytes: 2 };
    push("attn", r.line, r.label, r.measuredUs, gpuAttentionCost(gpu, a, "eager").timeSec);
  }
  for (const r of data.layer) push("layer", r.line, r.label, r.measuredUs, predictLayerSec(gpu, r.model, r.B, r.T, r.L));
  const stats = (f: ValidationRow["file"]) => errStats(rows.filter((x) => x.file === f).map((x) => x.relErr));
  return { gpu: gpu.name, fc: stats("fc"), attn: stats("attn"), layer: stats("layer"), rows };
}

