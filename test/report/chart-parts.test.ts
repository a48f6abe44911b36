import { test } from "node:test";
import assert from "node:assert/strict";
import { categoryAxis, labelAngle } from "../../src/report/chart-parts.ts";

test("category axis: horizontal when the longest label fits its band, tilted from a 24 px band, vertical below", () => {
  // a 10-character label needs 10 x 7.5 + 8 = 83 px: two labels fit horizontally from 166 px
  assert.equal(labelAngle(["aaaaaaaaaa", "b"], 166), 0);
  assert.equal(labelAngle(["aaaaaaaaaa", "b"], 165), -30);
  assert.deepEqual(categoryAxis(["aaaaaaaaaa", "b"], 166), { labelAngle: 0, labelOverlap: false, labelLimit: 260 });
  assert.deepEqual(categoryAxis(["aaaaaaaaaa", "b"], 48), { labelAngle: -30, labelOverlap: false, labelLimit: 260 });
  assert.deepEqual(categoryAxis(["aaaaaaaaaa", "b"], 47), { labelAngle: -90, labelOverlap: false, labelLimit: 260, labelAlign: "right", labelBaseline: "middle" });
  // no labels: one band of the whole width
  assert.equal(labelAngle([], 10), 0);
});

test("log scales: the data's own range from a factor 1.5 up; a narrower range widened by 1.25 each way", async () => {
  const { logScale, LOG_SCALE } = await import("../../src/report/chart-parts.ts");
  assert.equal(logScale([2, 3]), LOG_SCALE);
  assert.deepEqual(logScale([2, 2.9]), { ...LOG_SCALE, domain: [1.6, 3.625] });
  assert.deepEqual(logScale([0, -1, 4]), { ...LOG_SCALE, domain: [3.2, 5] });
  assert.equal(logScale([0, -1]), LOG_SCALE);
});

test("numbers keeps finite numbers only, in row order; logTicks ignores infinities", async () => {
  const { numbers, logTicks } = await import("../../src/report/chart-parts.ts");
  assert.deepEqual(numbers([{ a: 1 }, { a: "2" }, { a: Number.NaN }, { a: Infinity }, { a: null }, { a: true }, { a: -3 }, { b: 4 }], "a"), [1, -3]);
  assert.deepEqual(logTicks([1, 10, Infinity]), [1, 2, 5, 10]);
});
