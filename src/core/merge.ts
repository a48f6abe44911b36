import { UserError } from "./errors.ts";

/** Plain-object check (not null, not an array). */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Deep merge of a patch onto a base, the way Ramulator's YAML overrides one field at a time: objects merge key
 * by key, anything else in the patch replaces the base (arrays included). A base that is a preset name (a string)
 * patched with an object without its own `preset` becomes `{ preset: base, ...patch }`, so `hbm: {timing: {...}}`
 * tweaks the preset a design names instead of discarding it. A patch object with its own `preset` replaces the
 * base whole (`hbm: { preset: hbm3e }` is that preset, not the old stack's fields under a new name).
 */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (isPlainObject(patch) && "preset" in patch) return patch;
  if (typeof base === "string" && isPlainObject(patch) && !("preset" in patch)) return { preset: base, ...patch };
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * Sets `value` at a dotted path of a plain-object tree (Ramulator 2.0's `-p path=value`), creating objects on the
 * way; a preset name met on the way becomes `{ preset: name }` so one field of it can be overridden.
 */
export function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  if (keys.some((k) => k === "" || k === "__proto__" || k === "constructor" || k === "prototype")) {
    throw new UserError(`--set ${path}: a path is dot-separated field names, e.g. hardware.fcPim.numFpus`);
  }
  let node = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    const cur = node[k];
    if (typeof cur === "string") node[k] = { preset: cur };
    else if (!isPlainObject(cur)) {
      if (cur !== undefined && cur !== null) {
        throw new UserError(`--set ${path}: ${keys.slice(0, i + 1).join(".")} is ${JSON.stringify(cur)}, not an object`);
      }
      node[k] = {};
    }
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** Edit distance (Levenshtein), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  let prev = Array.from({ length: bl.length + 1 }, (_, j) => j);
  for (let i = 1; i <= al.length; i++) {
    const cur = [i];
    for (let j = 1; j <= bl.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (al[i - 1] === bl[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[bl.length];
}

/**
 * The candidate nearest to `word` (ties: the first), or undefined when there are none. A candidate that contains
 * the word, or is contained in it (`hbmBandwidth` -> `hbmBandwidthBytesPerSec`), beats every other one; otherwise
 * the edit distance decides.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = w.length >= 3 && (cl.includes(w) || w.includes(cl)) ? Math.abs(cl.length - w.length) / 1000 : editDistance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
