import { UserError } from "../core/errors.ts";
import { stableJson } from "../core/hash.ts";
import { modelOf, type InputLoader } from "../serving/run.ts";
import { loadTrace } from "../serving/trace.ts";
import { describeValues, pointConfig, pointValues, type Expansion } from "./expand.ts";
import type { PreparedSweep } from "./prepare.ts";

/**
 * The run config fields that name inputs a point loads: the trace (with the options that select its requests) and
 * the model (a preset, a config.json path, or an inline config). A swept path at or below one of them changes them.
 */
export const INPUT_FIELDS = ["trace", "requests", "seed", "ratePerSec", "model"] as const;

const touchesInputs = (path: string): boolean => INPUT_FIELDS.some((f) => path === f || path.startsWith(`${f}.`));

/**
 * The point indices that together use every input of the sweep: every combination of the axes that sweep an input
 * field, with the other axes at their first step (those do not change what a point loads). Ascending.
 */
export function inputPointIndices(x: Expansion): number[] {
  // mixed-radix weights: the last axis varies fastest
  // Stryker disable next-line ArrayDeclaration: every index is assigned below, so a preallocated and an empty array end equal
  const weights = new Array<number>(x.axes.length);
  let w = 1;
  for (let a = x.axes.length - 1; a >= 0; a--) {
    weights[a] = w;
    w *= x.axes[a].values.length;
  }
  let indices = [0];
  x.axes.forEach((axis, a) => {
    if (!axis.paths.some(touchesInputs)) return;
    indices = indices.flatMap((i) => Array.from({ length: axis.values.length }, (_, step) => i + step * weights[a]));
  });
  return indices.sort((p, q) => p - q);
}

/**
 * Loads every trace and model any point of the sweep uses, once each, before anything is written or run: a missing
 * or malformed trace file or model file, an unknown preset or trace name is a one-line UserError naming the first
 * point that uses it and its swept values. (A point whose config does not parse is left to its row: "config: ...".)
 */
export function checkSweepInputs(prep: PreparedSweep, loader: InputLoader): void {
  const seenTraces = new Set<string>();
  const seenModels = new Set<string>();
  for (const index of inputPointIndices(prep.expansion)) {
    const values = pointValues(prep.expansion, index);
    let config;
    try {
      config = pointConfig(prep.base, values, index);
    } catch (e) {
      if (e instanceof UserError) continue;
      throw e;
    }
    const where = `point ${index} (${describeValues(values)})`;
    const traceKey = stableJson([config.trace, config.requests, config.seed, config.ratePerSec]);
    const modelKey = stableJson(config.model);
    try {
      if (!seenTraces.has(traceKey)) {
        seenTraces.add(traceKey);
        loadTrace(config.trace, { numRequests: config.requests, seed: config.seed, ratePerSec: config.ratePerSec }, loader.traceSource);
      }
      if (!seenModels.has(modelKey)) {
        seenModels.add(modelKey);
        modelOf(config, loader);
      }
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`${where}: ${e.message}`);
      throw e;
    }
  }
}
