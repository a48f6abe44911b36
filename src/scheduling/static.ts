import type { FcUnit } from "../systems/schema.ts";
import type { FcPolicy } from "./policy.ts";

/** The baselines' fixed mapping: FC always on one unit. */
export function makeStaticPolicy(unit: FcUnit): FcPolicy {
  return { name: `static-${unit}`, alpha: NaN, decide: () => unit };
}
