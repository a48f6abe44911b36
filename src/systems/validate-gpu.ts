import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { readCsv } from "../core/csv.ts";
import { readDataFile } from "../core/json-file.ts";
import { gpuAttentionCost, gpuGemmCost } from "../hardware/gpu/cost.ts";
import { GPU_PRESETS } from "../hardware/gpu/presets.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { MODEL_PRESETS } from "../models/registry.ts";
import type { ModelConfig } from "../models/schema.ts";
import { gpuDecoderLayerCost } from "./layer-kernels.ts";

/**
 * Checks the GPU model against real kernel timings (data/measurements/<gpu>/: fc.csv, attn.csv, layer.csv,
 * meta.json). Relative error = (predicted − measured) / measured, on the median time.
 */
export interface ErrStats {
  rows: number;
  medianAbsRelErr: number;
  maxAbsRelErr: number;
}

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

export function errStats(relErrs: readonly number[]): ErrStats {
  const abs = relErrs.map(Math.abs).sort((a, b) => a - b);
  const n = abs.length;
  const median = n === 0 ? 0 : n % 2 === 1 ? abs[(n - 1) / 2] : (abs[n / 2 - 1] + abs[n / 2]) / 2;
  return { rows: n, medianAbsRelErr: median, maxAbsRelErr: n === 0 ? 0 : abs[n - 1] };
}

function modelFor(name: string, where: string): ModelConfig {
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

function requireDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`--measurements: folder not found: ${dir} (expects fc.csv, attn.csv, layer.csv, meta.json)`);
  }
}

/** Picks the preset from meta.json's device when `gpu` is not given. */
export function gpuForMeasurements(dir: string): GpuSpec {
  requireDir(dir);
  const metaPath = join(dir, "meta.json");
  const meta = readDataFile(metaPath) as { device?: unknown };
  const device = typeof meta?.device === "string" ? meta.device : "";
  const name = gpuPresetForDevice(device);
  if (name === undefined) {
    throw new UserError(`${metaPath}: device "${device}" matches no GPU preset; pass --gpu (known: ${Object.keys(GPU_PRESETS).join(", ")})`);
  }
  return GPU_PRESETS[name];
}

/** Parsed measurement rows (times in µs as in the files). */
export interface GpuMeasurements {
  fc: { line: number; label: string; m: number; k: number; n: number; measuredUs: number }[];
  attn: { line: number; label: string; B: number; H: number; d: number; L: number; T: number; measuredUs: number }[];
  layer: { line: number; label: string; model: ModelConfig; B: number; T: number; L: number; measuredUs: number }[];
}

/** Reads fc.csv, attn.csv and layer.csv; UserError naming file and line on a bad row. */
export function loadGpuMeasurements(dir: string): GpuMeasurements {
  requireDir(dir);
  const data: GpuMeasurements = { fc: [], attn: [], layer: [] };
  const positive = { min: Number.MIN_VALUE };
  const fcPath = join(dir, "fc.csv");
  for (const r of readCsv(fcPath, ["model", "kernel", "M", "K", "N", "median_us"])) {
    const [m, k, n] = ["M", "K", "N"].map((c) => r.num(c, { min: 1, integer: true }));
    data.fc.push({ line: r.line, label: `${r.get("model")} ${r.get("kernel")} M=${m}`, m, k, n, measuredUs: r.num("median_us", positive) });
  }
  const attnPath = join(dir, "attn.csv");
  for (const r of readCsv(attnPath, ["model", "B", "H", "d", "L", "T", "median_us"])) {
    const [B, H, d, L, T] = ["B", "H", "d", "L", "T"].map((c) => r.num(c, { min: 1, integer: true }));
    const label = `${r.get("model")} B=${B} L=${L} T=${T}`;
    data.attn.push({ line: r.line, label, B, H, d, L, T, measuredUs: r.num("median_us", positive) });
  }
  const layerPath = join(dir, "layer.csv");
  for (const r of readCsv(layerPath, ["model", "B", "T", "L", "median_us"])) {
    const model = modelFor(r.get("model"), `${layerPath}:${r.line}`);
    const [B, T] = ["B", "T"].map((c) => r.num(c, { min: 1, integer: true }));
    const L = r.num("L", { min: 0, integer: true });
    const label = `${model.name} B=${B} T=${T} L=${L}`;
    data.layer.push({ line: r.line, label, model, B, T, L, measuredUs: r.num("median_us", positive) });
  }
  return data;
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

/** Loads `dir` and validates `gpu` (default: the preset named by meta.json's device). */
export function validateGpu(dir: string, gpu?: GpuSpec): GpuValidation {
  const data = loadGpuMeasurements(dir);
  return evaluateGpu(gpu ?? gpuForMeasurements(dir), data);
}
