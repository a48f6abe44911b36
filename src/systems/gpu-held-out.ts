import { UserError } from "../core/errors.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import {
  type GemmCeiling,
  type GpuFit,
  type GpuFitKey,
  type MeasurementFile,
  GPU_FIT_PARAMETERS,
  fitGpu,
  measuredModels,
  selectModels,
} from "./fit-gpu.ts";
import { type ErrStats, type GpuMeasurements, type ValidationRow, evaluateGpu } from "./validate-gpu.ts";

/**
 * Out-of-sample validation of the GPU fit: fit the preset's parameters on some models' rows
 * (src/systems/fit-gpu.ts) and predict the other models' rows, which the fit never saw.
 */

/** Error statistics per measurement file; null where the rows in question have none of that file. */
export type FileErrStats = Record<MeasurementFile, ErrStats | null>;

export interface GpuHeldOutFold {
  fitModels: string[];
  heldOutModels: string[];
  fit: GpuFit;
  /** Fitted parameters that no fit row depends on (no rows of their files): they kept their start value. */
  notConstrained: GpuFitKey[];
  /** Errors on the rows the fit used. */
  inSample: FileErrStats;
  /** Errors on the held-out models' rows. */
  heldOut: FileErrStats;
  /** The held-out rows, predicted with the fitted spec. */
  heldOutRows: ValidationRow[];
}

const FILES: readonly MeasurementFile[] = ["fc", "attn", "layer"];

const statsOf = (data: GpuMeasurements, spec: GpuSpec): { stats: FileErrStats; rows: ValidationRow[] } => {
  const v = evaluateGpu(spec, data);
  const stats = Object.fromEntries(FILES.map((f) => [f, data[f].length > 0 ? v[f] : null])) as FileErrStats;
  return { stats, rows: v.rows };
};

/** Fits on the rows of `fitModels` and evaluates on the rows of every other model in `data`. */
export function fitAndHoldOut(base: GpuSpec, data: GpuMeasurements, fitModels: readonly string[], ceiling: GemmCeiling): GpuHeldOutFold {
  const known = measuredModels(data);
  for (const m of fitModels) {
    if (!known.includes(m)) throw new UserError(`--fit-models: no measurements of "${m}"; measured: ${known.join(", ")}`);
  }
  const heldOutModels = known.filter((m) => !fitModels.includes(m));
  if (fitModels.length === 0 || heldOutModels.length === 0) {
    throw new UserError(`--fit-models: give between 1 and ${known.length - 1} of the measured models (${known.join(", ")}) so some are held out`);
  }
  const fitData = selectModels(data, fitModels);
  const heldOutData = selectModels(data, fitModels, false);
  const fit = fitGpu(base, fitData, ceiling);
  const notConstrained = GPU_FIT_PARAMETERS.filter((p) => p.files.every((f) => fitData[f].length === 0)).map((p) => p.key);
  const held = statsOf(heldOutData, fit.spec);
  return {
    fitModels: [...fitModels].sort(),
    heldOutModels,
    fit,
    notConstrained,
    inSample: statsOf(fitData, fit.spec).stats,
    heldOut: held.stats,
    heldOutRows: held.rows,
  };
}

/** One fold per measured model: fit on all the others, predict it. Needs measurements of >= 2 models. */
export function leaveOneModelOut(base: GpuSpec, data: GpuMeasurements, ceiling: GemmCeiling): GpuHeldOutFold[] {
  const models = measuredModels(data);
  if (models.length < 2) {
    throw new UserError(`--leave-one-model-out needs measurements of at least 2 models; found ${models.length} (${models.join(", ")})`);
  }
  return models.map((heldOut) => fitAndHoldOut(base, data, models.filter((m) => m !== heldOut), ceiling));
}
