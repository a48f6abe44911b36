import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { count, formatBound, formatRange, quantity, RANGES, type Range } from "../../src/core/quantity.ts";

test("formatBound: exponent form at and beyond 1e6 and below 1e-3 (either sign), plain otherwise", () => {
  assert.equal(formatBound(0), "0");
  assert.equal(formatBound(1e6), "1e6");
  assert.equal(formatBound(999999), "999999");
  assert.equal(formatBound(1e-3), "0.001");
  assert.equal(formatBound(9e-4), "9e-4");
  assert.equal(formatBound(-2e6), "-2e6");
  assert.equal(formatBound(-1e-4), "-1e-4");
  assert.equal(formatBound(65536), "65536");
  assert.equal(formatBound(1e16), "1e16");
});

test("formatRange: closed or left-open", () => {
  assert.equal(formatRange({ min: 1e3, max: 1e16 }), "[1000, 1e16]");
  assert.equal(formatRange({ min: 0, max: 1, minExclusive: true }), "(0, 1]");
  assert.equal(formatRange({ min: 0, max: 1, minExclusive: false }), "[0, 1]");
});

const message = (s: z.ZodType, v: unknown): string | undefined => {
  const r = s.safeParse(v);
  return r.success ? undefined : r.error.issues[0].message;
};

test("quantity: the bounds are inclusive (or exclusive at min when asked); every failure has the same message", () => {
  const bw = quantity("HBM bandwidth", "B/s", RANGES.bandwidthBytesPerSec);
  const m = "must be a number in [1000, 1e16] (B/s)";
  assert.equal(message(bw, 1e3), undefined);
  assert.equal(message(bw, 1e16), undefined);
  assert.equal(message(bw, 999), m);
  assert.equal(message(bw, 1.0000001e16), m);
  assert.equal(message(bw, "5"), m);
  assert.equal(message(bw, NaN), m);
  assert.equal(message(bw, Infinity), m);
  assert.equal(message(bw, 1.5e3), undefined); // not an integer field
  assert.equal(bw.description, "HBM bandwidth [B/s]");

  const f = quantity("efficiency", "", RANGES.fraction);
  assert.equal(message(f, 0), "must be a number in (0, 1]");
  assert.equal(message(f, 1e-12), undefined);
  assert.equal(message(f, 1), undefined);
  assert.equal(message(f, 1.01), "must be a number in (0, 1]");
  assert.equal(f.description, "efficiency");
  // an inclusive zero lower bound accepts zero
  assert.equal(message(quantity("energy", "J", RANGES.energyPerBitJoules), 0), undefined);
});

test("count: integers in [min, max]; a fraction or an out-of-range value gives the integer message", () => {
  const c = count("layers", 1, 1000);
  const m = "must be an integer in [1, 1000]";
  assert.equal(message(c, 1), undefined);
  assert.equal(message(c, 1000), undefined);
  assert.equal(message(c, 0), m);
  assert.equal(message(c, 1001), m);
  assert.equal(message(c, 2.5), m);
  assert.equal(message(count("banks", 1, 64, "per channel"), 0), "must be an integer in [1, 64] (per channel)");
  assert.equal(count("banks", 1, 64, "per channel").description, "banks [per channel]");
});

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
