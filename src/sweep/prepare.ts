import { UserError } from "../core/errors.ts";
import { hashOf, stableJson } from "../core/hash.ts";
import { PAPI_VERSION } from "../core/version.ts";
import { parseRunConfig, runOnce, type InputLoader, type RunResult } from "../serving/run.ts";
import type { RequestSpec } from "../serving/trace.ts";
import { activeConstraints, type ActiveConstraint } from "./constraints/index.ts";
import { pointConfig, pointIdOf, pointRawConfig, pointValues, expand, type Expansion } from "./expand.ts";
import { checkMetrics, DEFAULT_METRICS, POINT_METRICS, runMetric, type Cell, type PowerOptions } from "./metrics.ts";
import { DesignCache } from "./design-cache.ts";
import { PointState } from "./point-state.ts";
import type { SweepSpec } from "./spec.ts";

/** A spec checked and expanded: everything that can fail without running fails here, before any output exists. */
export interface PreparedSweep {
  spec: SweepSpec;
  /** the base run config (the spec's inline base, or the file it names, loaded) */
  base: Record<string, unknown>;
  expansion: Expansion;
  constraints: ActiveConstraint[];
  metrics: string[];
  /** identity of everything that decides the rows: base, axes, constraints, metrics */
  specHash: string;
  /** column order of the table */
  columns: string[];
}

export type SweepRow = Record<string, Cell>;
export const STATUS_COLUMNS = ["status", "reason"] as const;

export function prepareSweep(spec: SweepSpec, base: Record<string, unknown>): PreparedSweep {
  parseRunConfig(base, "base");
  const expansion = expand(spec);
  const constraints = activeConstraints(spec.constraints);
  const metrics = [...(spec.metrics ?? DEFAULT_METRICS)];
  checkMetrics(metrics);
  // Every value of every axis, with the other axes at their first value, must make a valid run config.
  const first = expansion.axes.map(() => 0);
  expansion.axes.forEach((axis, a) => {
    axis.values.forEach((_, step) => {
      const values: Record<string, unknown> = {};
      expansion.axes.forEach((ax, b) => ax.paths.forEach((p, k) => (values[p] = ax.values[b === a ? step : first[b]][k])));
      pointConfig(base, values, 0 /* label only */);
    });
  });
  const identity = {
    base,
    axes: expansion.axes.map((a) => ({ section: a.section, paths: a.paths, values: a.values })),
    constraints: constraints.map((c) => ({ name: c.constraint.name, options: c.options })),
    metrics,
  };
  return {
    spec,
    base,
    expansion,
    constraints,
    metrics,
    specHash: hashOf(identity),
    columns: ["index", "pointId", ...expansion.paths, ...metrics, ...STATUS_COLUMNS],
  };
}

/** A table cell of a swept value: primitives as they are, anything else as stable JSON text. */
export const cellOf = (v: unknown): Cell =>
  v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) ? (v as Cell) : stableJson(v);

/** What one worker (or the main thread) keeps across points: the input loader, the requests per trace, the designs. */
export interface PointEnv {
  loader: InputLoader;
  requestCache: Map<string, readonly RequestSpec[]>;
  designs: DesignCache;
}

export const makeEnv = (loader: InputLoader): PointEnv => ({ loader, requestCache: new Map(), designs: new DesignCache() });

/**
 * Evaluates point `index`: its config, the constraints in order (the first violated one is the reason), then the run
 * through the same code path as `papi run` (runOnce), then the metric columns. Infeasible points are not run.
 */
export function evaluatePoint(prep: PreparedSweep, index: number, env: PointEnv): SweepRow {
  const values = pointValues(prep.expansion, index);
  const row: SweepRow = { index, pointId: "" };
  for (const p of prep.expansion.paths) row[p] = cellOf(values[p]);
  const fill = (reason: string | null, metric: (m: string) => Cell) => {
    for (const m of prep.metrics) row[m] = metric(m);
    // A metric that is not finite is never written: the point is reported infeasible with the metric named (a run's
    // own results are checked by runOnce, so this catches the point metrics: power, area, capacity).
    const bad = prep.metrics.find((m) => typeof row[m] === "number" && !Number.isFinite(row[m]));
    if (reason === null && bad !== undefined) {
      reason = `not finite: ${bad} is ${row[bad]}`;
      for (const m of prep.metrics) row[m] = null;
    }
    row.status = reason === null ? "ok" : "infeasible";
    row.reason = reason ?? "";
    return row;
  };
  let config;
  try {
    config = pointConfig(prep.base, values, index);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    row.pointId = hashOf(pointRawConfig(prep.base, values));
    return fill(`config: ${e.message}`, () => null);
  }
  row.pointId = pointIdOf(config);
  const state = new PointState(index, config, env.loader, env.requestCache, env.designs);
  let reason: string | null = null;
  for (const { constraint, options } of prep.constraints) {
    const r = constraint.check(state, options);
    if (r !== null) {
      reason = `${constraint.name}: ${r}`;
      break;
    }
  }
  const specResult = state.specOrError();
  if (reason === null && "error" in specResult) reason = `config: ${specResult.error.message}`;
  let result: RunResult | undefined;
  if (reason === null) {
    try {
      result = runOnce(config, { loader: env.loader, requests: state.requests(), ctx: state.context() });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      reason = `run: ${e.message}`;
    }
  }
  const power = powerOptionsOf(prep);
  return fill(reason, (m) => {
    const pm = POINT_METRICS[m];
    if (pm) return pm.of(state, power);
    return result ? runMetric(result, m) : null;
  });
}

function powerOptionsOf(prep: PreparedSweep): PowerOptions {
  const c = prep.constraints.find((x) => x.constraint.name === "power");
  return (c?.options ?? {}) as PowerOptions;
}

/** What sweep.json records about the code that produced a table. */
export const sweepProducer = (): { papiVersion: string } => ({ papiVersion: PAPI_VERSION });
