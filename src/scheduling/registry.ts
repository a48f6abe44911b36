import { UserError } from "../core/errors.ts";
import type { SystemContext } from "../systems/build.ts";
import { calibratedAlpha } from "./calibrate.ts";
import { makeOraclePolicy } from "./oracle.ts";
import { makePapiPolicy } from "./papi-online.ts";
import { SCHEDULER_NAMES, type FcPolicy, type SchedulerName } from "./policy.ts";
import { makeStaticPolicy } from "./static.ts";

/** The scheduler a system uses when none is named: PAPI's when FC may run on both units, else the fixed one. */
export function defaultScheduler(ctx: SystemContext): SchedulerName {
  const u = ctx.spec.fcUnits;
  return u.length > 1 ? "papi" : u[0] === "gpu" ? "static-gpu" : "static-pim";
}

/** Builds a policy by name; checks that the system can run FC where the policy wants it. */
export function makePolicy(name: string, ctx: SystemContext, alphaOverride?: number): FcPolicy {
  if (!(SCHEDULER_NAMES as readonly string[]).includes(name)) {
    throw new UserError(`unknown scheduler "${name}"; known: ${SCHEDULER_NAMES.join(", ")}`);
  }
  const units = ctx.spec.fcUnits;
  const both = units.includes("gpu") && units.includes("pim");
  const n = name as SchedulerName;
  if ((n === "papi" || n === "oracle") && !both) {
    throw new UserError(`scheduler "${n}" needs a system that can run FC on both GPU and FC-PIM; ${ctx.spec.name} runs it on ${units.join(", ")} only`);
  }
  if (n === "static-gpu" && !units.includes("gpu")) throw new UserError(`scheduler "static-gpu": system ${ctx.spec.name} cannot run FC on a GPU`);
  if (n === "static-pim" && !units.includes("pim")) throw new UserError(`scheduler "static-pim": system ${ctx.spec.name} cannot run FC on PIM`);
  switch (n) {
    case "papi":
      return makePapiPolicy(alphaOverride ?? calibratedAlpha(ctx));
    case "oracle":
      return makeOraclePolicy(ctx);
    case "static-gpu":
      return makeStaticPolicy("gpu");
    case "static-pim":
      return makeStaticPolicy("pim");
  }
}
