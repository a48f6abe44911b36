import type { PimFcMapping, PimFcPlan } from "./types.ts";

/**
 * auto: the fastest legal plan among `candidates` for this (design, shape, tokens, stacks); ties go to the
 * earlier candidate (n-split first: no partial sums to move).
 */
export function autoMapping(candidates: readonly PimFcMapping[]): PimFcMapping {
  return {
    name: "auto",
    description: `the fastest legal plan among ${candidates.map((c) => c.name).join(", ")}, per call`,
    plan(design, call) {
      let best: PimFcPlan | null = null;
      for (const c of candidates) {
        const p = c.plan(design, call);
        if (p !== null && (best === null || p.timeSec < best.timeSec)) best = p;
      }
      return best;
    },
  };
}
