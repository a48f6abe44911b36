import type { SystemContext } from "../systems/build.ts";
import { fcIterationCost } from "../systems/fc-cost.ts";
import type { FcPolicy } from "./policy.ts";

/** Time of one iteration's FC work on a unit, including the communication and host work that placement implies. */
export function fcPlacementTimeSec(ctx: SystemContext, unit: string, numTokens: number): number {
  const c = fcIterationCost(ctx, unit, numTokens);
  return c.fc.timeSec + c.comm.timeSec + c.other.timeSec;
}

/**
 * The oracle: every iteration, the FC unit the cost model says is fastest for this many tokens (ties: the earlier in
 * roles.fc). It bounds how far the threshold rule can be from the best per-iteration placement.
 */
export function makeOraclePolicy(ctx: SystemContext): FcPolicy {
  const units = ctx.fc.map((f) => f.unit.name);
  return {
    name: "oracle",
    alpha: NaN,
    decide: (s) => {
      let best = units[0];
      let bestSec = fcPlacementTimeSec(ctx, best, s.numTokens);
      for (let i = 1; i < units.length; i++) {
        const t = fcPlacementTimeSec(ctx, units[i], s.numTokens);
        // Stryker disable next-line EqualityOperator: differs only on an exact tie of two modelled times, which no preset reaches
        if (t < bestSec) {
          best = units[i];
          bestSec = t;
        }
      }
      return best;
    },
  };
}
