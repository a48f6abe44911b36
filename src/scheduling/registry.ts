import { UserError } from "../core/errors.ts";
import { defineRegistry } from "../core/registry.ts";
import type { SystemContext } from "../systems/build.ts";
import { calibratedAlpha, thresholdUnits } from "./calibrate.ts";
import { makeOraclePolicy } from "./oracle.ts";
import { makePapiPolicy } from "./papi-online.ts";
import { SCHEDULER_NAMES, type FcPolicy, type SchedulerName } from "./policy.ts";
import { makeStaticPolicy } from "./static.ts";

/** The unit of roles.fc that is (or is not) a processor, for the static baselines; a one-line error if none. */
function staticUnit(ctx: SystemContext, name: string, processor: boolean): string {
  const f = ctx.fc.find((p) => p.unit.isProcessor === processor);
  if (f === undefined) throw new UserError(`scheduler "${name}": system ${ctx.spec.name} cannot run FC on ${processor ? "a GPU" : "PIM"} (roles.fc: ${ctx.fc.map((p) => p.unit.name).join(", ")})`);
  return f.unit.name;
}

type Factory = (ctx: SystemContext, alphaOverride?: number) => FcPolicy;

/** FC placement policies by the name a run config's `scheduler` uses. */
export const SCHEDULERS = defineRegistry("scheduler", {
  papi: (ctx, alpha) => {
    const { above, below } = thresholdUnits(ctx);
    return makePapiPolicy(alpha ?? calibratedAlpha(ctx), above, below);
  },
  oracle: (ctx) => {
    if (ctx.fc.length < 2) throw new UserError(`scheduler "oracle" needs a system that can run FC on two units; ${ctx.spec.name} runs it on ${ctx.fc[0].unit.name} only`);
    return makeOraclePolicy(ctx);
  },
  "static-gpu": (ctx) => makeStaticPolicy("static-gpu", staticUnit(ctx, "static-gpu", true)),
  "static-pim": (ctx) => makeStaticPolicy("static-pim", staticUnit(ctx, "static-pim", false)),
} satisfies Record<SchedulerName, Factory>);

/** The scheduler a system uses when none is named: PAPI's when FC may run on two units, else the fixed one. */
export function defaultScheduler(ctx: SystemContext): SchedulerName {
  if (ctx.fc.length > 1) return "papi";
  return ctx.fc[0].unit.isProcessor ? "static-gpu" : "static-pim";
}

/** Builds a policy by name; checks that the system can run FC where the policy wants it. */
export function makePolicy(name: string, ctx: SystemContext, alphaOverride?: number): FcPolicy {
  return SCHEDULERS.get(name, "scheduler")(ctx, alphaOverride);
}

export { SCHEDULER_NAMES };
