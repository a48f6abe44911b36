import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { CsvTable, type CsvRow } from "../core/csv.ts";
import { UserError } from "../core/errors.ts";
import { VIDUR_OPS, type VidurComputeFile, type VidurComputeRow, type VidurOp } from "../systems/validate-vidur.ts";
import type { VidurNetworkFile } from "../systems/fit-vidur-collectives.ts";
import { forEachCsvFileRecord } from "./csv-file.ts";

/**
 * Reading a folder laid out as Vidur's data/profiling/ (microsoft/vidur): compute/<sku>/<org>/<model>/mlp.csv
 * and network/<node>/all_reduce.csv. Other files (attention.csv, other collectives) are not read. Times in the
 * files are milliseconds; the rows returned hold seconds.
 */

/** The copy shipped with papi (data/measurements/vidur-profiles/, MIT licence, see data/README.md). */
export const SHIPPED_VIDUR_PROFILES = fileURLToPath(new URL("../../data/measurements/vidur-profiles", import.meta.url));

const MS = 1e-3;
const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const subdirs = (p: string) => (isDir(p) ? readdirSync(p).filter((n) => isDir(join(p, n))).sort() : []);

/** Whether `dir` is laid out as Vidur's data/profiling/ (has a compute/ or network/ folder). */
export function isVidurLayout(dir: string): boolean {
  return isDir(join(dir, "compute")) || isDir(join(dir, "network"));
}

function readTable(path: string, label: string, required: readonly string[]): { header: string[]; rows: CsvRow[] } {
  const table = new CsvTable(label, required);
  const rows: CsvRow[] = [];
  let sawHeader = false;
  forEachCsvFileRecord(path, label, (fields, line) => {
    sawHeader = true;
    const r = table.record(fields, line);
    if (r) rows.push(r);
  });
  if (!sawHeader) table.record([""], 1);
  return { header: table.header, rows };
}

const SHAPE_COLUMNS = ["n_head", "n_kv_head", "n_embd", "n_expanded_embd", "vocab_size", "use_gated_mlp", "num_tokens", "num_tensor_parallel_workers"];

function readComputeFile(dir: string, sku: string, org: string, model: string): VidurComputeFile {
  const rel = `compute/${sku}/${org}/${model}/mlp.csv`;
  const { header, rows } = readTable(join(dir, rel), rel, SHAPE_COLUMNS);
  const opCols = header.filter((c) => c.startsWith("time_stats.") && c.endsWith(".median")).map((c) => c.slice("time_stats.".length, -".median".length));
  const priced = opCols.filter((op): op is VidurOp => (VIDUR_OPS as readonly string[]).includes(op));
  const unpricedOps = opCols.filter((op) => !(VIDUR_OPS as readonly string[]).includes(op));
  const out: VidurComputeRow[] = rows.map((r) => {
    const int = (c: string) => r.num(c, { min: 1, integer: true });
    const gated = r.get("use_gated_mlp");
    if (gated !== "True" && gated !== "False") throw new UserError(`${rel}:${r.line}: column "use_gated_mlp" must be True or False, got "${gated}"`);
    const shape = { numHeads: int("n_head"), numKvHeads: int("n_kv_head"), hiddenSize: int("n_embd"), ffnSize: int("n_expanded_embd"), vocabSize: int("vocab_size"), gatedMlp: gated === "True" };
    if (shape.hiddenSize % shape.numHeads !== 0) throw new UserError(`${rel}:${r.line}: n_embd (${shape.hiddenSize}) must be a multiple of n_head (${shape.numHeads})`);
    const measuredSec: Partial<Record<VidurOp, number>> = {};
    for (const op of priced) {
      const col = `time_stats.${op}.median`;
      if (r.get(col) === "") continue; // the operation did not run for this model (pandas writes an empty cell)
      measuredSec[op] = r.num(col, { min: Number.MIN_VALUE }) * MS;
    }
    return { line: r.line, numTokens: int("num_tokens"), tensorParallel: int("num_tensor_parallel_workers"), shape, measuredSec };
  });
  return { path: rel, sku, model: `${org}/${model}`, rows: out, unpricedOps };
}

function readNetworkFile(dir: string, node: string): VidurNetworkFile {
  const rel = `network/${node}/all_reduce.csv`;
  const { rows } = readTable(join(dir, rel), rel, ["time_stats.all_reduce.median", "num_workers", "size", "devices_per_node", "collective"]);
  return {
    path: rel,
    node,
    rows: rows.map((r) => {
      const collective = r.get("collective");
      if (collective !== "all_reduce") throw new UserError(`${rel}:${r.line}: column "collective" must be all_reduce, got "${collective}"`);
      return {
        line: r.line,
        numWorkers: r.num("num_workers", { min: 1, integer: true }),
        devicesPerNode: r.num("devices_per_node", { min: 1, integer: true }),
        bytes: r.num("size", { min: 0 }),
        measuredSec: r.num("time_stats.all_reduce.median", { min: Number.MIN_VALUE }) * MS,
      };
    }),
  };
}

export interface VidurMeasurements {
  dir: string;
  compute: VidurComputeFile[];
  network: VidurNetworkFile[];
}

/** Reads every compute/<sku>/<org>/<model>/mlp.csv and network/<node>/all_reduce.csv under `dir`, in sorted order. */
export function loadVidurMeasurements(dir: string): VidurMeasurements {
  if (dir.trim() === "") throw new UserError(`--measurements ${JSON.stringify(dir)}: the path is empty; give a folder name`);
  if (!isDir(dir)) throw new UserError(`--measurements: folder not found: ${dir}`);
  const compute: VidurComputeFile[] = [];
  for (const sku of subdirs(join(dir, "compute"))) {
    for (const org of subdirs(join(dir, "compute", sku))) {
      for (const model of subdirs(join(dir, "compute", sku, org))) {
        if (existsSync(join(dir, "compute", sku, org, model, "mlp.csv"))) compute.push(readComputeFile(dir, sku, org, model));
      }
    }
  }
  const network = subdirs(join(dir, "network"))
    .filter((node) => existsSync(join(dir, "network", node, "all_reduce.csv")))
    .map((node) => readNetworkFile(dir, node));
  if (compute.length + network.length === 0) {
    throw new UserError(`${dir}: no compute/<sku>/<org>/<model>/mlp.csv nor network/<node>/all_reduce.csv (a folder laid out as Vidur's data/profiling/)`);
  }
  return { dir, compute, network };
}
