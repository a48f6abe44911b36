import { parseRunConfig, systemOf } from "../serving/run.ts";
import { fcIterationCost } from "../systems/fc-cost.ts";
import { arithmeticMean, fig8Grid, type Experiments, type PointSpec, type Protocol } from "./experiments.ts";
import type { FigureId } from "./figures/types.ts";
import { applySetup } from "./setup.ts";

/**
 * Bounds on PAPI's speedup over AttAcc-only that the report computes from its own runs (docs/reproduce.md, "Bounds").
 *
 * FC-only bound, per Fig. 8 point: AttAcc-only pays only its FC and its prefill, PAPI only its FC floor, the sum over
 * its decode iterations of min over its FC units (GPU, FC-PIM) of that iteration's FC time:
 *
 *   fcOnly = (FC_attacc + prefill_attacc) / sum_iterations min_unit FC_unit(tokens)
 *
 * It is the speedup if nothing but FC (and AttAcc-only's prefill) cost time. It bounds the actual speedup
 * L_attacc / L_papi whenever N_attacc <= fcOnly x N_papi, with N_attacc = L_attacc - FC_attacc - prefill_attacc
 * and N_papi = L_papi - FC floor (everything else each pays); PAPI spending at least as long outside its FC floor as
 * AttAcc-only spends outside FC and prefill (N_papi >= N_attacc) is enough when fcOnly >= 1 (`premise`).
 *
 * FC-PIM-alone bound (from the Fig. 11 runs), per point: AttAcc-only's latency over PIM-only PAPI's decode time,
 * i.e. the Fig. 11 ratio x AttAcc-only's latency / decode time: PAPI's speedup if every iteration ran FC on FC-PIM
 * as PIM-only PAPI does (the most FC-PIM alone can give) and its prefill cost nothing.
 */
export interface PointBounds {
  model: string;
  batch: number;
  spec: number;
  /** AttAcc-only latency / PAPI latency (the Fig. 8 per-point ratio) */
  speedup: number;
  fcOnly: number;
  /** PAPI's time beyond its FC floor is at least AttAcc-only's time beyond FC and prefill (enough for fcOnly >= speedup) */
  premise: boolean;
  /** AttAcc-only's FC + prefill time, the bound's numerator */
  attaccFcPrefillSec: number;
  /** PAPI's FC floor, the bound's denominator */
  papiFcFloorSec: number;
  /** what each pays beyond that: AttAcc-only's latency - FC - prefill, PAPI's latency - FC floor */
  attaccRestSec: number;
  papiRestSec: number;
  /** AttAcc-only latency / PIM-only PAPI decode time (only when Fig. 11 ran) */
  fcPimAlone?: number;
}

/** Mean (the Fig. 8 average: arithmetic mean of per-point values), min and max over the grid. */
export interface BoundStats {
  mean: number;
  min: number;
  max: number;
}

export interface Bounds {
  /** PAPI's Fig. 8 speedup over AttAcc-only (mean of per-point ratios), the number the bounds bound */
  speedup: number;
  fcOnly: BoundStats & {
    /** grid points where the premise holds / where the bound is at least the actual ratio / all points */
    premiseHolds: number;
    boundHolds: number;
    points: number;
  };
  /** Fig. 11's decode ratio (PIM-only PAPI over AttAcc-only, mean) and the bound it implies */
  fcPimAlone?: BoundStats & { fig11Ratio: number };
}

/**
 * PAPI's FC floor at a point: for every decode iteration of its run, the FC time (all layers and the LM head) of the
 * fastest of its FC units at that iteration's token count, summed. Its communication and host work are left out.
 */
export function fcFloorSec(exp: Experiments, p: PointSpec, protocol: Protocol): number {
  const ctx = systemOf(parseRunConfig(applySetup(p, exp.setup)));
  let sec = 0;
  for (const [numTokens, count] of exp.iterationTokens(p, protocol)) {
    sec += count * Math.min(...ctx.fc.map((f) => fcIterationCost(ctx, f, numTokens).fc.timeSec));
  }
  return sec;
}

/** What the FC-only bound reads from a run (a RunResult, or a sensitivity worker's answer). */
export interface BoundInputs {
  latencySec: number;
  prefillSec: number;
  decodeSec: number;
  breakdownSec: { fc: number };
}

/** The FC-only bound of one point and its premise, from AttAcc-only's run, PAPI's run and PAPI's FC floor. */
export function fcOnlyBound(attaccOnly: BoundInputs, papi: { latencySec: number }, papiFcFloorSec: number): Omit<PointBounds, "model" | "batch" | "spec" | "speedup" | "fcPimAlone"> {
  const attaccFcPrefillSec = attaccOnly.breakdownSec.fc + attaccOnly.prefillSec;
  const fcOnly = attaccFcPrefillSec / papiFcFloorSec;
  const attaccRestSec = attaccOnly.latencySec - attaccFcPrefillSec;
  const papiRestSec = papi.latencySec - papiFcFloorSec;
  return { fcOnly, premise: fcOnly >= 1 && papiRestSec >= attaccRestSec, attaccFcPrefillSec, papiFcFloorSec, attaccRestSec, papiRestSec };
}

/**
 * With PAPI's times as computed, the factor by which AttAcc-only's time beyond FC and prefill would have to grow (at
 * every point alike) for the mean speedup to reach `target`: mean((A + k N_a) / L_papi) = target, solved for k.
 */
export function attaccRestGrowthFor(target: number, points: readonly PointBounds[]): number {
  const latency = (b: PointBounds) => b.papiFcFloorSec + b.papiRestSec;
  const paid = arithmeticMean(points.map((b) => b.attaccFcPrefillSec / latency(b)));
  const rest = arithmeticMean(points.map((b) => b.attaccRestSec / latency(b)));
  return (target - paid) / rest;
}

const stats = (xs: readonly number[]): BoundStats => ({ mean: arithmeticMean(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** The bounds over the Fig. 8 grid and per point (undefined without Fig. 8; FC-PIM alone only when Fig. 11 ran). */
export function boundsOf(exp: Experiments, protocol: Protocol, figures: readonly FigureId[]): { bounds: Bounds; perPoint: PointBounds[] } | undefined {
  if (!figures.includes("fig8")) return undefined;
  const withFig11 = figures.includes("fig11");
  const perPoint: PointBounds[] = [];
  for (const { model, batch, spec } of fig8Grid()) {
    const point = (system: string) => ({ system, model, batch, spec });
    const a = exp.run(point("attacc-only"), protocol);
    const p = exp.run(point("papi"), protocol);
    const b: PointBounds = { model, batch, spec, speedup: a.latencySec / p.latencySec, ...fcOnlyBound(a, p, fcFloorSec(exp, point("papi"), protocol)) };
    if (withFig11) b.fcPimAlone = a.latencySec / exp.run(point("pim-only-papi"), protocol).decodeSec;
    perPoint.push(b);
  }
  const out: Bounds = {
    speedup: arithmeticMean(perPoint.map((b) => b.speedup)),
    fcOnly: {
      ...stats(perPoint.map((b) => b.fcOnly)),
      premiseHolds: perPoint.filter((b) => b.premise).length,
      boundHolds: perPoint.filter((b) => b.fcOnly >= b.speedup).length,
      points: perPoint.length,
    },
  };
  if (withFig11) {
    const ratios = [...fig8Grid()].map(({ model, batch, spec }) =>
      exp.run({ system: "attacc-only", model, batch, spec }, protocol).decodeSec / exp.run({ system: "pim-only-papi", model, batch, spec }, protocol).decodeSec);
    out.fcPimAlone = { ...stats(perPoint.map((b) => b.fcPimAlone!)), fig11Ratio: arithmeticMean(ratios) };
  }
  return { bounds: out, perPoint };
}
