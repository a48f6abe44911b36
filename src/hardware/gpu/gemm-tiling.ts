import type { GpuSpec } from "./schema.ts";

/**
 * How a cuBLAS/CUTLASS-style library runs one GEMM X[m,k] @ W[k,n] on `numSms` SMs.
 *
 * The output is cut into CTA tiles tileM x tileN (gpu.gemmTileShapes); a tile's reduction is kIters =
 * ceil(k / gemmTileK) main-loop iterations of 2·tileM·tileN·gemmTileK FLOPs, each at one SM's share of the
 * achievable peak, iterSec = 2·tileM·tileN·gemmTileK / (peak·computeEfficiency / numSms). A partial tile
 * costs a whole one (tensor-core MMAs have fixed 64-row shapes). Two schedules:
 *  - data-parallel: one CTA per tile, in waves of numSms: computeSec = ceil(tiles / numSms) · kIters · iterSec
 *  - stream-K (gemmStreamK; CUTLASS 3 PersistentTileSchedulerSm90StreamK, cuBLAS's persistent kernels):
 *    the tiles·kIters iterations are dealt evenly to numSms persistent CTAs, computeSec =
 *    ceil(tiles·kIters / numSms) · iterSec, plus a fix-up of up to one fp32 partial tile per SM written and
 *    read back (2 · min(numSms, tiles) · tileM·tileN · 4 bytes). This also covers split-K when tiles < numSms.
 * Memory: memorySec = max(chip, per-SM, L2), chip = bytes / (bandwidth·memoryEfficiency); per-SM = the
 * weight columns one SM must stream itself (row tiles of the same columns hit L2) at smBandwidthBytesPerSec,
 * so with few CTAs the chip bandwidth cannot be reached; L2 = operand tiles fed to the SMs,
 * tiles·kIters·(tileM + tileN)·gemmTileK·dtypeBytes / l2BandwidthBytesPerSec, which is what makes small
 * tiles lose on large GEMMs. time = smoothMax(computeSec, memorySec), p = rooflineSharpness.
 * The library is modeled as an ideal autotuner: the fastest (tile, schedule) wins. Real heuristics sometimes
 * pick worse kernels (docs/gpu-validation.md).
 *
 * Each plan's time is a staircase that is non-decreasing in m, k and n (tile and wave counts are ceilings),
 * so the best plan's time is non-decreasing too: an ideal autotuner never makes a larger GEMM faster.
 * computeSec >= flops / (peak·eff) and memorySec >= bytes / (bw·eff), so time never beats the roofline.
 */
export interface GemmPlan {
  timeSec: number;
  computeSec: number;
  memorySec: number;
  tileM: number;
  tileN: number;
  /** true when the stream-K schedule won. */
  streamK: boolean;
}

export function smoothMax(a: number, b: number, p: number): number {
  const hi = Math.max(a, b);
  if (hi <= 0) return 0;
  const lo = Math.min(a, b);
  return hi * Math.pow(1 + Math.pow(lo / hi, p), 1 / p);
}

/** Samples of the smooth-max factor (1 + r^p)^(1/p) for r in [0, 1]; linear interpolation between them. */
const FACTOR_STEPS = 4096;

/** Per-spec tile arrays, smooth-max table and scratch space, built once per spec object (specs are immutable). */
interface Tiles {
  m: Float64Array;
  n: Float64Array;
  /** factor[i] = (1 + (i/FACTOR_STEPS)^p)^(1/p): increasing, so the interpolated smooth max stays monotone. */
  factor: Float64Array;
  /** Scratch per plan (2·tile + schedule): compute and memory time; reused by every call (no allocation). */
  computeSec: Float64Array;
  memorySec: Float64Array;
}
const tileCache = new WeakMap<GpuSpec, Tiles>();

/**
 * Smooth-max tables by exponent p, shared by specs with the same p (a fit or a sweep makes thousands of
 * specs; building a table costs ~0.5 ms). Read-only once built. Bounded: cleared past MAX_FACTOR_TABLES.
 */
const factorTables = new Map<number, Float64Array>();
const MAX_FACTOR_TABLES = 64;

function factorTableOf(p: number): Float64Array {
  let factor = factorTables.get(p);
  if (factor === undefined) {
    factor = new Float64Array(FACTOR_STEPS + 2);
    for (let i = 0; i <= FACTOR_STEPS; i++) factor[i] = Math.pow(1 + Math.pow(i / FACTOR_STEPS, p), 1 / p);
    factor[FACTOR_STEPS + 1] = factor[FACTOR_STEPS]; // guard for r = 1 exactly
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, the cap only bounds memory; a table cleared early is rebuilt with the same values, one kept longer is reused (specs keep their own reference), so no result changes
    if (factorTables.size >= MAX_FACTOR_TABLES) factorTables.clear();
    factorTables.set(p, factor);
  }
  return factor;
}

function tilesOf(gpu: GpuSpec): Tiles {
  let t = tileCache.get(gpu);
  if (t === undefined) {
    const n = gpu.gemmTileShapes.length;
    t = {
      factor: factorTableOf(gpu.rooflineSharpness),
      m: Float64Array.from(gpu.gemmTileShapes, (x) => x.m),
      n: Float64Array.from(gpu.gemmTileShapes, (x) => x.n),
      computeSec: new Float64Array(2 * n),
      memorySec: new Float64Array(2 * n),
    };
    tileCache.set(gpu, t);
  }
  return t;
}

/**
 * Best plan of one GEMM; `out` is filled and returned (no allocation). m may be fractional; m, k, n > 0.
 * The smooth max uses a per-spec table instead of two Math.pow per plan (~5x faster).
 */
export function planGemm(gpu: GpuSpec, m: number, k: number, n: number, dtypeBytes: number, out: GemmPlan): GemmPlan {
  const tiles = tilesOf(gpu);
  const comp = tiles.computeSec;
  const mem = tiles.memorySec;
  const numSms = gpu.numSms;
  const tk = gpu.gemmTileK;
  const smFlopsPerSec =
    (gpu.peakFp16FlopsPerSec * gpu.computeEfficiency * (dtypeBytes >= 4 ? gpu.fp32ThroughputRatio : 1)) / numSms;
  const chipBw = gpu.hbmBandwidthBytesPerSec * gpu.memoryEfficiency;
  const bytes = (m * k + k * n + m * n) * dtypeBytes;
  const kIters = Math.ceil(k / tk);
  const numPlans = gpu.gemmStreamK ? 2 * tiles.m.length : tiles.m.length;
  for (let j = 0; j < numPlans; j++) {
    const i = j < tiles.m.length ? j : j - tiles.m.length;
    const tm = tiles.m[i];
    const tn = tiles.n[i];
    const iterSec = (2 * tm * tn * tk) / smFlopsPerSec;
    const colTiles = Math.ceil(n / tn);
    const numTiles = Math.ceil(m / tm) * colTiles;
    const sliceSec = (tn * tk * dtypeBytes) / gpu.smBandwidthBytesPerSec; // one SM streaming one k-slice
    let memorySec = (numTiles * kIters * (tm + tn) * tk * dtypeBytes) / gpu.l2BandwidthBytesPerSec;
    let computeSec: number;
    let chipSec: number;
    let smSec: number;
    if (j < tiles.m.length) {
      // data-parallel
      computeSec = Math.ceil(numTiles / numSms) * kIters * iterSec;
      chipSec = bytes / chipBw;
      smSec = Math.ceil(colTiles / numSms) * kIters * sliceSec;
    } else {
      // stream-K, with the fp32 fix-up partials
      computeSec = Math.ceil((numTiles * kIters) / numSms) * iterSec;
      chipSec = (bytes + 8 * Math.min(numSms, numTiles) * tm * tn) / chipBw;
      smSec = Math.ceil((colTiles * kIters) / numSms) * sliceSec;
    }
    if (chipSec > memorySec) memorySec = chipSec;
    if (smSec > memorySec) memorySec = smSec;
    comp[j] = computeSec;
    mem[j] = memorySec;
  }
  const factor = tiles.factor;
  let best = 0;
  let bestSec = Infinity;
  for (let j = 0; j < numPlans; j++) {
    // smooth max from the table: hi · (1 + (lo/hi)^p)^(1/p), interpolated (relative error < 1e-6)
    const a = comp[j];
    const b = mem[j];
    const hi = Math.max(a, b);
    if (hi >= bestSec) continue; // the smooth max is never below the hard max
    const x = (Math.min(a, b) / hi) * FACTOR_STEPS;
    const x0 = Math.floor(x);
    const t = hi * (factor[x0] + (x - x0) * (factor[x0 + 1] - factor[x0]));
    if (t < bestSec) {
      bestSec = t;
      best = j;
    }
  }
  const i = best < tiles.m.length ? best : best - tiles.m.length;
  out.timeSec = bestSec;
  out.computeSec = comp[best];
  out.memorySec = mem[best];
  out.tileM = tiles.m[i];
  out.tileN = tiles.n[i];
  out.streamK = best >= tiles.m.length;
  return out;
}
