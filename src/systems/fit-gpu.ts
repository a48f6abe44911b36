import { UserError } from "../core/errors.ts";
import { gpuGemmCost } from "../hardware/gpu/cost.ts";
import { GpuSpec } from "../hardware/gpu/schema.ts";
import { type GpuMeasurements, type GpuValidation, evaluateGpu } from "./validate-gpu.ts";

/**
 * Fits a GPU preset's efficiency, bandwidth and overhead parameters to kernel measurements (parsed
 * fc/attn/layer rows, src/systems/validate-gpu.ts); gpu-held-out.ts uses it for out-of-sample validation.
 * Pure: callers read the files. Deterministic: pattern search over fixed grids from a fixed start (fitGpu).
 *
 * Objective: for each file with rows, the mean squared log error mean((ln(predicted/measured))^2), summed
 * over the files, so each file (one GEMM, one attention, one whole layer) weighs the same whatever its row
 * count. A log error treats over- and under-prediction by the same factor alike. It is not the validation
 * targets (median <= 10 %, max <= 30 %): no threshold appears in it.
 *
 * Only physically meaningful knobs move; peak FLOPs, HBM bandwidth, SM count and the tile set stay at the
 * datasheet / library values. attentionGraphOverheadSec follows graphKernelOverheadSec (2 kernels).
 */

export type MeasurementFile = "fc" | "attn" | "layer";

/**
 * One fitted field: its grid (the values it may take), its start value, and the measurement files whose
 * predictions it changes (a fit without rows of any of them cannot move it: it keeps its start value).
 */
export interface GpuFitParameter {
  key: GpuFitKey;
  grid: readonly (number | boolean)[];
  start: number | boolean;
  files: readonly MeasurementFile[];
}

export type GpuFitKey =
  | "computeEfficiency"
  | "memoryEfficiency"
  | "smBandwidthBytesPerSec"
  | "l2BandwidthBytesPerSec"
  | "gemmStreamK"
  | "rooflineSharpness"
  | "kernelLaunchOverheadSec"
  | "graphKernelOverheadSec"
  | "attentionComputeEfficiency"
  | "attentionMemoryEfficiency"
  | "attentionLaunchOverheadSec"
  | "attentionMinSec";

/** lo, lo + step, ..., hi, each rounded to 9 significant digits (so 0.7 + 8·0.01 is exactly 0.78). */
export function gridOf(lo: number, hi: number, step: number): number[] {
  const n = Math.round((hi - lo) / step);
  return Array.from({ length: n + 1 }, (_, i) => Number((lo + i * step).toPrecision(9)));
}

// GEMM knobs price fc.csv rows and the layer's GEMMs (memoryEfficiency also its elementwise kernels);
// attention knobs price attn.csv rows and the layer's attention; the eager overheads only fc/attn, the graph one only layer.
const GEMM_FILES: readonly MeasurementFile[] = ["fc", "layer"];
const ATTENTION_FILES: readonly MeasurementFile[] = ["attn", "layer"];

/**
 * Grids (bounds from meta.json ceilings and the hardware; see docs/gpu-validation.md) and the start point
 * (hand estimates: meta.json's 750/989.5 TFLOPS and ~4.2 TB/s streaming, ~20 µs eager dispatch; the rest
 * mid-grid guesses), so a fit never depends on what a preset currently holds. A parameter the fit rows do
 * not constrain (graphKernelOverheadSec without layer rows) keeps its start value.
 */

export const GPU_FIT_PARAMETERS: readonly GpuFitParameter[] = Object.freeze([
  // MMA efficiency inside a tile; bounded above by meta.json's 8192^3 GEMM (see gemmCeiling)
  { key: "computeEfficiency", grid: gridOf(0.7, 0.85, 0.01), start: 0.75, files: GEMM_FILES },
  // meta.json: a copy moves 4,149 GB/s read + write = 0.86 of 4.8 TB/s; read-only streams may go higher
  { key: "memoryEfficiency", grid: gridOf(0.8, 0.95, 0.01), start: 0.88, files: GEMM_FILES },
  // one latency-bound SM; 132 x 36 GB/s = the chip's 4.8 TB/s
  { key: "smBandwidthBytesPerSec", grid: gridOf(20e9, 200e9, 5e9), start: 60e9, files: GEMM_FILES },
  // upper end: 132 SMs x 128 B/clk x 1.98 GHz ~ 33 TB/s of SM-side L2 ports
  { key: "l2BandwidthBytesPerSec", grid: gridOf(4e12, 32e12, 1e12), start: 16e12, files: GEMM_FILES },
  { key: "gemmStreamK", grid: [true, false], start: true, files: GEMM_FILES },
  { key: "rooflineSharpness", grid: [1.5, 2, 2.5, 3, 4, 5, 6, 8, 12, 16, 32], start: 4, files: ["fc", "attn", "layer"] },
  { key: "kernelLaunchOverheadSec", grid: gridOf(0, 40e-6, 1e-6), start: 22e-6, files: ["fc"] },
  { key: "graphKernelOverheadSec", grid: gridOf(0, 10e-6, 0.5e-6), start: 3e-6, files: ["layer"] },
  { key: "attentionComputeEfficiency", grid: gridOf(0.02, 0.8, 0.02), start: 0.5, files: ATTENTION_FILES },
  { key: "attentionMemoryEfficiency", grid: gridOf(0.75, 0.97, 0.01), start: 0.92, files: ATTENTION_FILES },
  { key: "attentionLaunchOverheadSec", grid: gridOf(0, 50e-6, 1e-6), start: 25e-6, files: ["attn"] },
  { key: "attentionMinSec", grid: gridOf(0, 50e-6, 1e-6), start: 15e-6, files: ATTENTION_FILES },
]);

/** attentionGraphOverheadSec = 2 x graphKernelOverheadSec. ASSUMPTION: split-KV pass + combine kernel. */
const ATTENTION_GRAPH_KERNELS = 2;

/** A measured large GEMM that bounds the fit: a candidate whose own kernel of this shape would be faster is rejected. */
export interface GemmCeiling {
  m: number;
  k: number;
  n: number;
  flopsPerSec: number;
}

/** meta.json of a measurement folder: the fields the fit reads. `gemm_TFLOPs_8192` is an 8192^3 bf16 GEMM. */
export function gemmCeilingFromMeta(meta: unknown, where: string): GemmCeiling {
  const t = (meta as { gemm_TFLOPs_8192?: unknown } | null)?.gemm_TFLOPs_8192;
  if (typeof t !== "number" || !(t > 0)) throw new UserError(`${where}: gemm_TFLOPs_8192 must be a number > 0 (TFLOPS of an 8192^3 bf16 GEMM)`);
  return { m: 8192, k: 8192, n: 8192, flopsPerSec: t * 1e12 };
}

/** Kernel FLOP rate the candidate promises for the ceiling's shape, launch overhead excluded. */
export function modeledGemmFlopsPerSec(gpu: GpuSpec, c: GemmCeiling): number {
  const k = gpuGemmCost(gpu, { m: c.m, k: c.k, n: c.n, dtypeBytes: 2 }, "graph");
  return k.flops / (k.timeSec - gpu.graphKernelOverheadSec);
}

/** Sum over files with rows of the mean squared ln(predicted / measured). */
export function fitObjective(v: GpuValidation): number {
  const sum = { fc: 0, attn: 0, layer: 0 };
  const num = { fc: 0, attn: 0, layer: 0 };
  for (const r of v.rows) {
    const e = Math.log(r.predictedSec / r.measuredSec);
    sum[r.file] += e * e;
    num[r.file]++;
  }
  let o = 0;
  for (const f of ["fc", "attn", "layer"] as const) if (num[f] > 0) o += sum[f] / num[f];
  return o;
}

export interface GpuFit {
  spec: GpuSpec;
  objective: number;
  /** Single-parameter sweeps over all grids, and moves of two parameters at once, until neither helps. */
  numSweeps: number;
  numPairMoves: number;
}

const MAX_ROUNDS = 50;

const withFit = (base: GpuSpec, x: Partial<Record<GpuFitKey, number | boolean>>): GpuSpec => {
  const s = { ...base, ...x } as GpuSpec;
  s.attentionGraphOverheadSec = ATTENTION_GRAPH_KERNELS * s.graphKernelOverheadSec;
  return s;
};

/**
 * Fits `base`'s GPU_FIT_PARAMETERS to `data` by a deterministic pattern search on the grids, from the fixed
 * start (so the result does not depend on what `base` holds in those fields):
 *  1. sweep each parameter's whole grid in turn, keeping any value that lowers the objective, until a full
 *     sweep changes nothing;
 *  2. then try every move of two parameters by one grid step each (+-1, +-1) and take the best improving
 *     one, which walks along the ridges single sweeps stall on (compute efficiency, roofline sharpness and
 *     L2 bandwidth trade against each other); back to 1, until no pair move helps either.
 * Candidates whose own GEMM of the ceiling's shape would beat the measured rate are skipped.
 */
export function fitGpu(base: GpuSpec, data: GpuMeasurements, ceiling: GemmCeiling): GpuFit {
  if (data.fc.length + data.attn.length + data.layer.length === 0) throw new UserError("GPU fit: no measurement rows to fit");
  const params = GPU_FIT_PARAMETERS;
  const idx = params.map((p) => p.grid.indexOf(p.start));
  const specAt = (at: readonly number[]) => withFit(base, Object.fromEntries(params.map((p, i) => [p.key, p.grid[at[i]]])));
  const score = (at: readonly number[]): number => {
    const cand = specAt(at);
    // Stryker disable next-line EqualityOperator: a candidate exactly at the measured ceiling is allowed either way; equality has no width on the grid
    return modeledGemmFlopsPerSec(cand, ceiling) > ceiling.flopsPerSec ? Infinity : fitObjective(evaluateGpu(cand, data));
  };
  let bestObj = score(idx);
  if (!Number.isFinite(bestObj)) {
    const tflops = (x: number) => (x / 1e12).toFixed(1);
    throw new UserError(
      `gemm_TFLOPs_8192 = ${tflops(ceiling.flopsPerSec)} in meta.json is below the fit's start point (${tflops(modeledGemmFlopsPerSec(specAt(idx), ceiling))} TFLOPS on ${base.name}); the fit grids (src/systems/fit-gpu.ts) suit H100/H200-class GPUs`,
    );
  }
  let numSweeps = 0;
  let numPairMoves = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (let improved = true; improved; ) {
      improved = false;
      numSweeps++;
      for (let i = 0; i < params.length; i++) {
        const keep = idx[i];
        let bestJ = keep;
        // Stryker disable next-line EqualityOperator: j = grid.length reads grid[length] = undefined, whose objective is NaN (numeric fields) or that of false (the [true, false] grid, already tried): never an improvement, and idx[i] is reset to bestJ
        for (let j = 0; j < params[i].grid.length; j++) {
          if (j === keep) continue;
          idx[i] = j;
          const obj = score(idx);
          if (obj < bestObj - 1e-12) {
            bestObj = obj;
            bestJ = j;
            improved = true;
          }
        }
        idx[i] = bestJ;
      }
    }
    let move: [number, number, number, number] | undefined;
    // Stryker disable next-line EqualityOperator: at a = params.length the inner loop (b from a + 1) runs no iteration
    for (let a = 0; a < params.length; a++) {
      for (let b = a + 1; b < params.length; b++) {
        for (const da of [-1, 1]) {
          for (const db of [-1, 1]) {
            const ia = idx[a] + da;
            const ib = idx[b] + db;
            if (ia < 0 || ia >= params[a].grid.length || ib < 0 || ib >= params[b].grid.length) continue;
            const at = idx.slice();
            at[a] = ia;
            at[b] = ib;
            const obj = score(at);
            if (obj < bestObj - 1e-12) {
              bestObj = obj;
              move = [a, ia, b, ib];
            }
          }
        }
      }
    }
    if (move === undefined) break;
    idx[move[0]] = move[1];
    idx[move[2]] = move[3];
    numPairMoves++;
  }
  return { spec: GpuSpec.parse(specAt(idx)), objective: bestObj, numSweeps, numPairMoves };
}

/** Names of the models that have rows in `data`, sorted. */
export function measuredModels(data: GpuMeasurements): string[] {
  const names = new Set<string>([...data.fc.map((r) => r.modelName), ...data.attn.map((r) => r.modelName), ...data.layer.map((r) => r.model.name)]);
  return [...names].sort();
}

/** The rows of `data` whose model is (keep = true) or is not (keep = false) in `models`. */
export function selectModels(data: GpuMeasurements, models: readonly string[], keep = true): GpuMeasurements {
  const hit = (name: string) => models.includes(name) === keep;
  return {
    fc: data.fc.filter((r) => hit(r.modelName)),
    attn: data.attn.filter((r) => hit(r.modelName)),
    layer: data.layer.filter((r) => hit(r.model.name)),
  };
}

