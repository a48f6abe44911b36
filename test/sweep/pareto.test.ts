import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { aggregateValues, designColumnsOf, dominates, matches, paretoFront, paretoGroups, parseObjective } from "../../src/sweep/pareto.ts";

test("front of hand-made points: dominated points off, ties on, non-finite never", () => {
  // (1,5) and (2,2) and (5,1) trade off; (3,3) is dominated by (2,2); (2,2) appears twice (a tie: both on);
  // (2,6) is dominated by (1,5); (NaN, 0) is infeasible.
  const pts = [[1, 5], [2, 2], [5, 1], [3, 3], [2, 2], [2, 6], [NaN, 0]];
  assert.deepEqual(paretoFront(pts), [true, true, true, false, true, false, false]);
  // equal in one objective, better in the other: dominated
  assert.deepEqual(paretoFront([[1, 1], [1, 2]]), [true, false]);
  assert.equal(dominates([1, 1], [1, 1]), false);
});

test("groups: geometric mean over the workload rows, infeasible if any row is, max objectives flipped", () => {
  const rows = [
    { index: 0, d: "a", w: 1, lat: 1, tps: 10, status: "ok", reason: "" },
    { index: 1, d: "a", w: 2, lat: 4, tps: 10, status: "ok", reason: "" },
    { index: 2, d: "b", w: 1, lat: 2, tps: 30, status: "ok", reason: "" },
    { index: 3, d: "b", w: 2, lat: 2, tps: 30, status: "ok", reason: "" },
    { index: 4, d: "c", w: 1, lat: null, tps: null, status: "infeasible", reason: "area: too big" },
    { index: 5, d: "c", w: 2, lat: 0.1, tps: 99, status: "ok", reason: "" },
  ];
  const g = paretoGroups(rows, { objectives: [{ column: "lat", sense: "min" }, { column: "tps", sense: "max" }], designColumns: ["d"], references: { mine: { d: "a" } } });
  assert.equal(g.length, 3);
  assert.equal(g[0].values[0], 2); // sqrt(1 x 4)
  assert.equal(g[1].values[0], 2);
  // a: lat 2, tps 10; b: lat 2, tps 30 -> b dominates a (equal latency, higher throughput)
  assert.deepEqual(g.map((x) => x.onFront), [false, true, false]);
  assert.equal(g[2].feasible, false);
  assert.equal(g[2].reason, "area: too big");
  assert.deepEqual(g.map((x) => x.references), [["mine"], [], []]);
});

test("aggregate: the geometric mean for every design, 0 when a row is 0", () => {
  assert.ok(Math.abs(aggregateValues([1, 100]) - 10) < 1e-12);
  assert.ok(Math.abs(aggregateValues([2, 8, 4]) - 4) < 1e-12);
  assert.equal(aggregateValues([0, 2]), 0);
  assert.equal(aggregateValues([5]), 5);
  assert.ok(Number.isNaN(aggregateValues([])));
});

test("a design no worse on every workload point is never dominated by the other, zeros included", () => {
  // a: 0 and 100 fcSwitches on the two workload points, b: 1 and 100 -> a is no worse anywhere. A per-design choice of
  // mean (arithmetic for a, with its 0: 50; geometric for b: 10) let b dominate a.
  const rows = [
    { index: 0, d: "a", w: 1, sw: 0, lat: 1, status: "ok", reason: "" },
    { index: 1, d: "a", w: 2, sw: 100, lat: 1, status: "ok", reason: "" },
    { index: 2, d: "b", w: 1, sw: 1, lat: 1, status: "ok", reason: "" },
    { index: 3, d: "b", w: 2, sw: 100, lat: 1, status: "ok", reason: "" },
  ];
  const g = paretoGroups(rows, { objectives: [{ column: "sw", sense: "min" }, { column: "lat", sense: "min" }], designColumns: ["d"] });
  assert.equal(g[0].values[0], 0);
  assert.ok(Math.abs(g[1].values[0] - 10) < 1e-12);
  assert.deepEqual(g.map((x) => x.onFront), [true, false]);
  const negative = rows.map((r) => (r.index === 3 ? { ...r, sw: -1 } : r));
  assert.throws(
    () => paretoGroups(negative, { objectives: [{ column: "sw", sense: "min" }, { column: "lat", sense: "min" }], designColumns: ["d"] }),
    /^UserError: sw: the geometric mean over the workload needs values >= 0, but point 3 has -1/,
  );
});

test("objectives, design columns and reference matching", () => {
  assert.deepEqual(parseObjective("latencySec", ["latencySec"], "--x"), { column: "latencySec", sense: "min" });
  assert.deepEqual(parseObjective("tokensPerSec:max", ["tokensPerSec"], "--y"), { column: "tokensPerSec", sense: "max" });
  assert.throws(() => parseObjective("tokensPerSec:up", ["tokensPerSec"], "--y"), /^UserError: --y tokensPerSec:up: the sense after ":" must be min or max$/);
  assert.throws(() => parseObjective("latencySecs", ["latencySec", "energyJoules"], "--x"), /^UserError: --x: no column "latencySecs" in the table \(did you mean "latencySec"\?\)$/);
  assert.deepEqual(designColumnsOf(["a", "b", "c"], ["b"]), ["a", "c"]);
  assert.throws(() => designColumnsOf(["batch", "spec"], ["bach"], "--over"), /^UserError: --over: "bach" is not a swept path \(did you mean "batch"\?\); swept: batch, spec$/);
  assert.throws(() => designColumnsOf(["batch"], ["batch"]), /every swept path is aggregated over/);
  // numbers compare as numbers (a YAML 4 and a CSV "4"), structures as stable JSON, everything named must match
  assert.ok(matches({ n: 4, link: "cxl" }, { n: "4" }));
  assert.ok(matches({ n: "4.0" }, { n: 4 }) && !matches({ n: "4.5" }, { n: 4 }));
  assert.ok(matches({ n: 4, link: "cxl" }, { n: 4, link: "cxl" }));
  assert.ok(!matches({ n: 4, link: "cxl" }, { n: 4, link: "pcie5" }));
  assert.ok(!matches({ n: 4 }, { n: 2 }));
  assert.ok(matches({ hw: '{"a":1,"b":2}' }, { hw: { b: 2, a: 1 } }));
  assert.ok(matches({ on: true }, { on: true }) && !matches({ on: true }, { on: false }));
});

test("a group with an infeasible row, or a row without a value, is infeasible; all-equal groups are all on the front", () => {
  const row = (index: number, d: string, lat: number | null, status = "ok") => ({ index, d, lat, e: 1, status, reason: status === "ok" ? "" : "power: x" });
  const g = paretoGroups([row(0, "a", 1), row(1, "a", null), row(2, "b", 2), row(3, "c", 2)], { objectives: [{ column: "lat", sense: "min" }, { column: "e", sense: "min" }], designColumns: ["d"] });
  assert.deepEqual(g.map((x) => [x.feasible, x.onFront, x.reason]), [[false, false, "an objective has no value"], [true, true, ""], [true, true, ""]]);
  assert.ok(Number.isNaN(g[0].values[0]));
});

describe("properties", () => {
  // designs A and B over the same workload points; B's value is A's plus a non-negative amount on every point, in
  // every objective (for a maximized objective, minus); other designs around them
  // zeros often: a zero on one design's row is where a per-design choice of mean went wrong
  const value = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }));
  const delta = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 }));
  const table = fc.record({
    a: fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 5 }),
    extra: fc.array(fc.tuple(delta, delta), { minLength: 5, maxLength: 5 }),
    others: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 60 })), { minLength: 5, maxLength: 5 }), { maxLength: 4 }),
    maxSecond: fc.boolean(),
  });
  test("if A is no worse than B on every workload point, B never dominates A, and A is on the front when B is", () =>
    fc.assert(
      fc.property(table, ({ a, extra, others, maxSecond }) => {
        const n = a.length;
        const sign = maxSecond ? -1 : 1;
        const rows: Record<string, string | number>[] = [];
        const add = (d: string, pts: [number, number][]) =>
          pts.slice(0, n).forEach(([x, y], w) => rows.push({ index: rows.length, d, w, x, y: maxSecond ? 100 - y : y, status: "ok", reason: "" }));
        add("A", a);
        add("B", a.map(([x, y], w) => [x + extra[w][0], y + extra[w][1]]));
        others.forEach((o, k) => add(`o${k}`, o));
        const g = paretoGroups(rows as never, { objectives: [{ column: "x", sense: "min" }, { column: "y", sense: maxSecond ? "max" : "min" }], designColumns: ["d"] });
        const [A, B] = g;
        const signed = (v: number[]) => [v[0], sign * v[1]];
        assert.ok(!dominates(signed(B.values), signed(A.values)), `B ${B.values} dominates A ${A.values}`);
        if (B.onFront) assert.ok(A.onFront, `B on the front, A not: ${A.values} vs ${B.values}`);
      }),
    ));

  const pts = fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 40 });
  test("no front point is dominated, and every point off the front is dominated by a front point", () =>
    fc.assert(
      fc.property(pts, (p) => {
        const f = paretoFront(p);
        assert.ok(f.some(Boolean));
        p.forEach((x, i) => {
          if (f[i]) assert.ok(!p.some((y) => dominates(y, x)));
          else assert.ok(p.some((y, j) => f[j] && dominates(y, x)));
        });
      }),
    ));
});
