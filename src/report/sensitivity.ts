import { siblingModule, submitLongestFirst, WorkerPool, type PoolBatch } from "../node/worker-pool.ts";
import type { Experiments, Protocol } from "./experiments.ts";
import { fig8Summary, type Fig8Summary } from "./figures/fig8.ts";
import { loadTrace } from "../node/traces.ts";
import { PAPER_STATED, type StatedNumber } from "./paper.ts";
import { SENSITIVITY_PARAMETERS, type SensitivityParameter } from "./sensitivity-parameters.ts";
import { structuralStudy, structuralTasks, type StructuralStudy } from "./sensitivity-structural-study.ts";
import { mergeParts, pointKey, runStudyTask, taskParts, type SensitivityAnswer, type SensitivityTask, type StructuralAnswer, type StructuralTask } from "./sensitivity-worker.ts";

/** Relative miss above which a stated number gets a sensitivity study (issue: 15 %). */
export const MISS_THRESHOLD = 0.15;

export interface SensitivityResult {
  key: string;
  what: string;
  paper: number;
  ours: number;
  parameters: {
    parameter: string;
    description: string;
    values: { factor: number; label: string; value: number }[];
    /** Factor at which the metric reaches the paper's value (log-interpolated), or null if no tried factor brackets it. */
    closingFactor: number | null;
  }[];
  /** Our value under each batching protocol (the "batching protocol" parameter of the study). */
  byProtocol?: Partial<Record<Protocol, number>>;
  /** The number under each value of each structural choice; `reaches`: the values within MISS_THRESHOLD of the paper's. */
  structural: { choice: string; values: { label: string; setups: boolean; value: number }[]; reaches: string[] }[];
}

/** The whole study: the stated numbers we miss, each with its parameters, and the structural choices' rows. */
export interface SensitivityStudy {
  missed: SensitivityResult[];
  structural: StructuralStudy;
}

export const metricOf = (s: Fig8Summary, key: string): number => {
  const [, metric, baseline] = key.split(".");
  return (metric === "speedupVs" ? s.speedupVs : s.energyEfficiencyVs)[baseline];
};

/** The paper's Fig. 8 numbers we miss by more than MISS_THRESHOLD, given our Fig. 8 summary. */
export function missedNumbers(s: Fig8Summary): StatedNumber[] {
  return PAPER_STATED.filter((x) => x.key.startsWith("fig8.") && Math.abs(metricOf(s, x.key) / x.value - 1) > MISS_THRESHOLD);
}

export function crossing(values: { factor: number; value: number }[], target: number): number | null {
  for (let i = 1; i < values.length; i++) {
    const a = values[i - 1];
    const b = values[i];
    if ((a.value - target) * (b.value - target) <= 0 && a.value !== b.value) {
      const t = (target - a.value) / (b.value - a.value);
      return Math.exp(Math.log(a.factor) + t * (Math.log(b.factor) - Math.log(a.factor)));
    }
  }
  return null;
}

/** The grid reruns of the study, started early so they overlap with the main figures (see reproduce.ts). */
export interface SensitivityRuns {
  missed: StatedNumber[];
  /** whether Fig. 11 is reproduced (the structural rows then rerun PIM-only PAPI too) */
  withFig11: boolean;
  tasks: SensitivityTask[];
  structuralTasks: StructuralTask[];
  /** the answers of `tasks`, then those of `structuralTasks` (one worker pool for both) */
  answers: Promise<(SensitivityAnswer | StructuralAnswer)[]>;
  /** Runs the reruns no worker has started on the calling thread (when it has nothing else to do). */
  help(): void;
}

/** The worker entry of the study's reruns. */
export const sensitivityWorkerUrl = (): URL => siblingModule(import.meta.url, "sensitivity-worker");

/** Whether a parameter's exact `adjust` applies to this trace and protocol (else its grid is rerun). */
export function adjustable(p: SensitivityParameter, trace: string, protocol: Protocol): boolean {
  if (!p.adjust) return false;
  if (!p.adjustNeedsNoArrivals || protocol !== "all-batches") return true; // sampled protocols start at 0
  return loadTrace(trace).requests.every((r) => r.arrivalSec === 0);
}

/**
 * Relative cost of a part of a task (taskParts: one system, one batch size), to send the longest first. Measured on
 * the Fig. 8 grid under all-batches (papi reproduce, 3,204 runs): a run of batch 4 took about 2.7x one of batch 64,
 * batch 16 1.6x (the whole trace in fewer, wider iterations); 1 / sqrt(batch) (4x, 2x) puts them in that order. A
 * single batch's run has about as many iterations at any size. An estimate: only the order the threads take parts
 * in depends on it, never an answer.
 */
export const partCost = (t: { batches?: readonly number[] }, protocol: Protocol): number => (protocol === "all-batches" ? 1 / Math.sqrt(t.batches?.[0] ?? 1) : 1);

/**
 * Sends `tasks` cut into parts (taskParts), longest first, to the pool; the answers are the tasks', in task order
 * (each merged from its parts' answers).
 */
export function submitInParts<T extends SensitivityTask | StructuralTask, A extends SensitivityAnswer | StructuralAnswer>(pool: WorkerPool, tasks: readonly T[], protocol: Protocol): PoolBatch<T, A> {
  const partsOf = tasks.map(taskParts);
  const batch = submitLongestFirst<T, A>(pool, partsOf.flat(), (t) => partCost(t, protocol));
  const results = batch.results.then((answers) => {
    let next = 0;
    return partsOf.map((parts) => mergeParts(answers.slice(next, (next += parts.length))));
  });
  return { results, help: batch.help };
}

/**
 * Starts every rerun of the study on worker threads: first the structural choices' (they need only the setup), then,
 * once the documented Fig. 8 runs tell which stated numbers we miss (fig8 then reuses those runs), every (parameter,
 * factor) rerun of the Fig. 8 grid for them. Factor 1 is the documented configuration, parameters with an exact
 * `adjust` need no rerun, and workers rerun only the points a parameter changes, of PAPI and the baselines of the
 * missed numbers. Tasks go to the threads in parts, longest first; answers come back in task order, so the report
 * is the same on any machine and in any order the parts finish.
 */
export function startSensitivityRuns(exp: Experiments, protocol: Protocol, withFig11 = false, pool?: WorkerPool): SensitivityRuns {
  const structural = structuralTasks(exp, protocol, withFig11);
  // on the caller's pool (started early, see reproduce.ts), else on one of its own that ends with the batches
  let own: WorkerPool | undefined;
  const poolFor = (n: number) => (n === 0 ? undefined : (pool ?? (own ??= new WorkerPool(sensitivityWorkerUrl()))));
  type Batch = PoolBatch<SensitivityTask | StructuralTask, SensitivityAnswer | StructuralAnswer>;
  const structuralPool = poolFor(structural.length);
  const structuralBatch: Batch | undefined = structuralPool && submitInParts(structuralPool, structural, protocol);
  let missed: StatedNumber[];
  try {
    missed = missedNumbers(fig8Summary(exp, protocol).summary);
  } catch (e) {
    structuralBatch?.results.catch(() => {}); // rejected when the pool closes: the error to report is this one
    void own?.close();
    throw e;
  }
  const systems = ["papi", ...new Set(missed.map((m) => m.key.split(".")[2]))];
  const tasks: SensitivityTask[] = [];
  if (missed.length > 0) {
    SENSITIVITY_PARAMETERS.forEach((p, param) => {
      if (adjustable(p, exp.trace, protocol)) return;
      for (const factor of p.factors) if (factor !== 1) tasks.push({ trace: exp.trace, seed: exp.seed, protocol, setup: exp.setup, param, factor, systems });
    });
  }
  const paramPool = poolFor(tasks.length);
  const paramBatch: Batch | undefined = paramPool && submitInParts(paramPool, tasks, protocol);
  const all = Promise.all([paramBatch?.results ?? [], structuralBatch?.results ?? []]).then(([a, b]) => [...a, ...b]);
  const answers = all.finally(() => own?.close());
  answers.catch(() => {}); // awaited (and reported) by sensitivityStudy
  const help = () => {
    structuralBatch?.help(runStudyTask);
    paramBatch?.help(runStudyTask);
  };
  return { missed, withFig11, tasks, structuralTasks: structural, answers, help };
}

/**
 * For every stated Fig. 8 number we miss by more than 15 %, vary one documented parameter at a time by its factors
 * and find how far it would have to move for our average to reach the paper's; and switch every structural choice
 * to each of its sourced alternatives (sensitivity-structural.ts). Nothing is refitted.
 */
export async function sensitivityStudy(
  exp: Experiments,
  protocol: Protocol,
  byProtocol: (key: string) => Partial<Record<Protocol, number>> | undefined = () => undefined,
  runs: SensitivityRuns = startSensitivityRuns(exp, protocol),
): Promise<SensitivityStudy> {
  const all = await runs.answers;
  const answers = all.slice(0, runs.tasks.length) as SensitivityAnswer[];
  const structural = structuralStudy(exp, protocol, runs.withFig11, runs.structuralTasks, all.slice(runs.tasks.length) as StructuralAnswer[]);
  if (runs.missed.length === 0) return { missed: [], structural };
  const base = fig8Summary(exp, protocol).summary;
  const summaryOf = (answer: SensitivityAnswer) =>
    fig8Summary(exp, protocol, (pt) => answer[pointKey(pt.system, pt.model, pt.batch, pt.spec)] ?? exp.run(pt, protocol)).summary;
  const summaries = answers.map(summaryOf);
  const curveOf = (param: number): Fig8Summary[] => {
    const p = SENSITIVITY_PARAMETERS[param];
    return p.factors.map((f) => {
      if (f === 1) return base;
      if (adjustable(p, exp.trace, protocol)) return fig8Summary(exp, protocol, (pt) => p.adjust!(exp.run(pt, protocol), f)).summary;
      return summaries[runs.tasks.findIndex((t) => t.param === param && t.factor === f)];
    });
  };
  const curves = SENSITIVITY_PARAMETERS.map((_, i) => curveOf(i));
  const missed = runs.missed.map((c) => ({
    key: c.key,
    what: c.what,
    paper: c.value,
    ours: metricOf(base, c.key),
    byProtocol: byProtocol(c.key),
    parameters: SENSITIVITY_PARAMETERS.map((p, i) => {
      const values = curves[i].map((s, j) => {
        const factor = p.factors[j];
        return { factor, label: p.valueAt ? p.valueAt(factor, exp) : `x${formatFactor(factor)}`, value: metricOf(s, c.key) };
      });
      return { parameter: p.name, description: p.description, values, closingFactor: crossing(values, c.value) };
    }),
    structural: structural.rows.map((r) => {
      const values = r.values.map((v) => ({ label: v.label, setups: v.setups, value: v.headlines[c.key] }));
      return { choice: r.choice, values, reaches: values.filter((v) => Math.abs(v.value / c.value - 1) <= MISS_THRESHOLD).map((v) => v.label) };
    }),
  }));
  return { missed, structural };
}

/** A factor as the report prints it: 0.25, 0.5, 1.25, 2, or 0.67 for 2/3. */
export const formatFactor = (f: number): string => String(Number(f.toFixed(2)));
