import type { FcPolicy } from "./policy.ts";

/** The baselines' fixed mapping: FC always on one unit. */
export function makeStaticPolicy(name: string, unit: string): FcPolicy {
  return { name, alpha: NaN, decide: () => unit };
}
