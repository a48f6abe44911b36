import type { PimComputeSemantics } from "../hardware/pim/schema.ts";
import { checkClaims, type ClaimCheck } from "./claims.ts";
import { arithmeticMean, fig8Grid, FIG8_MODELS, type Experiments, type Protocol } from "./experiments.ts";
import { fig10 } from "./figures/fig10.ts";
import { fig11 } from "./figures/fig11.ts";
import { fig12 } from "./figures/fig12.ts";
import { fig4 } from "./figures/fig4.ts";
import { FIG8_SYSTEMS, fig8Summary, type Fig8Summary } from "./figures/fig8.ts";
import type { FigureId } from "./figures/types.ts";
import { boundsOf, type Bounds, type PointBounds } from "./bounds.ts";
import { mainComputeSemantics, mainProfile } from "./setup.ts";
import type { ProfileName } from "../systems/profiles.ts";

/** Where one system's time and energy go, averaged over the Fig. 8 grid (means of per-point shares). */
export interface SystemMechanisms {
  /** shares of end-to-end latency; they sum to 1 */
  latencyShare: { prefill: number; fc: number; attention: number; communication: number; other: number; idle: number };
  /** share of energy that is GPU static power (0 without GPUs) */
  gpuStaticEnergyShare: number;
  /** share of energy that is PIM/HBM background and refresh power */
  pimStaticEnergyShare: number;
  /** share of decode iterations whose FC ran on the GPU */
  fcOnGpuShare: number;
}

export interface Mechanisms {
  systems: Record<string, SystemMechanisms>;
  /** PAPI's calibrated alpha (the first crossover, src/scheduling/calibrate.ts) per model */
  papiAlpha: Record<string, number | null>;
}

/**
 * The headline numbers of the end-to-end figures under one compute semantics and assumption profile (the report's
 * side-by-side tables).
 */
export interface Headlines {
  computeSemantics: PimComputeSemantics;
  profile: ProfileName;
  fig4?: { crossoverTokens: Record<string, number> };
  fig8?: Fig8Summary;
  fig10?: unknown;
  fig11?: unknown;
  fig12?: unknown;
  mechanisms?: Mechanisms;
  /** bounds on PAPI's speedup over AttAcc-only (with Fig. 8; bounds.ts) */
  bounds?: Bounds;
  claims: ClaimCheck[];
}

/** The headlines as `papi reproduce --json` prints them. */
export type HeadlinesWithPoints = Headlines & { boundsPerPoint?: PointBounds[] };

/** Mechanisms of the given systems over the Fig. 8 grid (default: Fig. 8's four). */
export function mechanismsOf(exp: Experiments, protocol: Protocol, systemIds: readonly string[] = FIG8_SYSTEMS): Mechanisms {
  const systems: Record<string, SystemMechanisms> = {};
  for (const system of systemIds) {
    const rs = [...fig8Grid()].map(({ model, batch, spec }) => exp.run({ system, model, batch, spec }, protocol));
    const mean = (f: (r: (typeof rs)[number]) => number) => arithmeticMean(rs.map(f));
    const share = (f: (r: (typeof rs)[number]) => number) => mean((r) => (r.latencySec > 0 ? f(r) / r.latencySec : 0));
    systems[system] = {
      latencyShare: {
        prefill: share((r) => r.prefillSec),
        fc: share((r) => r.breakdownSec.fc),
        attention: share((r) => r.breakdownSec.attention),
        communication: share((r) => r.breakdownSec.communication),
        other: share((r) => r.breakdownSec.other),
        idle: share((r) => r.idleSec),
      },
      gpuStaticEnergyShare: mean((r) => r.staticJoulesBySource.gpu / r.energyJoules),
      pimStaticEnergyShare: mean((r) => r.staticJoulesBySource.pim / r.energyJoules),
      fcOnGpuShare: mean((r) => (r.iterations ? r.fcOnGpuIterations / r.iterations : 0)),
    };
  }
  const papiAlpha = Object.fromEntries(FIG8_MODELS.map((model) => [model, exp.run({ system: "papi", model, batch: 4, spec: 1 }, protocol).alpha]));
  return { systems, papiAlpha };
}

/**
 * The headline numbers of the requested figures for one experiment setup. The runs are cached in `exp`, so for
 * the main setup this reuses what the figures ran; for the other semantics it runs the end-to-end grids once more.
 */
export function headlinesOf(exp: Experiments, protocol: Protocol, figures: readonly FigureId[]): HeadlinesWithPoints {
  const ctx = { exp, protocol };
  const pick = <T>(f: { summary?: Record<string, unknown> }, key: string): T => f.summary![key] as T;
  const has = (id: FigureId) => figures.includes(id);
  const b = boundsOf(exp, protocol, figures);
  return {
    computeSemantics: mainComputeSemantics(exp.setup),
    profile: mainProfile(exp.setup),
    ...(has("fig4") ? { fig4: pick<{ crossoverTokens: Record<string, number> }>(fig4(ctx), "fig4") } : {}),
    // PIM-only PAPI's grid runs exist when Fig. 11 was reproduced (it runs them)
    ...(has("fig8") ? { fig8: fig8Summary(exp, protocol).summary, mechanisms: mechanismsOf(exp, protocol, has("fig11") ? [...FIG8_SYSTEMS, "pim-only-papi"] : FIG8_SYSTEMS) } : {}),
    ...(has("fig10") ? { fig10: pick(fig10(ctx), "fig10") } : {}),
    ...(has("fig11") ? { fig11: pick(fig11(ctx), "fig11") } : {}),
    ...(has("fig12") ? { fig12: pick(fig12(ctx), "fig12") } : {}),
    ...(b ? { bounds: b.bounds, boundsPerPoint: b.perPoint } : {}),
    claims: checkClaims(exp, protocol, figures),
  };
}

/** The headlines without the per-point bounds (the summary's shape; report.md and the CSV take the points). */
export function headlinesSummary(h: HeadlinesWithPoints): Headlines {
  const { boundsPerPoint: _, ...rest } = h;
  return rest;
}
