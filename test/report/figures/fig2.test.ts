import { test } from "node:test";
import assert from "node:assert/strict";
import { Experiments } from "../../../src/report/experiments.ts";
import { fig2 } from "../../../src/report/figures/fig2.ts";
import { specToSvg } from "../../../src/report/plot.ts";

const ctx = (hardware = {}) => ({ exp: new Experiments("dolly-creative", 1, { hardware }), protocol: "all-batches" as const });

interface Box { name: string; x0: number; x1: number; y0: number; y1: number }

/**
 * The point labels of the rendered SVG as boxes (DejaVu Sans 11 px: about 6.8 px per character, 11 px tall above
 * the baseline vega places them on) and the point markers as 9 px squares.
 */
async function layout(svg: string): Promise<{ labels: Box[]; points: Box[] }> {
  const labels: Box[] = [];
  for (const m of svg.matchAll(/<text aria-label="[^"]*name: ([^"]+)"[^>]*text-anchor="(start|end|middle)" transform="translate\(([-\d.]+),([-\d.]+)\)"/g)) {
    const [, name, anchor, xs, ys] = m;
    const x = Number(xs);
    const y = Number(ys);
    const w = name.length * 6.8;
    const x0 = anchor === "end" ? x - w : anchor === "middle" ? x - w / 2 : x;
    labels.push({ name, x0, x1: x0 + w, y0: y - 9, y1: y + 2 });
  }
  const points: Box[] = [];
  for (const m of svg.matchAll(/<path aria-label="[^"]*kernel, sweep: ([^"]+)" role="graphics-symbol" aria-roledescription="point" transform="translate\(([-\d.]+),([-\d.]+)\)"/g)) {
    const x = Number(m[2]);
    const y = Number(m[3]);
    points.push({ name: m[1], x0: x - 4.5, x1: x + 4.5, y0: y - 4.5, y1: y + 4.5 });
  }
  return { labels, points };
}
const overlap = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

test("Fig. 2's point labels overlap neither each other nor any point marker", async () => {
  for (const hardware of [{}, { gpu: "h100-sxm" }]) {
    const f = fig2(ctx(hardware));
    const { labels, points } = await layout(await specToSvg(f.charts[0].spec));
    assert.ok(labels.length >= 12 && points.length === 20, `${labels.length} labels, ${points.length} points`);
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) assert.ok(!overlap(labels[i], labels[j]), `${labels[i].name} / ${labels[j].name}`);
      for (const p of points) assert.ok(!overlap(labels[i], p), `${labels[i].name} over a ${p.name} point`);
    }
  }
});

test("spec-sweep points that coincide with batch-sweep points are labelled once, and the subtitle says which", () => {
  const f = fig2(ctx());
  const title = JSON.stringify(f.charts[0].spec.title);
  assert.match(title, /FC S2 = B8, FC S4 = B16, FC S8 = B32, attention S8 = B32/);
  // the coinciding points really are the same: FC cost depends only on RLP x TLP
  const row = (kind: string, rlp: number, tlp: number) => f.tables[0].rows.find((r) => r.kind === kind && r.rlp === rlp && r.tlp === tlp)!;
  assert.equal(row("fc", 32, 4).achievedFlopsPerSec, row("fc", 16, 8).achievedFlopsPerSec);
});

test("the GPU is the setup's: hardware.gpu replaces the A100 in the roof, the title and the CSV", () => {
  const f = fig2(ctx({ gpu: "h100-sxm" }));
  assert.match(JSON.stringify(f.charts[0].spec.title), /on H100/);
  assert.ok(f.tables[0].rows.every((r) => r.gpu === "h100-sxm" && r.gpuLabel === "H100"));
});

test("label places as documented: FC B16 left, B32-B128 below, S6 under; spec points on a batch point unlabelled", () => {
  const spec = fig2(ctx()).charts[0].spec as unknown as { layer: { data: { values: { name: string; pos: string }[] } }[] };
  const labels = spec.layer[3].data.values;
  const posOf = (name: string): string[] => labels.filter((l) => l.name === name).map((l) => l.pos);
  assert.deepEqual(posOf("B16"), ["left"]);
  for (const b of ["B32", "B64", "B128"]) assert.deepEqual(posOf(b), ["below"], b);
  assert.deepEqual(posOf("B8"), ["above"]);
  // every B4 label (FC, and attention alone or merged with its neighbours) is above
  assert.ok(labels.filter((l) => l.name.startsWith("B4")).every((l) => l.pos === "above"));
  // FC S2 = B8 and FC S4 = B16 (RLP x TLP 64, 128) are unlabelled; attention S2, S4 below; FC S6 (192) under, attention S6 below
  assert.deepEqual(posOf("S2"), ["below"]);
  assert.deepEqual(posOf("S4"), ["below"]);
  assert.deepEqual(posOf("S6").sort(), ["below", "under"]);
  // S8 at batch 32 is B32 at speculation 8, for FC and attention alike
  assert.deepEqual(posOf("S8"), []);
});

test("the table: FC intensity about RLP x TLP, attention about TLP whatever the batch; every point under the roof; the text quotes the table", () => {
  const f = fig2(ctx());
  const rows = f.tables[0].rows as { kind: string; sweep: string; rlp: number; tlp: number; arithmeticIntensity: number; achievedFlopsPerSec: number }[];
  assert.equal(rows.length, 2 * (6 + 4));
  assert.deepEqual([...new Set(rows.map((r) => r.sweep))], ["batch sweep", "spec sweep"]);
  // FC reads the weights once for RLP x TLP tokens (2 FLOP per weight per token, 2 bytes per weight): AI just under the token count;
  // attention reads each request's KV cache once for its TLP tokens: AI just under TLP, the same at every batch size
  for (const r of rows) {
    const ideal = r.kind === "fc" ? r.rlp * r.tlp : r.tlp;
    assert.ok(r.arithmeticIntensity > 0.8 * ideal && r.arithmeticIntensity <= ideal, `${r.kind} ${r.rlp}x${r.tlp}: ${r.arithmeticIntensity}`);
  }
  assert.equal(new Set(rows.filter((r) => r.kind === "attention" && r.sweep === "batch sweep").map((r) => r.arithmeticIntensity)).size, 1);
  const roof = (f.charts[0].spec as unknown as { layer: { data: { values: { ai: number; tflops: number }[] } }[] }).layer[0].data.values;
  const peak = roof[2].tflops * 1e12;
  const bw = (roof[0].tflops * 1e12) / roof[0].ai;
  for (const r of rows) assert.ok(r.achievedFlopsPerSec <= Math.min(peak, bw * r.arithmeticIntensity) * (1 + 1e-9), `${r.kind} ${r.rlp}x${r.tlp} above the roof`);
  const range = (kind: string) => {
    const ai = rows.filter((r) => r.kind === kind).map((r) => r.arithmeticIntensity);
    return `${Math.min(...ai).toFixed(1)}–${Math.max(...ai).toFixed(1)} FLOP/B`;
  };
  assert.ok(f.markdown.includes(`spans ${range("fc")}`) && f.markdown.includes(`stays at ${range("attention")}`), f.markdown);
});
