import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { count, formatBound, formatRange, quantity, RANGES } from "../../src/core/quantity.ts";

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
