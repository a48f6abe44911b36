import { test } from "node:test";
import assert from "node:assert/strict";
import { paretoChart } from "../../../src/report/sweep/pareto-chart.ts";

const rows = [
  { latencySec: 3, tokensPerSec: 30, front: true, reference: "", label: "2" },
  { latencySec: 1, tokensPerSec: 10, front: true, reference: "papi", label: "1" },
  { latencySec: 4, tokensPerSec: 5, front: false, reference: "attacc", label: "" },
  { latencySec: 5, tokensPerSec: 20, front: false, reference: "", label: "" },
];
type Layer = { data: { values: typeof rows }; mark: { type: string; shape?: string; color?: string }; encoding: Record<string, { field: string; title?: string }> };
const layers = (o: Partial<Parameters<typeof paretoChart>[0]> = {}) =>
  (paretoChart({ title: "t", subtitle: "s", x: "latencySec", y: "tokensPerSec", rows, ...o }) as unknown as { layer: Layer[] }).layer;

test("the Pareto chart: every design, the front sorted by x, its numbers, and the references in red", () => {
  const [all, front, numbers, refDots, refNames] = layers({ xTitle: "latency (s)" });
  assert.equal(all.data.values.length, 4);
  assert.equal(all.mark.color, "#9a9a9a");
  assert.equal(all.encoding.x.title, "latency (s)");
  assert.equal(all.encoding.y.title, "tokensPerSec");
  assert.deepEqual(front.data.values.map((r) => r.latencySec), [1, 3]);
  assert.equal(front.mark.type, "line");
  assert.deepEqual(numbers.data.values.map((r) => r.label), ["1", "2"]);
  assert.equal(numbers.encoding.text.field, "label");
  assert.deepEqual(refDots.data.values.map((r) => r.reference), ["papi", "attacc"]);
  assert.equal(refDots.mark.shape, "diamond");
  assert.equal(refNames.encoding.text.field, "reference");
});

test("a z objective colors the dots; no numbers or references, no layers for them", () => {
  const plain = rows.map((r) => ({ ...r, reference: "", label: "" }));
  const ls = layers({ rows: plain, z: "energyJoules", zTitle: "energy (J)" });
  assert.equal(ls.length, 2);
  assert.equal(ls[0].mark.color, undefined);
  assert.equal(ls[0].encoding.color.field, "energyJoules");
  assert.equal(ls[0].encoding.color.title, "energy (J)");
  assert.equal(layers({ rows: plain, z: "energyJoules" })[0].encoding.color.title, "energyJoules");
});

test("both Pareto axes fit the designs, not zero (latency 1..5 s would otherwise sit in the right half)", () => {
  for (const l of layers()) {
    assert.deepEqual((l.encoding.x as unknown as { scale: object }).scale, { zero: false });
    assert.deepEqual((l.encoding.y as unknown as { scale: object }).scale, { zero: false });
  }
});

test("the front line joins its points in x order; front rows without a label get no number; the title and subtitle", () => {
  const spec = paretoChart({ title: "T", subtitle: ["s1", "s2"], x: "latencySec", y: "tokensPerSec", rows }) as unknown as { title: unknown; layer: Layer[] };
  assert.deepEqual(spec.title, { text: "T", subtitle: ["s1", "s2"] });
  assert.deepEqual(spec.layer[1].encoding.order, { field: "latencySec", type: "quantitative" });
  const unlabelled = rows.map(({ label: _label, ...r }) => ({ ...r, reference: "" }));
  assert.deepEqual(layers({ rows: unlabelled as typeof rows }).map((l) => l.mark.type), ["point", "line"]);
});
