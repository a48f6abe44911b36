// Fits the h200-sxm preset's efficiency and overhead parameters on data/measurements/h200 (fc, attn, layer).
// Coordinate search over fixed grids, starting from the current preset, until no single-parameter change
// lowers the objective: the sum over the three files of the max |relative error|, plus a penalty when a
// file's median exceeds 10 %. Deterministic. Run: node --import tsx scripts/calibrate-h200.ts
// Only these physically meaningful knobs move; peak FLOPs and bandwidth stay at the datasheet values.
import { fileURLToPath } from "node:url";
import { GPU_PRESETS } from "../src/hardware/gpu/presets.ts";
import { GpuSpec } from "../src/hardware/gpu/schema.ts";
import { evaluateGpu, loadGpuMeasurements, type GpuValidation } from "../src/systems/validate-gpu.ts";

const dir = fileURLToPath(new URL("../data/measurements/h200", import.meta.url));
const data = loadGpuMeasurements(dir);

const range = (lo: number, hi: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) out.push(Math.round(v * 1e9) / 1e9);
  return out;
};

// meta.json ceilings bound the grids: an 8192^3 GEMM reaches 750/989.5 = 0.76 of peak; a copy moves
// 4149 GB/s read + write (0.86 of 4.8 TB/s), read-only streams may go somewhat higher.
const grids: Record<string, number[]> = {
  computeEfficiency: range(0.7, 0.78, 0.01),
  memoryEfficiency: range(0.8, 0.95, 0.01),
  gemmTileM: [16, 32, 64, 128, 256],
  rooflineSharpness: [1.5, 2, 2.5, 3, 4, 5, 6, 8, 12, 16, 32],
  kernelLaunchOverheadSec: range(0, 40e-6, 1e-6),
  graphKernelOverheadSec: range(0, 10e-6, 0.5e-6),
  attentionComputeEfficiency: range(0.02, 0.8, 0.02),
  attentionMemoryEfficiency: range(0.75, 0.97, 0.01),
  attentionLaunchOverheadSec: range(0, 50e-6, 1e-6),
  attentionMinSec: range(0, 50e-6, 1e-6),
};

function objective(v: GpuValidation): number {
  let o = 0;
  for (const s of [v.fc, v.attn, v.layer]) o += s.maxAbsRelErr + s.medianAbsRelErr + 10 * Math.max(0, s.medianAbsRelErr - 0.1);
  return o;
}

// Fixed starting point (hand estimates from meta.json: 750/989.5 TFLOPS, ~4.2 TB/s streaming, ~20 us eager
// dispatch), so the result does not depend on what the preset currently holds.
const START = {
  computeEfficiency: 0.76,
  memoryEfficiency: 0.88,
  gemmTileM: 64,
  rooflineSharpness: 4,
  kernelLaunchOverheadSec: 22e-6,
  graphKernelOverheadSec: 3e-6,
  attentionComputeEfficiency: 0.5,
  attentionMemoryEfficiency: 0.92,
  attentionLaunchOverheadSec: 25e-6,
  attentionMinSec: 15e-6,
};
let best: GpuSpec = GpuSpec.parse({ ...GPU_PRESETS["h200-sxm"], ...START });
let bestObj = objective(evaluateGpu(best, data));
for (let pass = 0; pass < 20; pass++) {
  let improved = false;
  for (const [key, values] of Object.entries(grids)) {
    for (const value of values) {
      const cand = GpuSpec.parse({ ...best, [key]: value });
      const obj = objective(evaluateGpu(cand, data));
      if (obj < bestObj - 1e-9) {
        best = cand;
        bestObj = obj;
        improved = true;
      }
    }
  }
  if (!improved) break;
}

const v = evaluateGpu(best, data);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log("fitted h200-sxm parameters:");
const preset = GPU_PRESETS["h200-sxm"] as Record<string, unknown>;
for (const key of Object.keys(grids)) {
  const value = (best as Record<string, unknown>)[key];
  console.log(`  ${key}: ${value}${preset[key] === value ? "" : `   (preset has ${preset[key]})`}`);
}
for (const f of ["fc", "attn", "layer"] as const) {
  console.log(`${f}: rows ${v[f].rows}, median ${pct(v[f].medianAbsRelErr)}, max ${pct(v[f].maxAbsRelErr)}`);
}
const worst = [...v.rows].sort((a, b) => Math.abs(b.relErr) - Math.abs(a.relErr)).slice(0, 8);
console.log("worst rows:");
for (const r of worst) {
  console.log(`  ${r.file}:${r.line} ${r.label}: measured ${(r.measuredSec * 1e6).toFixed(1)} us, predicted ${(r.predictedSec * 1e6).toFixed(1)} us (${pct(r.relErr)})`);
}
