import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { quantity, type Range } from "../../src/core/quantity.ts";

/** quantity() as it was built before its checks were added at once: chained .int().gt()/.min().max().describe(). */
function chained(what: string, unit: string, range: Range): z.ZodNumber {
  const message = `must be ${range.int ? "an integer" : "a number"} in ${range.minExclusive ? "(" : "["}${range.min}, ${range.max}]${unit ? ` (${unit})` : ""}`;
  let s = z.number({ error: message });
  if (range.int) s = s.int(message);
  s = range.minExclusive ? s.gt(range.min, message) : s.min(range.min, message);
  s = s.max(range.max, message);
  return s.describe(`${what}${unit ? ` [${unit}]` : ""}`);
}

test("quantity: the same verdicts, messages, bounds and JSON Schema as the chained checks", () => {
  const ranges: Range[] = [{ min: 1, max: 64, int: true }, { min: 0, max: 10, minExclusive: true }, { min: 0.5, max: 2 }];
  const inputs: unknown[] = [-1, 0, 0.5, 1, 1.5, 2, 10, 63, 64, 65, 1e300, NaN, Infinity, -0, "3", null, undefined, true];
  for (const range of ranges) {
    const a = quantity("a count", "units", range);
    const b = chained("a count", "units", range);
    for (const x of inputs) {
      const ra = a.safeParse(x);
      const rb = b.safeParse(x);
      assert.equal(ra.success, rb.success, `${JSON.stringify(range)} ${String(x)}`);
      assert.deepEqual(ra.error?.issues, rb.error?.issues, `${JSON.stringify(range)} ${String(x)}`);
    }
    assert.deepEqual([a.minValue, a.maxValue, a.isInt, a.description], [b.minValue, b.maxValue, b.isInt, b.description]);
    assert.deepEqual(z.toJSONSchema(a), z.toJSONSchema(b));
  }
  // a verdict pinned by hand: the open lower bound refuses its bound, the integer range refuses a fraction
  assert.equal(quantity("x", "", { min: 0, max: 10, minExclusive: true }).safeParse(0).success, false);
  assert.equal(quantity("x", "", { min: 1, max: 64, int: true }).safeParse(1.5).error?.issues[0].message, "must be an integer in [1, 64]");
});
