import { parseRunConfig, systemOf } from "../serving/run.ts";
import { idlePowerByUnit } from "../systems/static-power.ts";
import { fcFloorSec, fcOnlyBound } from "./bounds.ts";
import { arithmeticMean, FIG8_BASELINES, fig8Grid, type Experiments, type PointSpec, type Protocol } from "./experiments.ts";
import { FIG8_SYSTEMS, fig8Summary } from "./figures/fig8.ts";
import { isSetupsChoice, optionChanges, STRUCTURAL_CHOICES, withOption, type StructuralChoice, type StructuralOption } from "./sensitivity-structural.ts";
import { applySetup } from "./setup.ts";
import { pointKey, type StructuralAnswer, type StructuralPoint, type StructuralTask } from "./sensitivity-worker.ts";

/**
 * The structural rows of the sensitivity study: every choice of sensitivity-structural.ts switched, one option at a
 * time, to each value the setup does not already have, and every headline recomputed (Fig. 8's six ratios, Fig. 11's
 * mean decode speedup and the two bounds of bounds.ts). Reruns happen on the study's worker threads, only for the
 * systems an option changes; every other point is the setup's own run.
 */

/** The headlines a structural row reports, by the summary path of each (Fig. 11 and FC-PIM alone only with Fig. 11). */
export function structuralHeadlineKeys(withFig11: boolean): string[] {
  return [
    ...FIG8_BASELINES.map((b) => `fig8.speedupVs.${b}`),
    ...FIG8_BASELINES.map((b) => `fig8.energyEfficiencyVs.${b}`),
    ...(withFig11 ? ["fig11.speedupVsAttaccOnly.average"] : []),
    "bounds.fcOnly.mean",
    ...(withFig11 ? ["bounds.fcPimAlone.mean"] : []),
  ];
}

export interface StructuralValue {
  label: string;
  source: string;
  /** the setup's own value of the choice (not rerun) */
  setups: boolean;
  /** each headline (structuralHeadlineKeys) under this value */
  headlines: Record<string, number>;
}

export interface StructuralRow {
  choice: string;
  description: string;
  /** how a user sets it */
  override: string;
  values: StructuralValue[];
}

/** Systems whose points a structural option reruns: Fig. 8's four, and PIM-only PAPI when Fig. 11 is reproduced. */
export const structuralSystems = (withFig11: boolean): string[] => [...FIG8_SYSTEMS, ...(withFig11 ? ["pim-only-papi"] : [])];

/** One worker task per (choice, option) that differs from the setup's own value and needs reruns. */
export function structuralTasks(exp: Experiments, protocol: Protocol, withFig11: boolean): StructuralTask[] {
  const systems = structuralSystems(withFig11);
  const tasks: StructuralTask[] = [];
  STRUCTURAL_CHOICES.forEach((c, choice) =>
    c.options.forEach((o, option) => {
      if (!c.idlePowerOnly && !isSetupsChoice(c, o, exp.setup, systems)) tasks.push({ trace: exp.trace, seed: exp.seed, protocol, setup: exp.setup, systems, choice, option });
    }),
  );
  return tasks;
}

/** Total idle power (static + refresh) of a point's system, watts. */
function idleWatts(exp: Experiments, p: PointSpec): number {
  return idlePowerByUnit(systemOf(parseRunConfig(applySetup(p, exp.setup)))).reduce((w, u) => w + u.staticWatts + u.refreshWatts, 0);
}

/**
 * The points of an idle-power-only option without a rerun: the setup's run with its energy moved by the change in
 * idle power over the run's latency (static energy is idle watts x latency: src/systems/static-power.ts).
 */
export function idlePowerAnswer(exp: Experiments, protocol: Protocol, c: StructuralChoice, o: StructuralOption, systems: readonly string[]): StructuralAnswer {
  const out: StructuralAnswer = {};
  for (const system of systems) {
    if (!optionChanges(c, o, { system, model: "llama-65b" }, exp.setup)) continue;
    for (const { model, batch, spec } of fig8Grid()) {
      const p = { system, model, batch, spec };
      const r = exp.run(p, protocol);
      const deltaWatts = idleWatts(exp, withOption(p, o, exp.setup)) - idleWatts(exp, p);
      out[pointKey(system, model, batch, spec)] = {
        latencySec: r.latencySec, energyJoules: r.energyJoules + deltaWatts * r.latencySec, iterations: r.iterations, fcOnGpuIterations: r.fcOnGpuIterations,
        decodeSec: r.decodeSec, prefillSec: r.prefillSec, breakdownSec: { fc: r.breakdownSec.fc },
      };
    }
  }
  return out;
}

/** The headline numbers with the answer's points in place of the setup's runs (none: the setup's own numbers). */
export function structuralHeadlines(exp: Experiments, protocol: Protocol, withFig11: boolean, answer: StructuralAnswer = {}): Record<string, number> {
  const get = (p: PointSpec): StructuralPoint => answer[pointKey(p.system, p.model, p.batch, p.spec)] ?? exp.run(p, protocol);
  const s = fig8Summary(exp, protocol, get).summary;
  const out: Record<string, number> = {};
  for (const b of FIG8_BASELINES) {
    out[`fig8.speedupVs.${b}`] = s.speedupVs[b];
    out[`fig8.energyEfficiencyVs.${b}`] = s.energyEfficiencyVs[b];
  }
  const fcOnly: number[] = [];
  const fig11: number[] = [];
  const fcPimAlone: number[] = [];
  for (const { model, batch, spec } of fig8Grid()) {
    const pt = (system: string) => ({ system, model, batch, spec });
    const a = get(pt("attacc-only"));
    const papi = get(pt("papi"));
    fcOnly.push(fcOnlyBound(a, papi, papi.fcFloorSec ?? fcFloorSec(exp, pt("papi"), protocol)).fcOnly);
    if (withFig11) {
      const pimOnly = get(pt("pim-only-papi"));
      fig11.push(a.decodeSec / pimOnly.decodeSec);
      fcPimAlone.push(a.latencySec / pimOnly.decodeSec);
    }
  }
  if (withFig11) out["fig11.speedupVsAttaccOnly.average"] = arithmeticMean(fig11);
  out["bounds.fcOnly.mean"] = arithmeticMean(fcOnly);
  if (withFig11) out["bounds.fcPimAlone.mean"] = arithmeticMean(fcPimAlone);
  return out;
}

/** The structural part of the study: the headlines it reports, their values under the setup, and one row per choice. */
export interface StructuralStudy {
  keys: string[];
  base: Record<string, number>;
  rows: StructuralRow[];
}

/** The rows, from the tasks and their answers (in task order); the setup's own value is the documented run. */
export function structuralStudy(exp: Experiments, protocol: Protocol, withFig11: boolean, tasks: readonly StructuralTask[], answers: readonly StructuralAnswer[]): StructuralStudy {
  const base = structuralHeadlines(exp, protocol, withFig11);
  const rows = STRUCTURAL_CHOICES.map((c, choice) => ({
    choice: c.name,
    description: c.description,
    override: c.override,
    values: c.options.map((o, option) => {
      const systems = structuralSystems(withFig11);
      if (isSetupsChoice(c, o, exp.setup, systems)) return { label: o.label, source: o.source, setups: true, headlines: base };
      const answer = c.idlePowerOnly ? idlePowerAnswer(exp, protocol, c, o, systems) : answers[tasks.findIndex((t) => t.choice === choice && t.option === option)];
      return { label: o.label, source: o.source, setups: false, headlines: structuralHeadlines(exp, protocol, withFig11, answer) };
    }),
  }));
  return { keys: structuralHeadlineKeys(withFig11), base, rows };
}
