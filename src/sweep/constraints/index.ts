import { formatIssues } from "../../core/blocks.ts";
import { UserError } from "../../core/errors.ts";
import { nearest } from "../../core/merge.ts";
import { areaConstraint } from "./area.ts";
import { capacityConstraint } from "./capacity.ts";
import { powerConstraint } from "./power.ts";
import type { Constraint } from "./types.ts";

/** Constraints by name, in the order they are checked (a point reports the first one it violates). */
export const CONSTRAINTS: Readonly<Record<string, Constraint<never>>> = {
  area: areaConstraint as Constraint<never>,
  capacity: capacityConstraint as Constraint<never>,
  power: powerConstraint as Constraint<never>,
};
export const CONSTRAINT_NAMES = Object.keys(CONSTRAINTS);

export interface ActiveConstraint {
  constraint: Constraint<never>;
  options: never;
}

/**
 * The constraints a spec enables, with parsed options, in checking order. Omitted: all of them with defaults. A list
 * names the ones to apply; a mapping gives options (`true`/`{}` for defaults, `false` to drop one).
 */
export function activeConstraints(section: string[] | Record<string, boolean | Record<string, unknown>> | undefined): ActiveConstraint[] {
  const given: Record<string, boolean | Record<string, unknown>> =
    section === undefined ? Object.fromEntries(CONSTRAINT_NAMES.map((n) => [n, true])) : Array.isArray(section) ? Object.fromEntries(section.map((n) => [n, true])) : section;
  for (const name of Object.keys(given)) {
    if (!(name in CONSTRAINTS)) {
      const near = nearest(name, CONSTRAINT_NAMES);
      throw new UserError(`constraints: unknown constraint "${name}"${near ? ` (did you mean "${near}"?)` : ""}; known: ${CONSTRAINT_NAMES.join(", ")}`);
    }
  }
  const out: ActiveConstraint[] = [];
  for (const name of CONSTRAINT_NAMES) {
    const v = given[name];
    if (v === undefined || v === false) continue;
    const c = CONSTRAINTS[name];
    const r = (c.options as unknown as { safeParse(x: unknown): { success: boolean; data?: unknown; error?: { issues: never[] } } }).safeParse(v === true ? {} : v);
    if (!r.success) throw new UserError(`constraints.${name}: ${formatIssues(r.error!.issues, "")}`);
    out.push({ constraint: c, options: r.data as never });
  }
  return out;
}
