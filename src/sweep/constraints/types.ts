import type { z } from "zod";
import type { PointState } from "../point-state.ts";

/**
 * A design constraint of a sweep: checked before a point runs; a violated constraint marks the point infeasible
 * (kept in the table with the reason, not run). One file per constraint, registered by name in index.ts.
 */
export interface Constraint<O = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  /** options of the constraint in a spec (strict: unknown keys are errors) */
  readonly options: z.ZodType<O>;
  /** the reason the point violates the constraint, or null */
  check(point: PointState, options: O): string | null;
}
