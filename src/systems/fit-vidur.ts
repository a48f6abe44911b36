import { UserError } from "../core/errors.ts";
import { GpuSpec } from "../hardware/gpu/schema.ts";
import { gridOf } from "./fit-gpu.ts";
import { predictVidurOpSec, VIDUR_LAYER_OPS, type VidurComputeFile, type VidurComputeRow, type VidurOp } from "./validate-vidur.ts";

/**
 * Fits a GPU preset's efficiency and overhead parameters to Vidur's per-operation profiles (validate-vidur.ts).
 * Pure and deterministic: the same pattern search as fit-gpu.ts (sweep each parameter's grid in turn from a fixed
 * start, then the best move of two parameters by one grid step, until neither helps).
 *
 * Objective: what papi's serving loop charges is the decoder layer, and 77-97 % of a layer's GPU time in these
 * profiles (median 93 %) is its four GEMMs. So: the mean squared log error of each GEMM operation (attn_pre_proj,
 * attn_post_proj, mlp_up_proj, mlp_down_proj; each weighs the same whatever its row count), plus that of the
 * layer sum per row (the eight operations of papi's layer, VIDUR_LAYER_OPS, added up), in which the elementwise
 * kernels count by their share of the time. Fitting each elementwise kernel on its own would pull
 * memoryEfficiency, which GEMMs share, towards the slowest of them (RMSNorm runs at 35-50 % of HBM bandwidth
 * here, the residual add at ~88 %; one efficiency cannot serve both). No validation threshold appears in it.
 *
 * Only the preset's efficiency / bandwidth / overhead knobs move (GPU_VIDUR_FIT_PARAMETERS); peak FLOPs, HBM
 * bandwidth, SM count and tiles stay at the datasheet values. `fixed` keeps fields at `base`'s value (the A100's
 * L2 bandwidth has a datasheet figure).
 */

export type VidurFitKey = "computeEfficiency" | "memoryEfficiency" | "smBandwidthBytesPerSec" | "l2BandwidthBytesPerSec" | "gemmStreamK" | "rooflineSharpness" | "graphKernelOverheadSec";

export interface VidurFitParameter {
  key: VidurFitKey;
  grid: readonly (number | boolean)[];
  start: number | boolean;
}

/**
 * Grids and start point. Starts are hand estimates independent of any preset (cuBLAS reaches ~75 % of peak on
 * large fp16 GEMMs, HBM streams at ~85 %, a kernel costs ~3 us on the GPU); bounds are physical: efficiencies
 * below 1, an SM's bandwidth below the chip's, an L2 feed up to ~30 TB/s, a per-kernel GPU-side cost up to 10 us.
 */
export const GPU_VIDUR_FIT_PARAMETERS: readonly VidurFitParameter[] = Object.freeze([
  { key: "computeEfficiency", grid: gridOf(0.5, 0.95, 0.01), start: 0.75 },
  { key: "memoryEfficiency", grid: gridOf(0.6, 0.95, 0.01), start: 0.85 },
  { key: "smBandwidthBytesPerSec", grid: gridOf(10e9, 200e9, 10e9), start: 60e9 },
  { key: "l2BandwidthBytesPerSec", grid: gridOf(2e12, 32e12, 1e12), start: 8e12 },
  { key: "gemmStreamK", grid: [true, false], start: true },
  { key: "rooflineSharpness", grid: [1.5, 2, 2.5, 3, 4, 5, 6, 8, 12, 16, 32], start: 4 },
  { key: "graphKernelOverheadSec", grid: gridOf(0, 12e-6, 0.5e-6), start: 3e-6 },
] satisfies VidurFitParameter[]);

const GEMM_OPS: readonly VidurOp[] = ["attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj"];

/**
 * The fit rows grouped by what a prediction depends on (token count, TP degree, layer shape): models of the same
 * layer shape share their predictions (Llama-2-70B and Llama-3-70B differ only in vocabulary), so each candidate
 * prices every distinct configuration once.
 */
export interface VidurFitData {
  configs: {
    row: Pick<VidurComputeRow, "numTokens" | "tensorParallel" | "shape">;
    /** measured times of each GEMM operation, one per row of this configuration */
    gemms: number[][];
    /** measured layer sums (rows with every layer operation) */
    layerSums: number[];
  }[];
  /** rows per GEMM operation and layer sums in all: the means' denominators */
  numGemm: number[];
  numLayer: number;
}

export function vidurFitData(files: readonly VidurComputeFile[]): VidurFitData {
  const byKey = new Map<string, VidurFitData["configs"][number]>();
  const numGemm = GEMM_OPS.map(() => 0);
  let numLayer = 0;
  for (const f of files) {
    for (const r of f.rows) {
      const key = JSON.stringify([r.numTokens, r.tensorParallel, r.shape.numHeads, r.shape.numKvHeads, r.shape.hiddenSize, r.shape.ffnSize, r.shape.gatedMlp]);
      let c = byKey.get(key);
      if (c === undefined) {
        c = { row: r, gemms: GEMM_OPS.map(() => []), layerSums: [] };
        byKey.set(key, c);
      }
      GEMM_OPS.forEach((op, i) => {
        const m = r.measuredSec[op];
        if (m !== undefined) {
          c!.gemms[i].push(m);
          numGemm[i]++;
        }
      });
      if (VIDUR_LAYER_OPS.every((op) => r.measuredSec[op] !== undefined)) {
        c.layerSums.push(VIDUR_LAYER_OPS.reduce((s, op) => s + r.measuredSec[op]!, 0));
        numLayer++;
      }
    }
  }
  return { configs: [...byKey.values()], numGemm, numLayer };
}

/** Sum over the GEMM operations of their mean squared ln(predicted / measured), plus the same for the layer sum. */
export function vidurFitObjective(gpu: GpuSpec, data: VidurFitData): number {
  const sums = GEMM_OPS.map(() => 0);
  let layer = 0;
  for (const c of data.configs) {
    let predictedLayer = 0;
    for (const op of VIDUR_LAYER_OPS) {
      const p = predictVidurOpSec(gpu, op, c.row);
      predictedLayer += p;
      const i = GEMM_OPS.indexOf(op);
      if (i >= 0) for (const m of c.gemms[i]) sums[i] += Math.log(p / m) ** 2;
    }
    for (const m of c.layerSums) layer += Math.log(predictedLayer / m) ** 2;
  }
  let o = data.numLayer > 0 ? layer / data.numLayer : 0;
  sums.forEach((s, i) => (o += data.numGemm[i] > 0 ? s / data.numGemm[i] : 0));
  return o;
}

export interface VidurFit {
  spec: GpuSpec;
  objective: number;
  numSweeps: number;
  numPairMoves: number;
}

const MAX_ROUNDS = 50;

/** Fits `base`'s GPU_VIDUR_FIT_PARAMETERS (except `fixed`) to the files' rows; see the file comment. */
export function fitVidur(base: GpuSpec, files: readonly VidurComputeFile[], fixed: readonly VidurFitKey[] = []): VidurFit {
  if (files.every((f) => f.rows.length === 0)) throw new UserError("Vidur fit: no measurement rows to fit");
  const params = GPU_VIDUR_FIT_PARAMETERS.filter((p) => !fixed.includes(p.key));
  const idx = params.map((p) => p.grid.indexOf(p.start));
  const specAt = (at: readonly number[]) => ({ ...base, ...Object.fromEntries(params.map((p, i) => [p.key, p.grid[at[i]]])) }) as GpuSpec;
  const data = vidurFitData(files);
  const score = (at: readonly number[]) => vidurFitObjective(specAt(at), data);
  let bestObj = score(idx);
  let numSweeps = 0;
  let numPairMoves = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (let improved = true; improved; ) {
      improved = false;
      numSweeps++;
      for (let i = 0; i < params.length; i++) {
        const keep = idx[i];
        let bestJ = keep;
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
