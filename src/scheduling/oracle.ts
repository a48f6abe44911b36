import type { SystemContext } from "../systems/build.ts";
import { fcIterationCost } from "../systems/step-cost.ts";
import type { FcPolicy } from "./policy.ts";

/** Time of one iteration's FC work on a unit, including the communication that placement implies. */
export function fcPlacementTimeSec(ctx: SystemContext, unit: "gpu" | "pim", numTokens: number): number {
  const c = fcIterationCost(ctx, unit, numTokens);
  return c.fc.timeSec + c.comm.timeSec + c.other.timeSec;
}

/**
 * The oracle: every iteration, the unit the cost model says is faster for this many tokens. It bounds how far
 * the threshold rule can be from the best per-iteration placement (it ignores nothing the cost model knows).
 */
export function makeOraclePolicy(ctx: SystemContext): FcPolicy {
  return {
    name: "oracle",
    alpha: NaN,
    decide: (s) => {
      const m = s.numRequests * s.tokensPerRequest;
      // Stryker disable next-line EqualityOperator: differs only on an exact tie of two modelled times (then the GPU), which no preset reaches
      return fcPlacementTimeSec(ctx, "pim", m) < fcPlacementTimeSec(ctx, "gpu", m) ? "pim" : "gpu";
    },
  };
}
