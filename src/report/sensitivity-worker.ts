import { isMainThread } from "node:worker_threads";
import { answerTasks } from "../node/worker-pool.ts";
import { Experiments, fig8Grid, type Protocol } from "./experiments.ts";
import { FIG8_SYSTEMS, type PointResult } from "./figures/fig8.ts";
import { SENSITIVITY_PARAMETERS } from "./sensitivity-parameters.ts";

/** One rerun of the Fig. 8 grid with one parameter scaled (run on a worker thread). */
export interface SensitivityTask {
  trace: string;
  seed: number;
  protocol: Protocol;
  /** index into SENSITIVITY_PARAMETERS */
  param: number;
  factor: number;
}

/** Results of the grid points the parameter changes, keyed by pointKey; unchanged points are not rerun. */
export type SensitivityAnswer = Record<string, PointResult>;

export const pointKey = (system: string, model: string, batch: number, spec: number): string => `${system}|${model}|${batch}|${spec}`;

const experiments = new Map<string, Experiments>();

export function runSensitivityTask(t: SensitivityTask): SensitivityAnswer {
  const key = `${t.trace}|${t.seed}`;
  let exp = experiments.get(key);
  if (!exp) experiments.set(key, (exp = new Experiments(t.trace, t.seed)));
  const p = SENSITIVITY_PARAMETERS[t.param];
  const out: SensitivityAnswer = {};
  for (const { model, batch, spec } of fig8Grid()) {
    for (const system of FIG8_SYSTEMS) {
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
