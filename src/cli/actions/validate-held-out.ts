import { join } from "node:path";
import { readDataFile } from "../../node/read-data-file.ts";
import type { GpuSpec } from "../../hardware/gpu/schema.ts";
import { type GemmCeiling, GPU_FIT_PARAMETERS, type GpuFitKey, gemmCeilingFromMeta } from "../../systems/fit-gpu.ts";
import type { FileErrStats, GpuHeldOutFold } from "../../systems/gpu-held-out.ts";
import { formatTable } from "../io.ts";

/** Text and JSON views of held-out GPU fits (papi validate gpu --leave-one-model-out, scripts/calibrate-h200.ts). */

/** The measured-GEMM ceiling the fit respects, from `<dir>/meta.json`. */
export function readGemmCeiling(dir: string): GemmCeiling {
  const path = join(dir, "meta.json");
  return gemmCeilingFromMeta(readDataFile(path), path);
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const sig = (x: number) => String(Number(x.toPrecision(6)));

/** A fitted value with its unit: GB/s, µs or a plain number. */
export function formatFitValue(key: GpuFitKey | "attentionGraphOverheadSec", value: number | boolean): string {
  if (typeof value === "boolean") return String(value);
  if (key.endsWith("BytesPerSec")) return value >= 1e12 ? `${sig(value / 1e12)} TB/s` : `${sig(value / 1e9)} GB/s`;
  if (key.endsWith("Sec")) return `${sig(value * 1e6)} us`;
  return sig(value);
}

/** The fitted parameters of a fold, plus attentionGraphOverheadSec which follows graphKernelOverheadSec. */
export function fittedParameters(fold: GpuHeldOutFold): Record<string, number | boolean> {
  const s = fold.fit.spec;
  return { ...Object.fromEntries(GPU_FIT_PARAMETERS.map((p) => [p.key, s[p.key]])), attentionGraphOverheadSec: s.attentionGraphOverheadSec };
}

export function heldOutFoldJson(fold: GpuHeldOutFold): Record<string, unknown> {
  return {
    fitModels: fold.fitModels,
    heldOutModels: fold.heldOutModels,
    parameters: fittedParameters(fold),
    notConstrained: fold.notConstrained,
    objective: fold.fit.objective,
    inSample: fold.inSample,
    heldOut: fold.heldOut,
  };
}

const statCells = (s: ErrLike) => (s === null ? ["0", "n/a", "n/a"] : [String(s.rows), pct(s.medianAbsRelErr), pct(s.maxAbsRelErr)]);
type ErrLike = FileErrStats[keyof FileErrStats];

/** Parameters (fitted vs `preset`), per-file errors in and out of sample, and the worst held-out rows. */
export function formatHeldOutFold(fold: GpuHeldOutFold, preset: GpuSpec, numWorst = 5): string {
  let out = `fit on ${fold.fitModels.join(", ")}; predict ${fold.heldOutModels.join(", ")} (never seen by the fit)\n`;
  const params = GPU_FIT_PARAMETERS.map((p) => [
    p.key,
    formatFitValue(p.key, fold.fit.spec[p.key]) + (fold.notConstrained.includes(p.key) ? " (no fit rows: start value)" : ""),
    formatFitValue(p.key, preset[p.key]),
  ]);
  const graph = "attentionGraphOverheadSec";
  params.push([`${graph} (2 x graph)`, formatFitValue(graph, fold.fit.spec[graph]), formatFitValue(graph, preset[graph])]);
  out += formatTable(["parameter", "fitted", `${preset.name} preset`], params);
  const files = (["fc", "attn", "layer"] as const).map((f) => [`${f}.csv`, ...statCells(fold.inSample[f]), ...statCells(fold.heldOut[f])]);
  out += formatTable(["file", "fit rows", "fit median", "fit max", "held-out rows", "held-out median", "held-out max"], files);
  const worst = [...fold.heldOutRows].sort((a, b) => Math.abs(b.relErr) - Math.abs(a.relErr)).slice(0, numWorst);
  out += "worst held-out rows:\n";
  const w = worst.map((r) => [`${r.file}.csv:${r.line}`, r.label, `${(r.measuredSec * 1e6).toFixed(1)} us`, `${(r.predictedSec * 1e6).toFixed(1)} us`, pct(r.relErr)]);
  return out + formatTable(["row", "what", "measured", "predicted", "error"], w);
}
