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

test("wrap: title with or without subtitle, rows as top-level data unless told, facets in row order, two columns by default", async () => {
  const { wrap, fmtNum, refRule, refLabel, esc, SCHEMA } = await import("../../src/report/chart-parts.ts");
  const rows = [{ m: "b", v: 1 }, { m: "a", v: 2 }, { m: "b", v: 3 }];
  assert.deepEqual(wrap({ title: "T" }, { mark: "bar" }), { $schema: SCHEMA, title: { text: "T" }, mark: "bar" });
  assert.deepEqual(wrap({ title: "T", subtitle: ["s1", "s2"], rows }, { mark: "bar" }), { $schema: SCHEMA, title: { text: "T", subtitle: ["s1", "s2"] }, data: { values: rows }, mark: "bar" });
  assert.deepEqual(wrap({ title: "T", subtitle: "", rows }, {}, false), { $schema: SCHEMA, title: { text: "T" } });
  const faceted = wrap({ title: "T", rows, facet: "m" }, { mark: "bar" }) as unknown as Record<string, unknown>;
  assert.deepEqual(faceted.facet, { field: "m", type: "nominal", sort: ["b", "a"], title: null, header: { labelFontSize: 13 } });
  assert.equal(faceted.columns, 2);
  assert.deepEqual(faceted.spec, { mark: "bar" });
  assert.deepEqual(faceted.data, { values: rows });
  assert.equal((wrap({ title: "T", rows, facet: "m", facetColumns: 3 }, {}) as unknown as { columns: number }).columns, 3);
  assert.equal(esc("a\\b"), "a\\\\b");
  // three significant digits, no trailing zeros
  assert.deepEqual([312.4, 2.04, 153.04, 0.0012345, 1e6, 2].map(fmtNum), ["312", "2.04", "153", "0.00123", "1000000", "2"]);
  // reference lines carry their own one-row data, so they are drawn once
  const rule = refRule(1) as { data: { values: object[] }; mark: { type: string; strokeDash: number[] }; encoding: object };
  assert.deepEqual([rule.data.values, rule.mark.type, rule.encoding], [[{}], "rule", { y: { datum: 1 } }]);
  assert.equal(rule.mark.strokeDash.length, 2, "dashed");
  const label = refLabel(50, "budget") as { data: { values: object[] }; mark: { align: string }; encoding: { x: { value: number }; y: { datum: number }; text: { value: string } } };
  assert.deepEqual(label.data.values, [{}]);
  assert.equal(label.mark.align, "right");
  assert.ok(label.encoding.x.value < 500 && label.encoding.x.value > 480, "right-aligned just inside the plot's right edge");
  assert.deepEqual([label.encoding.y.datum, label.encoding.text.value], [50, "budget"]);
});
