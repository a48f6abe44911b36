import { UserError } from "../core/errors.ts";
import type { LinkSpec } from "../hardware/links/schema.ts";
import { COLLECTIVE_ALGORITHMS, COLLECTIVE_ALGORITHM_NAMES, type CollectiveAlgorithmName } from "../fabric/collectives/index.ts";
import { type CollectiveSpec, collectiveSpecCost } from "../fabric/collective-spec.ts";
import { errStats, type ErrStats } from "./error-stats.ts";

/**
 * Collective models against Vidur's NCCL all-reduce profiles (network/<node>/all_reduce.csv: the median GPU time
 * of NCCL's all-reduce kernel among num_workers GPUs, `size` bytes of fp16 per GPU, eager calls, CUDA graphs
 * disabled; Vidur's collectives_wrapper.py). Only rows within one node (devices_per_node = num_workers >= 2) are
 * NVLink collectives; rows spanning nodes run over the network, which papi does not model here: they are counted
 * and left out.
 *
 * Fit (fitCollective): for one algorithm, the spec's three regime parameters, callOverheadSec c >= 0,
 * messageLatencySec alpha >= 0 and bandwidthEfficiency eta in (0, 1], by least squares on the relative error.
 * Every registered algorithm's time is affine in the link's latency and in 1 / bandwidth (their contract), so
 * time = c + alpha x hops + (1 / eta) x wire, with hops = its time on a link of latency 1 and infinite bandwidth and
 * wire = its time on a link of zero latency: linear in (c, alpha, 1 / eta). Minimizing sum((pred - t) / t)^2 is a
 * linear least-squares problem; the bounds are met by trying every subset of parameters held at their bound
 * (c = 0, alpha = 0, eta = 1) and keeping the best feasible solution. Closed form, deterministic.
 */

export interface VidurNetworkRow {
  line: number;
  numWorkers: number;
  devicesPerNode: number;
  /** each GPU's buffer */
  bytes: number;
  measuredSec: number;
}

export interface VidurNetworkFile {
  /** path relative to the measurement folder, e.g. network/a100_dgx/all_reduce.csv */
  path: string;
  node: string;
  rows: VidurNetworkRow[];
}

/** Vidur's node folders and the link presets of their GPUs (DGX A100: NVLink 3; DGX H100: NVLink 4). */
export const VIDUR_NODE_LINKS: Readonly<Record<string, string>> = Object.freeze({ a100_dgx: "nvlink3", h100_dgx: "nvlink4" });

/** Rows whose GPUs are all in one node (NVLink), with at least 2 GPUs. */
export function intraNodeRows(file: VidurNetworkFile): VidurNetworkRow[] {
  return file.rows.filter((r) => r.devicesPerNode === r.numWorkers && r.numWorkers >= 2 && r.bytes > 0);
}

export const predictAllReduceSec = (spec: CollectiveSpec, link: LinkSpec, r: VidurNetworkRow): number =>
  collectiveSpecCost(spec, link, "all-reduce", r.bytes, r.numWorkers).timeSec;

export interface CollectiveErrors {
  all: ErrStats;
  /** by message size: below 1 MiB (where the eager kernel times scatter most) and from 1 MiB */
  bySize: Record<string, ErrStats>;
  /** by number of GPUs */
  byWorkers: Record<string, ErrStats>;
}

const MIB = 1 << 20;

export function collectiveErrors(spec: CollectiveSpec, link: LinkSpec, rows: readonly VidurNetworkRow[]): CollectiveErrors {
  const rel = rows.map((r) => ({ n: r.numWorkers, small: r.bytes < MIB, e: (predictAllReduceSec(spec, link, r) - r.measuredSec) / r.measuredSec }));
  const bySize = { "< 1 MiB": errStats(rel.filter((x) => x.small).map((x) => x.e)), ">= 1 MiB": errStats(rel.filter((x) => !x.small).map((x) => x.e)) };
  const byWorkers: Record<string, ErrStats> = {};
  for (const n of [...new Set(rows.map((r) => r.numWorkers))].sort((a, b) => a - b)) {
    byWorkers[String(n)] = errStats(rel.filter((x) => x.n === n).map((x) => x.e));
  }
  return { all: errStats(rel.map((x) => x.e)), bySize, byWorkers };
}

export interface CollectiveFit {
  algorithm: CollectiveAlgorithmName;
  spec: CollectiveSpec;
  /** mean squared relative error of the fit */
  objective: number;
}

/** Solves the small dense system A x = b (Gaussian elimination, partial pivoting); null when singular. */
function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (!(Math.abs(M[p][c]) > 1e-300)) return null;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

/** Fits one algorithm's regime parameters (c, alpha, eta) to the rows on `link` (see the file comment). */
export function fitCollective(algorithm: CollectiveAlgorithmName, link: LinkSpec, rows: readonly VidurNetworkRow[]): CollectiveFit {
  if (rows.length === 0) throw new UserError("collective fit: no all-reduce rows within one node to fit");
  const algo = COLLECTIVE_ALGORITHMS.get(algorithm);
  const hopsLink = { ...link, latencySec: 1, bandwidthBytesPerSec: Infinity };
  const wireLink = { ...link, latencySec: 0 };
  // features per row, scaled by 1 / measured (relative error): [1, hops, wire] / t; target 1
  const X = rows.map((r) => {
    const t = r.measuredSec;
    return [1 / t, algo.cost(hopsLink, "all-reduce", r.bytes, r.numWorkers).timeSec / t, algo.cost(wireLink, "all-reduce", r.bytes, r.numWorkers).timeSec / t];
  });
  const bound = [0, 0, 1]; // c, alpha, 1 / eta
  let best: { x: number[]; obj: number } | undefined;
  for (let mask = 0; mask < 8; mask++) {
    const free = [0, 1, 2].filter((j) => (mask & (1 << j)) === 0);
    const x = bound.slice();
    if (free.length > 0) {
      const A = free.map((i) => free.map((j) => X.reduce((s, row) => s + row[i] * row[j], 0)));
      const b = free.map((i) => X.reduce((s, row) => s + row[i] * (1 - [0, 1, 2].filter((j) => !free.includes(j)).reduce((acc, j) => acc + row[j] * x[j], 0)), 0));
      const sol = solve(A, b);
      if (sol === null) continue;
      free.forEach((j, k) => (x[j] = sol[k]));
      if (x[0] < 0 || x[1] < 0 || x[2] < 1) continue;
    }
    const obj = X.reduce((s, row) => s + (row[0] * x[0] + row[1] * x[1] + row[2] * x[2] - 1) ** 2, 0) / X.length;
    if (best === undefined || obj < best.obj - 1e-15) best = { x, obj };
  }
  // mask 7 (every parameter at its bound) is always feasible, so best is set
  const [c, alpha, gamma] = best!.x;
  return { algorithm, spec: { algorithm, callOverheadSec: c, messageLatencySec: alpha, bandwidthEfficiency: 1 / gamma }, objective: best!.obj };
}

/** Fits of every registered algorithm, best (lowest objective) first; ties keep registry order. */
export function fitEveryCollective(link: LinkSpec, rows: readonly VidurNetworkRow[]): CollectiveFit[] {
  return COLLECTIVE_ALGORITHM_NAMES.map((a) => fitCollective(a, link, rows)).sort((a, b) => a.objective - b.objective);
}
