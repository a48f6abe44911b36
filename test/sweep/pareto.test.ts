import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { aggregateValues, dominates, paretoFront, paretoGroups } from "../../src/sweep/pareto.ts";

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
  assert.deepEqual(g[0].references, ["mine"]);
});

test("aggregate: geometric mean of positive values, arithmetic mean otherwise", () => {
  assert.ok(Math.abs(aggregateValues([1, 100]) - 10) < 1e-12);
  assert.equal(aggregateValues([0, 2]), 1);
});

describe("properties", () => {
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
