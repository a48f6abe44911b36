import { test } from "node:test";
import assert from "node:assert/strict";
import { Experiments } from "../../../src/report/experiments.ts";
import { fig6 } from "../../../src/report/figures/fig6.ts";

const f = fig6({ exp: new Experiments("dolly-creative", 1), protocol: "all-batches" });
const rows = f.tables[0].rows;

test("fig6: one row per RLP 1..128 x TLP 1..8, estimate = RLP x TLP", () => {
  assert.equal(rows.length, 8 * 4);
  for (const r of rows) {
    assert.equal(r.estimate, Number(r.rlp) * Number(r.tlp));
    assert.equal(r.series, `TLP ${r.tlp}`);
  }
  assert.deepEqual([...new Set(rows.map((r) => r.rlp))], [1, 2, 4, 8, 16, 32, 64, 128]);
});

test("fig6: an FC kernel reads each fp16 weight once per token batch, so intensity ~ tokens (2 FLOPs per 2-byte weight)", () => {
  const gap = (r: (typeof rows)[number]) => Math.abs(Number(r.actual) / Number(r.estimate) - 1);
  const one = rows.find((r) => r.rlp === 1 && r.tlp === 1)!;
  assert.ok(gap(one) < 0.01, `${one.actual}`);
  // activations grow with the tokens, weights do not: the intensity falls below the estimate as RLP x TLP grows
  const big = rows.find((r) => r.rlp === 128 && r.tlp === 8)!;
  assert.ok(Number(big.actual) < Number(big.estimate) && gap(big) > gap(one));
  const worst = Math.max(...rows.map(gap));
  assert.ok(f.markdown.startsWith(`Largest relative gap between estimate and actual over RLP 1..128 x TLP 1..8: ${(worst * 100).toFixed(1)} %`));
});

test("fig6: only the FC kernels count: at RLP 128 x TLP 1 the activations (16 d per token) add under 2 % to the 12 d² weights", () => {
  // GPT-3 66B, d = 9216: 128 x 16 / (12 x 9216) = 1.9 % more bytes than the weights, so actual ~ 128 / 1.019;
  // the attention of 128 requests over 512 cached tokens would about double the bytes
  const r = rows.find((x) => x.rlp === 128 && x.tlp === 1)!;
  assert.ok(Number(r.actual) > 128 / 1.03 && Number(r.actual) < 128, `${r.actual}`);
});

test("fig6's chart: both axes log", () => {
  const layers = (f.charts[0].spec as unknown as { layer: { mark: { type: string }; encoding: Record<string, { scale?: { type?: string } }> }[] }).layer;
  const enc = layers.find((l) => l.mark.type === "point")!.encoding;
  assert.equal(enc.x.scale?.type, "log");
  assert.equal(enc.y.scale?.type, "log");
});
