import { roleDevices } from "../systems/devices.ts";
import { UserError } from "../core/errors.ts";
import { nearest } from "../core/merge.ts";
import type { RunResult } from "../serving/run.ts";
import { pimDieAreaMm2, systemHbmAreaMm2 } from "./constraints/area.ts";
import { powerChecks } from "./constraints/power.ts";
import type { PointState } from "./point-state.ts";

/** A table cell: numbers stay numbers; structured swept values are written as JSON text. */
export type Cell = string | number | boolean | null;

/** Numeric fields of a run's result (`papi run --json`), by dotted path; each can be a metric column. */
const P = ["mean", "p50", "p90", "p99"];
export const RUN_METRICS: readonly string[] = [
  "latencySec", "energyJoules", "generatedTokens", "tokensPerSec", "tokensPerJoule", "numRequests", "alpha",
  "prefillSec", "prefillJoules", "attentionLinkBandwidthSec", "idleSec", "decodeSec", "iterations", "fcOnGpuIterations",
  "fcOnPimIterations", "fcSwitches", "decodeStepSecMean", "kvLimitedAdmissions",
  ...["fc", "attention", "communication", "other"].flatMap((k) => [`breakdownSec.${k}`, `perTokenSec.${k}`]),
  ...["fc", "attention", "communication", "other", "prefill", "static"].map((k) => `breakdownJoules.${k}`),
  ...P.flatMap((k) => [`ttftSec.${k}`, `tpotSec.${k}`]),
  "requestsPerSec", "preemptions", "serving.recomputedTokens", "serving.swapSec", "serving.kvTransferSec", "serving.kvTransferJoules",
  "serving.utilization.decode", "serving.utilization.prefill",
  ...["ttftAttainment", "tpotAttainment", "attainment", "goodputRequestsPerSec"].map((k) => `slo.${k}`),
];

/**
 * Metrics computed from the point's configuration (before, or without, running it): available for infeasible
 * points too where the design resolves (areas of area-infeasible designs come from the design with its limit lifted).
 */
export const POINT_METRICS: Readonly<Record<string, { description: string; of: (p: PointState, power: PowerOptions) => number | null }>> = {
  areaMm2: {
    description: "DRAM-die area of all HBM stacks by the paper's area rule, mm2 (sum of dies x banks x (FPUs per bank x A_FPU + A_bank))",
    of: (p) => {
      const s = p.relaxedSpec();
      return s ? systemHbmAreaMm2(s) : null;
    },
  },
  fcPimDieAreaMm2: {
    description: "area one FC-PIM die uses by the area rule, mm2",
    of: (p) => {
      const s = p.relaxedSpec();
      const d = s ? roleDevices(s).fcPim : null;
      return d ? pimDieAreaMm2(d) : null;
    },
  },
  attnPimDieAreaMm2: {
    description: "area one attention-PIM die uses by the area rule, mm2",
    of: (p) => {
      const s = p.relaxedSpec();
      const d = s ? roleDevices(s).attnPim : null;
      return d ? pimDieAreaMm2(d) : null;
    },
  },
  fcPimPowerWatts: {
    description: "FC-PIM per-stack power the power constraint checks (its mode; empty when FC never runs on FC-PIM)",
    of: (p, power) => powerOf(p, power, "FC-PIM", "watts"),
  },
  fcPimReuse: { description: "weight reuse (RLP x TLP) of that FC-PIM power", of: (p, power) => powerOf(p, power, "FC-PIM", "reuse") },
  attnPimPowerWatts: { description: "attention-PIM per-stack power the power constraint checks", of: (p, power) => powerOf(p, power, "attention PIM", "watts") },
  attnPimReuse: { description: "reuse (TLP x GQA group) of that attention-PIM power", of: (p, power) => powerOf(p, power, "attention PIM", "reuse") },
};

/** Options of the power metrics: the power constraint's, when the spec enables it. */
export type PowerOptions = Parameters<typeof powerChecks>[1];

function powerOf(p: PointState, power: PowerOptions, unit: "FC-PIM" | "attention PIM", field: "watts" | "reuse"): number | null {
  if ("error" in p.specOrError()) return null;
  try {
    return powerChecks(p, power).find((c) => c.unit === unit)?.[field] ?? null;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return null; // the context does not build (weights do not fit)
  }
}

export const DEFAULT_METRICS: readonly string[] = ["latencySec", "energyJoules", "tokensPerSec", "tokensPerJoule", "iterations", "fcOnGpuIterations", "alpha", "areaMm2"];

export const METRIC_NAMES: readonly string[] = [...RUN_METRICS, ...Object.keys(POINT_METRICS)];

/** Checks metric names before anything runs (unknown names: the nearest known one). */
export function checkMetrics(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (!METRIC_NAMES.includes(n)) {
      const near = nearest(n, METRIC_NAMES);
      throw new UserError(`metrics: unknown metric "${n}"${near ? ` (did you mean "${near}"?)` : ""}; metrics are numeric fields of \`papi run --json\` (e.g. breakdownSec.fc) or ${Object.keys(POINT_METRICS).join(", ")}`);
    }
    if (seen.has(n)) throw new UserError(`metrics: "${n}" is listed twice`);
    seen.add(n);
  }
}

/** The value of a run metric in a result (null for a missing or non-finite value: alpha of a fixed mapping). */
export function runMetric(r: RunResult, path: string): number | null {
  let v: unknown = r;
  for (const k of path.split(".")) v = v === null || typeof v !== "object" ? undefined : (v as Record<string, unknown>)[k];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
