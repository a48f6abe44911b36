// Fits the h200-sxm preset's efficiency and overhead parameters on data/measurements/h200 (fc, attn, layer).
// Coordinate search over fixed grids, starting from the current preset, until no single-parameter change
// lowers the objective: the sum over the three files of the max |relative error|, plus a penalty when a
// file's median exceeds 10 %. Deterministic. Run: node --import tsx scripts/calibrate-h200.ts
// Only these physically meaningful knobs move; peak FLOPs, bandwidth, SM count and the tile set stay at
// the datasheet / library values. attentionGraphOverheadSec follows graphKernelOverheadSec (2 kernels).
import { fileURLToPath } from "node:url";
import { GPU_PRESETS } from "../src/hardware/gpu/presets.ts";
import { GpuSpec } from "../src/hardware/gpu/schema.ts";
import { gpuGemmCost } from "../src/hardware/gpu/cost.ts";
import { evaluateGpu, type GpuValidation } from "../src/systems/validate-gpu.ts";
import { loadGpuMeasurements } from "../src/node/gpu-measurements.ts";

const dir = fileURLToPath(new URL("../data/measurements/h200", import.meta.url));
const data = loadGpuMeasurements(dir);

const range = (lo: number, hi: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) out.push(Math.round(v * 1e9) / 1e9);
  return out;
};

// meta.json ceilings bound the grids: an 8192^3 GEMM reaches 750/989.5 = 0.76 of peak; a copy moves
// 4149 GB/s read + write (0.86 of 4.8 TB/s), read-only streams may go somewhat higher.
// Per-SM HBM bandwidth: 20..200 GB/s (a latency-bound SM; 132 x 36 GB/s = the chip's 4.8 TB/s). L2 -> SM
// bandwidth: 4..32 TB/s (upper end: 132 SMs x 128 B/clk x 1.98 GHz ~ 33 TB/s of SM-side L2 ports; TMA
// multicast lets one L2 read feed two CTAs of a cluster).
const grids: Record<string, readonly (number | boolean)[]> = {
  computeEfficiency: range(0.7, 0.85, 0.01), // see within8192Ceiling
  memoryEfficiency: range(0.8, 0.95, 0.01),
  smBandwidthBytesPerSec: range(20e9, 200e9, 5e9),
  l2BandwidthBytesPerSec: range(4e12, 32e12, 1e12),
  gemmStreamK: [true, false],
  rooflineSharpness: [1.5, 2, 2.5, 3, 4, 5, 6, 8, 12, 16, 32],
  kernelLaunchOverheadSec: range(0, 40e-6, 1e-6),
  graphKernelOverheadSec: range(0, 10e-6, 0.5e-6),
  attentionComputeEfficiency: range(0.02, 0.8, 0.02),
  attentionMemoryEfficiency: range(0.75, 0.97, 0.01),
  attentionLaunchOverheadSec: range(0, 50e-6, 1e-6),
  attentionMinSec: range(0, 50e-6, 1e-6),
};

// meta.json: an 8192^3 bf16 GEMM ran at 749.75 TFLOPS. A candidate whose own 8192^3 kernel (launch overhead
// excluded) would be faster promises more than the chip delivered and is rejected. computeEfficiency is
// the MMA efficiency inside a tile, so it may exceed 0.76 as long as tiling and L2 keep the whole GEMM below.
const GEMM_8192_FLOPS_PER_SEC = 749.75e12;
function within8192Ceiling(g: GpuSpec): boolean {
  const c = gpuGemmCost(g, { m: 8192, k: 8192, n: 8192, dtypeBytes: 2 }, "graph");
  return c.flops / (c.timeSec - g.graphKernelOverheadSec) <= GEMM_8192_FLOPS_PER_SEC;
}

function objective(v: GpuValidation): number {
  let o = 0;
  for (const s of [v.fc, v.attn, v.layer]) o += s.maxAbsRelErr + s.medianAbsRelErr + 10 * Math.max(0, s.medianAbsRelErr - 0.1);
  return o;
}

// Fixed starting point (hand estimates from meta.json: 750/989.5 TFLOPS, ~4.2 TB/s streaming, ~20 us eager
// dispatch), so the result does not depend on what the preset currently holds.
const START = {
  computeEfficiency: 0.75,
  memoryEfficiency: 0.88,
  smBandwidthBytesPerSec: 60e9,
  l2BandwidthBytesPerSec: 16e12,
  gemmStreamK: true,
  rooflineSharpness: 4,
  kernelLaunchOverheadSec: 22e-6,
  graphKernelOverheadSec: 3e-6,
  attentionComputeEfficiency: 0.5,
  attentionMemoryEfficiency: 0.92,
  attentionLaunchOverheadSec: 25e-6,
  attentionMinSec: 15e-6,
};
const spec = (x: Record<string, unknown>): GpuSpec =>
  GpuSpec.parse({ ...x, attentionGraphOverheadSec: 2 * (x.graphKernelOverheadSec as number) });
let best: GpuSpec = spec({ ...GPU_PRESETS["h200-sxm"], ...START });
let bestObj = objective(evaluateGpu(best, data));
for (let pass = 0; pass < 20; pass++) {
  let improved = false;
  for (const [key, values] of Object.entries(grids)) {
    for (const value of values) {
      const cand = spec({ ...best, [key]: value });
      if (!within8192Ceiling(cand)) continue;
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
const c8192 = gpuGemmCost(best, { m: 8192, k: 8192, n: 8192, dtypeBytes: 2 }, "graph");
console.log(`8192^3 GEMM: model ${(c8192.flops / (c8192.timeSec - best.graphKernelOverheadSec) / 1e12).toFixed(1)} TFLOPS (measured 749.8)`);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log("fitted h200-sxm parameters:");
const preset = GPU_PRESETS["h200-sxm"] as Record<string, unknown>;
for (const key of [...Object.keys(grids), "attentionGraphOverheadSec"]) {
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
