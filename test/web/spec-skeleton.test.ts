import assert from "node:assert/strict";
import { test } from "node:test";
import { specSkeleton } from "../../src/web/spec-skeleton.ts";

test("a spec's skeleton: every inline data array replaced by its position, in document order, the arrays returned", () => {
  const a = [{ x: 1 }];
  const b = [{ y: 2 }, { y: 3 }];
  const spec = { title: "t", data: { values: a, name: "d" }, layer: [{ mark: "bar" }, { data: { values: b }, mark: "text" }] };
  const { skeleton, datasets } = specSkeleton(spec);
  assert.deepEqual(datasets, [a, b]);
  assert.equal(datasets[0], a, "the arrays themselves, not copies");
  assert.deepEqual(JSON.parse(skeleton), { title: "t", data: { name: "d", values: "#0" }, layer: [{ mark: "bar" }, { data: { values: "#1" }, mark: "text" }] });
});

test("two specs that differ only in their data share a skeleton; a title or a data URL does not count as data", () => {
  const chart = (values: object[], title: string) => ({ title, data: { values }, mark: "point" });
  assert.equal(specSkeleton(chart([{ x: 1 }], "t")).skeleton, specSkeleton(chart([{ x: 2 }, { x: 3 }], "t")).skeleton);
  assert.notEqual(specSkeleton(chart([{ x: 1 }], "t")).skeleton, specSkeleton(chart([{ x: 1 }], "u")).skeleton);
  const byUrl = specSkeleton({ data: { url: "a.csv" }, values: [1] });
  assert.deepEqual(byUrl.datasets, []);
  assert.deepEqual(JSON.parse(byUrl.skeleton), { data: { url: "a.csv" }, values: [1] });
  assert.deepEqual(specSkeleton({ data: null, n: 3 }), { skeleton: '{"data":null,"n":3}', datasets: [] });
});
