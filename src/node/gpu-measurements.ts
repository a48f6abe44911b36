import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { GPU_PRESETS } from "../hardware/gpu/presets.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { evaluateGpu, gpuPresetForDevice, modelFor, type GpuMeasurements, type GpuValidation } from "../systems/validate-gpu.ts";
import { readCsv } from "./csv-file.ts";
import { readDataFile } from "./read-data-file.ts";

/** Reading GPU kernel measurements (data/measurements/<gpu>/: fc.csv, attn.csv, layer.csv, meta.json) from disk. */

function requireDir(dir: string): void {
  if (dir.trim() === "") throw new UserError(`--measurements ${JSON.stringify(dir)}: the path is empty; give a folder name`);
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

/** Reads fc.csv, attn.csv and layer.csv; UserError naming file and line on a bad row. */
export function loadGpuMeasurements(dir: string): GpuMeasurements {
  requireDir(dir);
  const data: GpuMeasurements = { fc: [], attn: [], layer: [] };
  const positive = { min: Number.MIN_VALUE };
  const fcPath = join(dir, "fc.csv");
  for (const r of readCsv(fcPath, ["model", "kernel", "M", "K", "N", "median_us"])) {
    const [m, k, n] = ["M", "K", "N"].map((c) => r.num(c, { min: 1, integer: true }));
    data.fc.push({ line: r.line, label: `${r.get("model")} ${r.get("kernel")} M=${m}`, modelName: r.get("model"), m, k, n, measuredUs: r.num("median_us", positive) });
  }
  const attnPath = join(dir, "attn.csv");
  for (const r of readCsv(attnPath, ["model", "B", "H", "d", "L", "T", "median_us"])) {
    const [B, H, d, L, T] = ["B", "H", "d", "L", "T"].map((c) => r.num(c, { min: 1, integer: true }));
    const label = `${r.get("model")} B=${B} L=${L} T=${T}`;
    data.attn.push({ line: r.line, label, modelName: r.get("model"), B, H, d, L, T, measuredUs: r.num("median_us", positive) });
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

/** Loads `dir` and validates `gpu` (default: the preset named by meta.json's device). */
export function validateGpu(dir: string, gpu?: GpuSpec): GpuValidation {
  const data = loadGpuMeasurements(dir);
  return evaluateGpu(gpu ?? gpuForMeasurements(dir), data);
}
