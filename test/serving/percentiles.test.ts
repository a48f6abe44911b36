import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { percentiles } from "../../src/serving/metrics.ts";

/** The definition: sort with a numeric comparator, nearest rank, the mean summed in sorted order. */
function reference(values: readonly number[]) {
  if (values.length === 0) return { mean: 0, p50: 0, p90: 0, p99: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)];
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

test("percentiles on a typed array: the comparator sort's values, by hand and on ties", () => {
  // 3 values: p50 = the 2nd, p90 and p99 = the 3rd; the sort is numeric, not by text (10 after 9)
  assert.deepEqual(percentiles([10, 9, 1]), { mean: 20 / 3, p50: 9, p90: 10, p99: 10 });
  assert.deepEqual(percentiles(new Float64Array([2, 2, 2, 1])), { mean: 7 / 4, p50: 2, p90: 2, p99: 2 });
  // the mean sums in sorted order (the input order would round differently): 1e16 + 1 + 1 - 1e16
  assert.equal(percentiles([1e16, 1, -1e16, 1]).mean, reference([1e16, 1, -1e16, 1]).mean);
});

test("properties: equal to the comparator-based definition on any finite values (signed zeros, ties, spreads)", () =>
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1, 1e-300)), { maxLength: 300 }), (xs) => {
      const a = percentiles(xs);
      const b = reference(xs);
      // JSON is what a run prints: -0 and 0 both print 0
      return JSON.stringify(a) === JSON.stringify(b);
    }),
    { numRuns: 1000 },
  ));
