import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { fitVidur, GPU_VIDUR_FIT_PARAMETERS, type VidurFit, type VidurFitKey } from "./fit-vidur.ts";
import { evaluateVidurFile, type VidurComputeFile, type VidurFileValidation } from "./validate-vidur.ts";

/**
 * Out-of-sample checks of the Vidur fit (fit-vidur.ts): per GPU (SKU), fit on all models but one and predict that
 * one, which the fit never saw. A SKU profiled on one model only has no held-out model; for it, the parameters
 * fitted on another SKU's rows are carried over (its own peak FLOPs, bandwidth, SM count and, where `fixed` keeps
 * them, L2 bandwidth) and its rows predicted: a check across GPUs.
 */

/**
 * Fields kept at the preset's value, per SKU. A100: the L2 bandwidth is a whitepaper figure (5,120 B/clk x 1.41
 * GHz). H100: computeEfficiency is not identifiable from its profiles (with the L2 feed and the roofline sharpness
 * free, the objective changes by < 0.1 % between 0.81 and 0.95, the grid's top), so it keeps the H200 fit's value
 * (the same Hopper SM, bounded there by a measured 8192^3 GEMM).
 */
export const VIDUR_FIXED_FIELDS: Readonly<Record<string, readonly VidurFitKey[]>> = Object.freeze({ a100: ["l2BandwidthBytesPerSec"], h100: ["computeEfficiency"] });

export interface VidurFold {
  sku: string;
  /** "model": fitted on the SKU's other models; "gpu": fitted on another SKU's rows, carried over */
  kind: "model" | "gpu";
  fitOn: string[];
  predict: string[];
  parameters: Record<string, number | boolean>;
  objective: number;
  inSample: VidurFileValidation[];
  heldOut: VidurFileValidation[];
}

const fitted = (fit: VidurFit, fixed: readonly VidurFitKey[]) =>
  Object.fromEntries(GPU_VIDUR_FIT_PARAMETERS.filter((p) => !fixed.includes(p.key)).map((p) => [p.key, fit.spec[p.key]]));

/** Leave-one-model-out folds of one SKU's files (>= 2 models); `base` is the SKU's preset. */
export function vidurModelFolds(base: GpuSpec, files: readonly VidurComputeFile[]): VidurFold[] {
  const fixed = VIDUR_FIXED_FIELDS[files[0].sku] ?? [];
  return files.map((held) => {
    const fitFiles = files.filter((f) => f !== held);
    const fit = fitVidur(base, fitFiles, fixed);
    return {
      sku: held.sku,
      kind: "model" as const,
      fitOn: fitFiles.map((f) => f.path),
      predict: [held.path],
      parameters: fitted(fit, fixed),
      objective: fit.objective,
      inSample: fitFiles.map((f) => evaluateVidurFile(fit.spec, f).summary),
      heldOut: [evaluateVidurFile(fit.spec, held).summary],
    };
  });
}

/** Fit on `source` files (with `sourceBase`, the source SKU's preset) and predict `target` files on `targetBase`. */
export function vidurGpuTransfer(sourceBase: GpuSpec, source: readonly VidurComputeFile[], targetBase: GpuSpec, target: readonly VidurComputeFile[]): VidurFold {
  const fixed = VIDUR_FIXED_FIELDS[source[0].sku] ?? [];
  const fit = fitVidur(sourceBase, source, fixed);
  const params = fitted(fit, fixed);
  const carried = { ...targetBase, ...params } as GpuSpec;
  return {
    sku: target[0].sku,
    kind: "gpu",
    fitOn: source.map((f) => f.path),
    predict: target.map((f) => f.path),
    parameters: params,
    objective: fit.objective,
    inSample: source.map((f) => evaluateVidurFile(fit.spec, f).summary),
    heldOut: target.map((f) => evaluateVidurFile(carried, f).summary),
  };
}

/**
 * Every out-of-sample check the files allow: leave-one-model-out within each SKU that has >= 2 models, and for
 * each SKU with one model, a transfer from every SKU with >= 2 models. `presetFor` maps a SKU to its preset.
 */
export function vidurHeldOut(files: readonly VidurComputeFile[], presetFor: (sku: string) => GpuSpec): VidurFold[] {
  const bySku = new Map<string, VidurComputeFile[]>();
  for (const f of files) bySku.set(f.sku, [...(bySku.get(f.sku) ?? []), f]);
  const skus = [...bySku.keys()].sort();
  const folds: VidurFold[] = [];
  for (const sku of skus) {
    const own = bySku.get(sku)!;
    if (own.length >= 2) {
      folds.push(...vidurModelFolds(presetFor(sku), own));
      continue;
    }
    for (const src of skus.filter((s) => s !== sku && bySku.get(s)!.length >= 2)) {
      folds.push(vidurGpuTransfer(presetFor(src), bySku.get(src)!, presetFor(sku), own));
    }
  }
  return folds;
}
