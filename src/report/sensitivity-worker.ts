import { isMainThread } from "node:worker_threads";
import { answerTasks } from "../node/worker-pool.ts";
import { Experiments, fig8Grid, type Protocol } from "./experiments.ts";
import type { PointResult } from "./figures/fig8.ts";
import { SENSITIVITY_PARAMETERS } from "./sensitivity-parameters.ts";
import type { ReportSetup } from "./setup.ts";

/** One rerun of the Fig. 8 grid with one parameter scaled (run on a worker thread). */
export interface SensitivityTask {
  trace: string;
  seed: number;
  protocol: Protocol;
  /** the design under study (the paper's setup, or `papi reproduce --config`'s) */
  setup: ReportSetup;
  /** index into SENSITIVITY_PARAMETERS */
  param: number;
  factor: number;
  /** the systems whose points to rerun (those of the stated numbers the study explains, and PAPI) */
  systems: readonly string[];
}

/** Results of the grid points the parameter changes, keyed by pointKey; unchanged points are not rerun. */
export type SensitivityAnswer = Record<string, PointResult>;

export const pointKey = (system: string, model: string, batch: number, spec: number): string => `${system}|${model}|${batch}|${spec}`;

const experiments = new Map<string, Experiments>();

export function runSensitivityTask(t: SensitivityTask): SensitivityAnswer {
  const key = JSON.stringify([t.trace, t.seed, t.setup]);
  let exp = experiments.get(key);
  if (!exp) experiments.set(key, (exp = new Experiments(t.trace, t.seed, t.setup)));
  const p = SENSITIVITY_PARAMETERS[t.param];
  const out: SensitivityAnswer = {};
  for (const { model, batch, spec } of fig8Grid()) {
    for (const system of t.systems) {
      const pt = { system, model, batch, spec };
      const changed = p.apply(pt, t.factor, exp);
      if (changed === pt) continue;
      const r = exp.run(changed, t.protocol);
      out[pointKey(system, model, batch, spec)] = { latencySec: r.latencySec, energyJoules: r.energyJoules, iterations: r.iterations, fcOnGpuIterations: r.fcOnGpuIterations };
    }
  }
  return out;
}

// Loaded as a worker entry: answer tasks. (Importing it from the main thread is harmless.)
if (!isMainThread) void answerTasks(runSensitivityTask);
