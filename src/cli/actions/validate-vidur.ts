import { UserError } from "../../core/errors.ts";
import { GPU_PRESETS, resolveGpu } from "../../hardware/gpu/presets.ts";
import type { GpuSpec } from "../../hardware/gpu/schema.ts";
import { LINK_PRESETS } from "../../hardware/links/presets.ts";
import { COLLECTIVE_PRESETS } from "../../fabric/collective-spec.ts";
import type { ErrStats } from "../../systems/error-stats.ts";
import { collectiveErrors, fitEveryCollective, intraNodeRows, VIDUR_NODE_LINKS, type CollectiveErrors, type VidurNetworkFile } from "../../systems/fit-vidur-collectives.ts";
import { evaluateVidurFile, VIDUR_OPS, VIDUR_SKU_PRESETS, type VidurComputeFile, type VidurFileValidation, type VidurOpRow } from "../../systems/validate-vidur.ts";
import { fitVidur, GPU_VIDUR_FIT_PARAMETERS } from "../../systems/fit-vidur.ts";
import { VIDUR_FIXED_FIELDS, vidurHeldOut, type VidurFold } from "../../systems/vidur-held-out.ts";
import { formatTable } from "../io.ts";

/** Text and JSON views of `papi validate gpu` on Vidur profiles and of `papi validate collectives`. */

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const us = (s: number) => `${(s * 1e6).toFixed(1)} us`;
const cells = (s: ErrStats | undefined) => (s === undefined || s.rows === 0 ? ["0", "n/a", "n/a"] : [String(s.rows), pct(s.medianAbsRelErr), pct(s.maxAbsRelErr)]);

/** The GPU of a SKU folder: `--gpu` when given, else the mapped preset; a one-line error for an unknown SKU. */
export function gpuForSku(sku: string, override?: string): GpuSpec {
  if (override !== undefined) return resolveGpu(override, undefined, "--gpu");
  const name = VIDUR_SKU_PRESETS[sku];
  if (name === undefined) {
    throw new UserError(`compute/${sku}: Vidur SKU "${sku}" maps to no GPU preset (known: ${Object.keys(VIDUR_SKU_PRESETS).join(", ")}); pass --gpu (${Object.keys(GPU_PRESETS).join(", ")})`);
  }
  return GPU_PRESETS[name];
}

export interface VidurGpuReport {
  files: VidurFileValidation[];
  rows: VidurOpRow[];
}

export function validateVidurGpu(files: readonly VidurComputeFile[], gpuOverride?: string): VidurGpuReport {
  if (files.length === 0) throw new UserError("--measurements: no compute/<sku>/<org>/<model>/mlp.csv to validate");
  const out: VidurGpuReport = { files: [], rows: [] };
  for (const f of files) {
    const v = evaluateVidurFile(gpuForSku(f.sku, gpuOverride), f);
    out.files.push(v.summary);
    out.rows.push(...v.rows);
  }
  return out;
}

const fileRow = (v: VidurFileValidation) => [v.path, v.gpu, ...cells(v.all), ...cells(v.layer).slice(1), ...cells(v.layerSum)];
const FILE_HEADER = ["file", "gpu", "op rows", "median", "max", "layer ops median", "max", "layer sums", "median", "max"];

function opTable(files: readonly VidurFileValidation[]): string {
  const header = ["operation", ...files.flatMap((f) => [`${f.sku} ${f.model.split("/").pop()} median`, "max"])];
  const rows = VIDUR_OPS.map((op) => [op, ...files.flatMap((f) => cells(f.perOp[op]).slice(1))]);
  return formatTable(header, rows);
}

export function formatVidurGpu(r: VidurGpuReport, dir: string, numWorst = 8): string {
  let s =
    `GPU model vs Vidur's profiles in ${dir}\n` +
    `(median GPU time of each operation; launch mode "graph": the profiles sum kernel durations, no host dispatch;\n` +
    ` "layer ops" = the 8 operations of papi's decoder layer, "layer sums" = their sum per row)\n`;
  s += formatTable(FILE_HEADER, r.files.map(fileRow));
  s += "per operation (median / max |relative error|):\n" + opTable(r.files);
  for (const f of r.files) if (f.unpricedOps.length > 0) s += `${f.path}: not priced: ${f.unpricedOps.join(", ")}\n`;
  const worst = [...r.rows].sort((a, b) => Math.abs(b.relErr) - Math.abs(a.relErr)).slice(0, numWorst);
  s += "worst rows:\n";
  return s + formatTable(["row", "operation", "tokens", "TP", "measured", "predicted", "error"], worst.map((w) => [`${w.file}:${w.line}`, w.op, String(w.numTokens), String(w.tensorParallel), us(w.measuredSec), us(w.predictedSec), pct(w.relErr)]));
}

export const vidurGpuJson = (r: VidurGpuReport) => ({ files: r.files });

export function runVidurHeldOut(files: readonly VidurComputeFile[], gpuOverride?: string): VidurFold[] {
  if (files.length === 0) throw new UserError("--measurements: no compute/<sku>/<org>/<model>/mlp.csv to validate");
  const folds = vidurHeldOut(files, (sku) => gpuForSku(sku, gpuOverride));
  if (folds.length === 0) throw new UserError("--leave-one-model-out needs a GPU profiled on at least 2 models (a Vidur compute/<sku>/ with 2 model folders)");
  return folds;
}

const formatParam = (k: string, v: number | boolean) =>
  typeof v === "boolean" ? String(v) : k.endsWith("BytesPerSec") ? (v >= 1e12 ? `${Number((v / 1e12).toPrecision(6))} TB/s` : `${Number((v / 1e9).toPrecision(6))} GB/s`) : k.endsWith("Sec") ? `${Number((v * 1e6).toPrecision(6))} us` : String(v);

export function formatVidurFold(f: VidurFold): string {
  const what = f.kind === "model" ? "leave one model out" : "carried over to another GPU";
  let s = `${f.sku}: ${what}: fit on ${f.fitOn.join(", ")}; predict ${f.predict.join(", ")}\n`;
  s += "  fitted: " + Object.entries(f.parameters).map(([k, v]) => `${k} ${formatParam(k, v)}`).join(", ") + "\n";
  s += formatTable(["", ...FILE_HEADER], [...f.inSample.map((v) => ["fit", ...fileRow(v)]), ...f.heldOut.map((v) => ["held out", ...fileRow(v)])]);
  return s + "held-out per operation:\n" + opTable(f.heldOut);
}

// ---- collectives ----------------------------------------------------------------------------------------------

export interface CollectiveNodeReport {
  path: string;
  node: string;
  link: string;
  intraNodeRows: number;
  crossNodeRows: number;
  /** every algorithm fitted on this node's rows, best first */
  fits: { algorithm: string; spec: object; objective: number; errors: CollectiveErrors }[];
  /** each preset as it stands */
  presets: Record<string, CollectiveErrors>;
  /** the best fit of every other node, applied here on this node's link */
  heldOut: { fitOn: string; algorithm: string; spec: object; errors: CollectiveErrors }[];
}

export function validateVidurCollectives(files: readonly VidurNetworkFile[]): CollectiveNodeReport[] {
  if (files.length === 0) throw new UserError("--measurements: no network/<node>/all_reduce.csv to validate");
  const linkOf = (node: string) => {
    const name = VIDUR_NODE_LINKS[node];
    if (name === undefined) throw new UserError(`network/${node}: Vidur node "${node}" maps to no link preset (known: ${Object.keys(VIDUR_NODE_LINKS).join(", ")})`);
    return { name, link: LINK_PRESETS[name] };
  };
  const best = new Map(files.map((f) => [f.node, fitEveryCollective(linkOf(f.node).link, intraNodeRows(f))[0]]));
  return files.map((f) => {
    const { name, link } = linkOf(f.node);
    const rows = intraNodeRows(f);
    return {
      path: f.path,
      node: f.node,
      link: name,
      intraNodeRows: rows.length,
      crossNodeRows: f.rows.filter((r) => r.devicesPerNode < r.numWorkers).length,
      fits: fitEveryCollective(link, rows).map((x) => ({ algorithm: x.algorithm, spec: x.spec, objective: x.objective, errors: collectiveErrors(x.spec, link, rows) })),
      presets: Object.fromEntries(Object.entries(COLLECTIVE_PRESETS).map(([k, p]) => [k, collectiveErrors(p.spec, link, rows)])),
      heldOut: files
        .filter((g) => g.node !== f.node)
        .map((g) => {
          const b = best.get(g.node)!;
          return { fitOn: g.path, algorithm: b.algorithm, spec: b.spec, errors: collectiveErrors(b.spec, link, rows) };
        }),
    };
  });
}

const specText = (spec: object) =>
  Object.entries(spec)
    .map(([k, v]) => (k === "algorithm" ? String(v) : `${k} ${typeof v === "number" ? (k.endsWith("Sec") ? `${(v * 1e6).toFixed(2)} us` : v.toFixed(3)) : String(v)}`))
    .join(", ");
const pair = (s: ErrStats) => `${pct(s.medianAbsRelErr)} / ${pct(s.maxAbsRelErr)}`;
const errCells = (e: CollectiveErrors) => [
  ...cells(e.all),
  Object.entries(e.bySize).map(([k, v]) => `${k}: ${pair(v)}`).join("; "),
  Object.entries(e.byWorkers).map(([n, v]) => `${n}: ${pair(v)}`).join("; "),
];

export function formatCollectives(nodes: readonly CollectiveNodeReport[], dir: string): string {
  let s = `Collective models vs NCCL all-reduce kernel times in ${dir} (Vidur: eager calls, CUDA graphs disabled; rows within one node)\n`;
  for (const n of nodes) {
    s += `\n${n.path}: ${n.intraNodeRows} rows within one node on ${n.link}` + (n.crossNodeRows > 0 ? ` (${n.crossNodeRows} rows spanning nodes left out: network, not modeled)` : "") + "\n";
    const header = ["", "rows", "median", "max", "by size: median / max", "by GPUs"];
    s += "fitted on this node (best first):\n" + formatTable(["algorithm", "fitted", ...header.slice(1)], n.fits.map((x) => [x.algorithm, specText(x.spec), ...errCells(x.errors)]));
    s += "presets as they stand:\n" + formatTable(["preset", ...header.slice(1)], Object.entries(n.presets).map(([k, e]) => [k, ...errCells(e)]));
    if (n.heldOut.length > 0) s += "held out (fitted on another node, this node's link):\n" + formatTable(["fitted on", "algorithm", ...header.slice(1)], n.heldOut.map((h) => [h.fitOn, specText(h.spec), ...errCells(h.errors)]));
  }
  return s;
}

export interface VidurRefit {
  sku: string;
  preset: string;
  fixed: string[];
  objective: number;
  /** fitted value and the preset's, per fitted parameter */
  parameters: Record<string, { fitted: number | boolean; preset: number | boolean }>;
  files: VidurFileValidation[];
}

/** Refits each SKU's preset on all its rows (how the shipped a100-80gb / h100-sxm values were obtained). */
export function refitVidur(files: readonly VidurComputeFile[], gpuOverride?: string): VidurRefit[] {
  if (files.length === 0) throw new UserError("--measurements: no compute/<sku>/<org>/<model>/mlp.csv to fit");
  const skus = [...new Set(files.map((f) => f.sku))].sort();
  return skus.map((sku) => {
    const own = files.filter((f) => f.sku === sku);
    const base = gpuForSku(sku, gpuOverride);
    const fixed = VIDUR_FIXED_FIELDS[sku] ?? [];
    const fit = fitVidur(base, own, fixed);
    const keys = GPU_VIDUR_FIT_PARAMETERS.map((p) => p.key).filter((k) => !fixed.includes(k));
    return {
      sku,
      preset: base.name,
      fixed: [...fixed],
      objective: fit.objective,
      parameters: Object.fromEntries(keys.map((k) => [k, { fitted: fit.spec[k], preset: base[k] }])),
      files: own.map((f) => evaluateVidurFile(fit.spec, f).summary),
    };
  });
}

export function formatVidurRefit(r: VidurRefit): string {
  let s = `${r.sku} (${r.preset}): fitted on ${r.files.map((f) => f.path).join(", ")}` + (r.fixed.length > 0 ? `; kept at the preset: ${r.fixed.join(", ")}` : "") + "\n";
  s += formatTable(["parameter", "fitted", "preset"], Object.entries(r.parameters).map(([k, v]) => [k, formatParam(k, v.fitted), formatParam(k, v.preset)]));
  return s + formatTable(FILE_HEADER, r.files.map(fileRow));
}
