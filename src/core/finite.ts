import { UserError } from "./errors.ts";

/**
 * The guard after every computed result (a run, a kernel table, a sweep row): a number that is not finite
 * (Infinity, NaN) is never printed; it is a one-line UserError naming the quantity and the inputs that can cause it.
 * Schemas bound every input (src/core/quantity.ts), so reaching this is an input combination the bounds do not
 * exclude, or a bug; either way the user sees which number broke instead of `null` in JSON.
 */

/**
 * The first non-finite number in a JSON-like value (depth-first, keys in order), with its dotted path; null values are
 * fine. Objects in `known` (found finite before and never changed since) are not walked again.
 */
export function firstNonFinite(value: unknown, path = "", skip: ReadonlySet<string> = new Set(), known?: WeakSet<object>): { path: string; value: number } | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { path, value };
  if (value === null || typeof value !== "object") return undefined;
  if (known !== undefined && known.has(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = firstNonFinite(value[i], `${path}[${i}]`, skip, known);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    if (path === "" && skip.has(k)) continue;
    const hit = firstNonFinite(v, path === "" ? k : `${path}.${k}`, skip, known);
    if (hit) return hit;
  }
  return undefined;
}

/** Dotted paths of the leaves of an object (the fields a user overrode), for naming suspects in a message. */
export function leafPaths(value: unknown, path = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return path === "" ? [] : [path];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, path === "" ? k : `${path}.${k}`));
}

/**
 * Throws when `result` holds a non-finite number (top-level keys in `skip` are not checked, e.g. the echoed
 * config). `what` names the result ("the run"); `suspects` are the inputs to check, e.g. the overridden fields.
 */
export function assertFiniteResult(result: unknown, what: string, suspects: readonly string[], skip: readonly string[] = [], known?: WeakSet<object>): void {
  const hit = firstNonFinite(result, "", new Set(skip), known);
  if (!hit) return;
  const check = suspects.length > 0 ? `check ${suspects.slice(0, 5).join(", ")}${suspects.length > 5 ? ", ..." : ""}` : "check the inputs' values";
  throw new UserError(`${what}'s ${hit.path || "value"} is not finite (${hit.value}); ${check}`);
}
