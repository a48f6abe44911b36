import { isMainThread } from "node:worker_threads";
import { answerTasks } from "../node/worker-pool.ts";
import { fcFloorSec } from "./bounds.ts";
import { Experiments, fig8Grid, type Protocol } from "./experiments.ts";
import type { PointResult } from "./figures/fig8.ts";
import type { FigureId } from "./figures/types.ts";
import { headlinesOf, type HeadlinesWithPoints } from "./semantics.ts";
import { SENSITIVITY_PARAMETERS } from "./sensitivity-parameters.ts";
import { optionChanges, STRUCTURAL_CHOICES, withOption } from "./sensitivity-structural.ts";
import type { ReportSetup } from "./setup.ts";

interface TaskBase {
  trace: string;
  seed: number;
  protocol: Protocol;
  /** the design under study (the paper's setup, or `papi reproduce --config`'s) */
  setup: ReportSetup;
  /** the systems whose points to rerun (those of the stated numbers the study explains, and PAPI) */
  systems: readonly string[];
  /** only the grid points of these batch sizes (a part of a task, see taskParts); every batch size when absent */
  batches?: readonly number[];
}

/** One rerun of the Fig. 8 grid with one parameter scaled (run on a worker thread). */
export interface SensitivityTask extends TaskBase {
  /** index into SENSITIVITY_PARAMETERS */
  param: number;
  factor: number;
}

/** One rerun of the Fig. 8 grid (and Fig. 11's PIM-only PAPI) with one structural choice switched. */
export interface StructuralTask extends TaskBase {
  /** index into STRUCTURAL_CHOICES and into its options */
  choice: number;
  option: number;
}

/** Results of the grid points the parameter changes, keyed by pointKey; unchanged points are not rerun. */
export type SensitivityAnswer = Record<string, PointResult>;

/** What the structural study reads from a rerun point: Fig. 8's numbers, Fig. 11's decode time, the bounds' inputs. */
export type StructuralPoint = PointResult & { decodeSec: number; prefillSec: number; breakdownSec: { fc: number }; fcFloorSec?: number };
export type StructuralAnswer = Record<string, StructuralPoint>;

export const pointKey = (system: string, model: string, batch: number, spec: number): string => `${system}|${model}|${batch}|${spec}`;

const experiments = new Map<string, Experiments>();
function experimentsOf(t: TaskBase): Experiments {
  const key = JSON.stringify([t.trace, t.seed, t.setup]);
  let exp = experiments.get(key);
  if (!exp) experiments.set(key, (exp = new Experiments(t.trace, t.seed, t.setup)));
  return exp;
}

/** The grid points of a task (or of a part of one: its batch sizes only). */
const gridOf = (t: TaskBase) => (t.batches === undefined ? [...fig8Grid()] : [...fig8Grid()].filter((g) => t.batches!.includes(g.batch)));

/**
 * A task cut into parts of one system and one batch size each, the units the study's threads take (at most 9 points
 * of a task each, so that sent longest first they leave no thread alone with a long task at the end). The parts of a
 * task run exactly the points the task runs, each once: mergeParts of their answers is the task's answer.
 */
export function taskParts<T extends SensitivityTask | StructuralTask>(t: T): T[] {
  const batches = [...new Set([...fig8Grid()].map((g) => g.batch))].filter((b) => t.batches === undefined || t.batches.includes(b));
  return t.systems.flatMap((system) => batches.map((batch) => ({ ...t, systems: [system], batches: [batch] })));
}

/** The answer of a task from its parts' answers (every point key is in one part only). */
export function mergeParts<A extends SensitivityAnswer | StructuralAnswer>(answers: readonly A[]): A {
  return Object.assign({}, ...answers) as A;
}

export function runSensitivityTask(t: SensitivityTask): SensitivityAnswer {
  const exp = experimentsOf(t);
  const p = SENSITIVITY_PARAMETERS[t.param];
  const out: SensitivityAnswer = {};
  for (const { model, batch, spec } of gridOf(t)) {
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

/** optionChanges of the task's option on a system, resolved once per (setup, choice, option, system): every part asks. */
const changes = new Map<string, boolean>();
function changesSystem(t: StructuralTask, system: string, exp: Experiments): boolean {
  const key = JSON.stringify([t.setup, t.choice, t.option, system]);
  let v = changes.get(key);
  if (v === undefined) changes.set(key, (v = optionChanges(STRUCTURAL_CHOICES[t.choice], STRUCTURAL_CHOICES[t.choice].options[t.option], { system, model: "llama-65b" }, exp.setup)));
  return v;
}

/** The rerun points of a structural option: every grid point of every listed system the option changes. */
export function runStructuralTask(t: StructuralTask): StructuralAnswer {
  const exp = experimentsOf(t);
  const c = STRUCTURAL_CHOICES[t.choice];
  const o = c.options[t.option];
  const out: StructuralAnswer = {};
  for (const system of t.systems) {
    if (!changesSystem(t, system, exp)) continue;
    for (const { model, batch, spec } of gridOf(t)) {
      const changed = withOption({ system, model, batch, spec }, o, exp.setup);
      const r = exp.run(changed, t.protocol);
      out[pointKey(system, model, batch, spec)] = {
        latencySec: r.latencySec, energyJoules: r.energyJoules, iterations: r.iterations, fcOnGpuIterations: r.fcOnGpuIterations,
        decodeSec: r.decodeSec, prefillSec: r.prefillSec, breakdownSec: { fc: r.breakdownSec.fc },
        ...(system === "papi" ? { fcFloorSec: fcFloorSec(exp, changed, t.protocol) } : {}),
      };
    }
  }
  return out;
}

const isStructural = (t: SensitivityTask | StructuralTask): t is StructuralTask => "choice" in t;

/** Either kind of rerun: what a worker (or the main thread, helping) runs. */
export const runStudyTask = (t: SensitivityTask | StructuralTask): SensitivityAnswer | StructuralAnswer => (isStructural(t) ? runStructuralTask(t) : runSensitivityTask(t));

/**
 * The headline numbers of the reproduced figures under another setup: papi reproduce's other compute semantics and
 * other profile, computed on a worker while the main thread computes and draws the figures (their runs share no
 * point with the main setup's, so nothing is run twice; `runKeys` lets the caller count the runs as one cache would).
 */
export interface HeadlinesTask {
  trace: string;
  seed: number;
  protocol: Protocol;
  setup: ReportSetup;
  figures: readonly FigureId[];
}

export interface HeadlinesAnswer {
  headlines: HeadlinesWithPoints;
  /** the run cache keys of the points simulated (Experiments.runKeys) */
  runKeys: string[];
}

export function runHeadlinesTask(t: HeadlinesTask): HeadlinesAnswer {
  const exp = new Experiments(t.trace, t.seed, t.setup);
  const headlines = headlinesOf(exp, t.protocol, t.figures);
  return { headlines, runKeys: exp.runKeys() };
}

type ReportTask = SensitivityTask | StructuralTask | HeadlinesTask;
const isHeadlines = (t: ReportTask): t is HeadlinesTask => "figures" in t;

// Loaded as a worker entry: answer tasks. (Importing it from the main thread is harmless.)
if (!isMainThread) void answerTasks((t: ReportTask) => (isHeadlines(t) ? runHeadlinesTask(t) : runStudyTask(t)));
