import { UserError } from "../core/errors.ts";
import { stableJson } from "../core/hash.ts";
import { nearest } from "../core/merge.ts";
import type { Cell } from "./metrics.ts";
import type { SweepRow } from "./prepare.ts";

/**
 * Pareto fronts of sweep tables. Rows are grouped by their design columns (the swept paths not listed in `over`,
 * which form the workload); each group's objectives are aggregated over its rows by one rule for every group, the
 * geometric mean (0 when a row is 0; a negative value is an error), and a group is feasible only when every one of its
 * rows is. The geometric mean never decreases when a row's value grows, so a design no worse than another on every
 * workload point is no worse in aggregate: it cannot be dominated by that design, and it is on the front whenever
 * that design is (a per-group choice of mean, as before, broke this). A group is on the front
 * when no other feasible group is at least as good in every objective and strictly better in one (so groups with
 * equal objectives are all on the front).
 */
export interface Objective {
  column: string;
  sense: "min" | "max";
}

/** "latencySec" (minimized) or "tokensPerSec:max". */
export function parseObjective(text: string, columns: readonly string[], flag: string): Objective {
  const [column, sense = "min"] = text.split(":");
  if (sense !== "min" && sense !== "max") throw new UserError(`${flag} ${text}: the sense after ":" must be min or max`);
  if (!columns.includes(column)) {
    const near = nearest(column, columns);
    throw new UserError(`${flag}: no column "${column}" in the table${near ? ` (did you mean "${near}"?)` : ""}`);
  }
  return { column, sense };
}

export interface DesignGroup {
  /** design column -> value */
  design: Record<string, Cell>;
  rows: number;
  feasible: boolean;
  /** the first infeasible row's reason */
  reason: string;
  /** aggregated objective values, in objective order (NaN when infeasible) */
  values: number[];
  onFront: boolean;
  /** names of the references this group matches */
  references: string[];
}

/** True when a is at least as good as b everywhere and better somewhere (all objectives minimized). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  // Stryker disable next-line EqualityOperator: one more pass compares undefined with undefined, neither > nor <
  for (let k = 0; k < a.length; k++) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) better = true;
  }
  return better;
}

/** Front membership of points (minimize every coordinate); non-finite points are never on it. */
export function paretoFront(points: readonly (readonly number[])[]): boolean[] {
  // Stryker disable next-line ConditionalExpression: a point never dominates itself (not strictly better anywhere), so skipping j = i changes nothing
  return points.map((p, i) => p.every(Number.isFinite) && !points.some((q, j) => j !== i && q.every(Number.isFinite) && dominates(q, p)));
}

/**
 * Geometric mean of values >= 0 (exp of the mean log; 0 when one value is 0, NaN for no values or a negative one).
 * The aggregation of every design's objectives: ratios between designs compose across workload points.
 */
export function aggregateValues(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let sumLog = 0;
  for (const x of xs) sumLog += Math.log(x);
  return Math.exp(sumLog / xs.length);
}

export interface ParetoOptions {
  objectives: Objective[];
  /** the swept columns that are the design (rows sharing them form one group) */
  designColumns: string[];
  references?: Record<string, Record<string, unknown>>;
}

/** Groups, aggregates and marks the front (groups in first-appearance order, i.e. by point index). */
export function paretoGroups(rows: readonly SweepRow[], o: ParetoOptions): DesignGroup[] {
  const groups = new Map<string, { design: Record<string, Cell>; rows: SweepRow[] }>();
  for (const r of rows) {
    const design = Object.fromEntries(o.designColumns.map((c) => [c, r[c] ?? null]));
    const key = stableJson(o.designColumns.map((c) => r[c] ?? null));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { design, rows: [] }));
    g.rows.push(r);
  }
  const out: DesignGroup[] = [...groups.values()].map((g) => {
    const bad = g.rows.find((r) => r.status !== "ok");
    const values = o.objectives.map((ob) => {
      if (bad) return NaN;
      const xs = g.rows.map((r) => r[ob.column]);
      if (xs.some((x) => typeof x !== "number")) return NaN;
      const negative = g.rows.find((r) => (r[ob.column] as number) < 0);
      if (negative) {
        throw new UserError(`${ob.column}: the geometric mean over the workload needs values >= 0, but point ${String(negative.index)} has ${String(negative[ob.column])}; choose another objective`);
      }
      return aggregateValues(xs as number[]);
    });
    const feasible = !bad && values.every(Number.isFinite);
    return { design: g.design, rows: g.rows.length, feasible, reason: bad ? String(bad.reason) : feasible ? "" : "an objective has no value", values, onFront: false, references: [] };
  });
  // Stryker disable next-line ArrowFunction: an infeasible group's NaN and undefined are both non-finite, so neither is on the front nor dominates
  const signed = out.map((g) => (g.feasible ? g.values.map((v, k) => (o.objectives[k].sense === "max" ? -v : v)) : g.values.map(() => NaN)));
  paretoFront(signed).forEach((f, i) => (out[i].onFront = f));
  for (const [name, ref] of Object.entries(o.references ?? {})) {
    for (const g of out) if (matches(g.design, ref)) g.references.push(name);
  }
  return out;
}

/** Whether a group's design has the reference's values (numbers compared as numbers, anything else as JSON). */
export function matches(design: Record<string, Cell>, ref: Record<string, unknown>): boolean {
  return Object.entries(ref).every(([k, v]) => {
    const d = design[k];
    if (typeof v === "number" || typeof d === "number") return Number(d) === Number(v);
    return (typeof v === "string" || v === null || typeof v === "boolean" ? v : stableJson(v)) === d;
  });
}

/** The design columns: swept columns minus `over` (each of which must be swept). */
export function designColumnsOf(swept: readonly string[], over: readonly string[], flag = "over"): string[] {
  for (const c of over) {
    if (!swept.includes(c)) {
      const near = nearest(c, swept);
      throw new UserError(`${flag}: "${c}" is not a swept path${near ? ` (did you mean "${near}"?)` : ""}; swept: ${swept.join(", ")}`);
    }
  }
  const design = swept.filter((c) => !over.includes(c));
  if (design.length === 0) throw new UserError(`${flag}: every swept path is aggregated over; leave at least one design column`);
  return design;
}
