import { keysAt } from "../core/blocks.ts";
import { UserError } from "../core/errors.ts";
import { hashOf } from "../core/hash.ts";
import { isPlainObject, nearest, setPath } from "../core/merge.ts";
import { makeRng } from "../core/rng.ts";
import { RunConfig } from "../serving/config.ts";
import { parseRunConfig } from "../serving/run.ts";
import { MAX_POINTS, type AxisValues, type Distribution, type SweepSpec } from "./spec.ts";

/**
 * Expansion of a sweep spec into points. Every axis (one grid path, one zip group, the random samples) is a list of
 * value vectors over its paths; the points are the cartesian product of the axes, the first axis varying slowest,
 * so point i is found by mixed-radix decoding without materializing the others (shards and workers use this).
 */
export interface Axis {
  section: "grid" | "zip" | "random";
  paths: string[];
  /** one vector per step of the axis, values in `paths` order */
  values: unknown[][];
}

export interface Expansion {
  /** every swept path, in column order (grid, zip, random) */
  paths: string[];
  axes: Axis[];
  numPoints: number;
}

/**
 * How far below a whole number the step count (to - from) / step may fall and still count as that number, so that
 * `to` is included when it is a whole number of steps from `from`: dividing decimal values lands just below the
 * count ((0.3 - 0.1) / 0.1 = 1.9999999999999998, 0.7 / 0.1 = 6.999999999999999). The division's error is a few ulps
 * of the count (under 1e-9 for the up to MAX_POINTS steps a range may have); a `to` that is more than 1e-9 steps
 * short of a whole count is not included.
 */
export const RANGE_END_TOLERANCE = 1e-9;

/** Values of a range or list axis; ranges are rounded to 12 significant digits so 0.1 steps print as 0.3, not 0.30000000000000004. */
export function axisValues(v: AxisValues, where: string): unknown[] {
  if (Array.isArray(v)) return v;
  const tidy = (x: number) => Number(x.toPrecision(12));
  if ("step" in v) {
    const out: number[] = [];
    const n = Math.floor((v.to - v.from) / v.step + RANGE_END_TOLERANCE);
    if (n + 1 > MAX_POINTS) throw new UserError(`${where}: the range has more than ${MAX_POINTS} values`);
    for (let i = 0; i <= n; i++) out.push(tidy(v.from + i * v.step));
    return out;
  }
  if (v.log && !(v.from > 0 && v.to > 0)) throw new UserError(`${where}: a log range needs from > 0 and to > 0, got ${v.from} and ${v.to}`);
  if (v.num === 1) return [v.from];
  return Array.from({ length: v.num }, (_, i) => {
    const t = i / (v.num - 1);
    return tidy(v.log ? Math.exp(Math.log(v.from) + t * (Math.log(v.to) - Math.log(v.from))) : v.from + t * (v.to - v.from));
  });
}

/**
 * The value of a distribution at u, a uniform draw in [0, 1). Integer draws take the whole numbers in [low, high]:
 * `uniform` gives each the same probability (floor of a uniform draw over [ceil(low), floor(high) + 1)); `logUniform`
 * draws log-uniformly over [ceil(low) - 1/2, floor(high) + 1/2] and rounds to the nearest whole number, so integer k
 * has probability proportional to log((k + 1/2) / (k - 1/2)) (as Optuna samples IntDistribution(log=True)). Rounding
 * a draw over [low, high] instead would give the two ends half the probability of the others.
 */
export function drawValue(d: Distribution, u: number): unknown {
  if ("choice" in d) return d.choice[Math.min(d.choice.length - 1, Math.floor(u * d.choice.length))];
  const [lo, hi] = "uniform" in d ? d.uniform : d.logUniform;
  if (d.integer) {
    const a = Math.ceil(lo);
    const b = Math.floor(hi);
    if ("uniform" in d) return Math.min(b, a + Math.floor(u * (b - a + 1)));
    const x = Math.exp(Math.log(a - 0.5) + u * (Math.log(b + 0.5) - Math.log(a - 0.5)));
    return Math.min(b, Math.max(a, Math.round(x)));
  }
  const x = "uniform" in d ? lo + u * (hi - lo) : Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  return Number(x.toPrecision(12));
}

function checkDistribution(d: Distribution, where: string): void {
  if ("choice" in d) return;
  const [lo, hi] = "uniform" in d ? d.uniform : d.logUniform;
  if (!(lo <= hi)) throw new UserError(`${where}: low must be <= high, got [${lo}, ${hi}]`);
  if ("logUniform" in d && !(lo > 0)) throw new UserError(`${where}: logUniform needs low > 0, got ${lo}`);
  if (d.integer && Math.ceil(lo) > Math.floor(hi)) throw new UserError(`${where}: integer draws need a whole number between low and high, got [${lo}, ${hi}]`);
}

/** Checks a config path against the run config schema: each key must exist where the schema lists fixed keys. */
export function checkConfigPath(path: string, where: string): void {
  const keys = path.split(".");
  if (keys.some((k) => k === "")) throw new UserError(`${where}: "${path}" is not a config path (dot-separated field names, e.g. hardware.fcPim.numFpus)`);
  for (let i = 0; i < keys.length; i++) {
    const valid = keysAt(RunConfig, keys.slice(0, i));
    if (valid.length === 0) return; // free-form below here (an inline model config, a leaf): the parse decides
    if (!valid.includes(keys[i])) {
      const near = nearest(keys[i], valid);
      const prefix = keys.slice(0, i).join(".");
      // Stryker disable next-line ConditionalExpression: nearest() names a candidate whenever valid is non-empty, and an empty valid returned above
      const suggestion = near === undefined ? "" : ` (did you mean "${[...keys.slice(0, i), near].join(".")}"?)`;
      throw new UserError(`${where}: unknown config path "${path}": no key "${keys[i]}"${prefix ? ` in ${prefix}` : ""}${suggestion}`);
    }
  }
}

/** The axes of a spec, checked: known paths, no path swept twice, no empty axis, zip lists of equal length. */
export function expand(spec: SweepSpec): Expansion {
  const axes: Axis[] = [];
  const seen = new Map<string, string>();
  const claim = (path: string, where: string) => {
    checkConfigPath(path, where);
    const before = seen.get(path);
    if (before !== undefined) throw new UserError(`${where}: "${path}" is already swept in ${before}; sweep each path in one place`);
    seen.set(path, where);
  };
  for (const [path, v] of Object.entries(spec.grid)) {
    const where = `grid.${path}`;
    claim(path, "grid");
    const values = axisValues(v, where);
    if (values.length === 0) throw new UserError(`${where}: empty list (a grid axis needs at least one value)`);
    axes.push({ section: "grid", paths: [path], values: values.map((x) => [x]) });
  }
  spec.zip.forEach((group, g) => {
    const paths = Object.keys(group);
    if (paths.length === 0) throw new UserError(`zip[${g}]: empty group (list the paths to vary together)`);
    const n = group[paths[0]].length;
    for (const p of paths) {
      claim(p, `zip[${g}]`);
      if (group[p].length !== group[paths[0]].length) {
        throw new UserError(`zip[${g}]: the lists must have equal lengths, but ${paths[0]} has ${n} and ${p} has ${group[p].length}`);
      }
    }
    if (n === 0) throw new UserError(`zip[${g}]: empty lists (a zip group needs at least one value per path)`);
    axes.push({ section: "zip", paths, values: Array.from({ length: n }, (_, i) => paths.map((p) => group[p][i])) });
  });
  if (spec.random) {
    const r = spec.random;
    const paths = Object.keys(r.params);
    for (const p of paths) {
      claim(p, "random.params");
      checkDistribution(r.params[p], `random.params.${p}`);
    }
    const rng = makeRng(r.seed);
    const values = Array.from({ length: r.samples }, () => paths.map((p) => drawValue(r.params[p], rng.next())));
    axes.push({ section: "random", paths, values });
  }
  if (axes.length === 0) throw new UserError("spec: nothing to sweep; give grid, zip or random");
  let numPoints = 1;
  for (const a of axes) {
    numPoints *= a.values.length;
    if (numPoints > MAX_POINTS) throw new UserError(`spec: the sweep has more than ${MAX_POINTS} points; split it`);
  }
  return { paths: axes.flatMap((a) => a.paths), axes, numPoints };
}

/** The swept values of point `index` (path -> value), in column order. */
export function pointValues(x: Expansion, index: number): Record<string, unknown> {
  if (!Number.isInteger(index) || index < 0 || index >= x.numPoints) throw new RangeError(`point ${index} of ${x.numPoints}`);
  const out: Record<string, unknown> = {};
  let rest = index;
  // Stryker disable next-line ArrayDeclaration: every index is assigned below, so a preallocated and an empty array end equal
  const steps: number[] = new Array(x.axes.length);
  for (let a = x.axes.length - 1; a >= 0; a--) {
    const n = x.axes[a].values.length;
    steps[a] = rest % n;
    rest = Math.floor(rest / n);
  }
  x.axes.forEach((axis, a) => axis.paths.forEach((p, k) => (out[p] = axis.values[steps[a]][k])));
  return out;
}

/** The raw run config of a point: the base with every swept path set (the base is not modified). */
export function pointRawConfig(base: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
  const raw = structuredClone(base);
  for (const [path, value] of Object.entries(values)) setPath(raw, path, structuredClone(value));
  return raw;
}

/** A point's run config, parsed (one-line UserError naming the point and the field). */
export function pointConfig(base: Record<string, unknown>, values: Record<string, unknown>, index: number): RunConfig {
  return parseRunConfig(pointRawConfig(base, values), `point ${index} (${describeValues(values)})`);
}

/** The identity of a point: the hash of its parsed run config (every default filled in). Shards and --resume use it. */
export const pointIdOf = (config: RunConfig): string => hashOf(config);

export function describeValues(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

/** A shard: point i belongs to shard i mod count (round-robin, so neighbouring points of similar cost spread out). */
export interface Shard {
  index: number;
  count: number;
}

export const ALL: Shard = { index: 0, count: 1 };

/** Parses "I/N" (0 <= I < N); one-line UserError otherwise. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UserError(`--shard must be I/N with 0 <= I < N (e.g. 0/4), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && count <= MAX_POINTS)) throw new UserError(`--shard ${text}: N must be between 1 and ${MAX_POINTS}`);
  if (index >= count) throw new UserError(`--shard ${text}: shard index out of range; I must be between 0 and ${count - 1}`);
  return { index, count };
}

export const shardOf = (pointIndex: number, count: number): number => pointIndex % count;

/** Point indices of a shard, ascending. */
export function shardIndices(numPoints: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index; i < numPoints; i += shard.count) out.push(i);
  return out;
}

export const formatShard = (s: Shard): string => `${s.index}/${s.count}`;

/** The base config of a spec as a plain object (a file base is loaded by the caller and passed in). */
export function baseObject(base: unknown, label: string): Record<string, unknown> {
  if (base === undefined || base === null) return {};
  if (!isPlainObject(base)) throw new UserError(`${label}: the base config must be a mapping of run config fields`);
  return base;
}
