import { test } from "node:test";
import assert from "node:assert/strict";
import { Experiments } from "../../../src/report/experiments.ts";
import { fig4 } from "../../../src/report/figures/fig4.ts";
import type { Row } from "../../../src/report/charts.ts";

// fig4 prices kernels directly; it reads only the setup from the experiment context
const ctx = (setup = {}) => ({ exp: new Experiments("dolly-creative", 1, { hardware: {}, ...setup }), protocol: "all-batches" as const });
const f = fig4(ctx());
const crossoverOf = (out: ReturnType<typeof fig4>) => (out.summary as { fig4: { crossoverTokens: Record<string, number> } }).fig4.crossoverTokens;
const crossover = crossoverOf(f);

test("summary: the largest RLP x TLP of the grid at which each PIM design is at least as fast as the GPU", () => {
  assert.deepEqual(Object.keys(crossover).sort(), ["attacc", "fc-pim", "hbm-pim"]);
  for (const [id, tokens] of Object.entries(crossover)) {
    const rows = f.tables[0].rows.filter((r) => r.device === id);
    assert.ok(rows.some((r) => r.tokens === tokens && Number(r.normalizedToGpu) <= 1), id);
    assert.ok(rows.every((r) => Number(r.tokens) <= tokens || Number(r.normalizedToGpu) > 1), id);
  }
  assert.match(f.markdown, /AttAcc \(1P1B\): at least as fast as the A100 up to 8 tokens/);
});

test("CSV rows carry the preset id beside the display name", () => {
  const ids = new Set(f.tables[0].rows.map((r: Row) => `${r.device}=${r.deviceLabel}`));
  assert.deepEqual([...ids].sort(), ["a100-hbm3=A100", "attacc=AttAcc (1P1B)", "fc-pim=FC-PIM (4P1B)", "hbm-pim=Samsung HBM-PIM (1P2B)"]);
});

// By mechanism: one LLaMA-65B layer's FC weights are 8192 x (24576 + 8192 + 44032) + 22016 x 8192 = 809.5 M FP16
// = 1.62 GB. The A100 streams them at 3,352 GB/s x 0.85 in about 570 us, flat while memory-bound. Column-matched
// 1P1B on 5 stacks reads them once (5 x 5.3 TB/s: about 61 us at m = 1) and spends one 6-tCK MAC command per
// column per token, so about 50 us per extra token: 8 tokens about 415 us (< 570), 16 tokens about 820 us (> 570).
test("column-matched 1P1B is faster than the A100 at 8 tokens and slower at 16 (the paper's crossover)", () => {
  assert.equal(crossover.attacc, 8);
});

test("more FPUs per bank move the crossover up; one FPU per two banks moves it down", () => {
  assert.ok(crossover["fc-pim"] > crossover.attacc && crossover.attacc > crossover["hbm-pim"], JSON.stringify(crossover));
});

test("the setup's devices: hardware.gpu replaces the GPU; fcPim patches the FC designs only", () => {
  // The H100 has the A100 (HBM3)'s 3.35 TB/s but 3.2x its FLOP/s: where the GPU is compute-bound (512 tokens) it is
  // faster, so every PIM design is further behind it; the memory-bound crossovers need not move.
  const h = fig4(ctx({ hardware: { gpu: "h100-sxm" } }));
  const at512 = (out: ReturnType<typeof fig4>, id: string) => Number(out.tables[0].rows.find((r) => r.device === id && r.tokens === 512)!.normalizedToGpu);
  for (const id of ["attacc", "hbm-pim", "fc-pim"]) assert.ok(at512(h, id) > 1.5 * at512(f, id), id);
  assert.ok(h.tables[0].rows.some((r) => r.device === "a100-hbm3" && r.deviceLabel === "H100"));
  for (const [k, v] of Object.entries(crossoverOf(h))) assert.ok(v <= crossover[k], k);
  // decoupled-clock on the FC designs: a 1P1B unit reuses a column for 3 tokens at no cost (6 tCK = 3 FPU steps),
  // so AttAcc and FC-PIM get faster at m > 1; Samsung HBM-PIM (an attention design) keeps its crossover.
  const dc = fig4(ctx({ hardware: { fcPim: { computeSemantics: "decoupled-clock" } } }));
  const d = crossoverOf(dc);
  assert.ok(d.attacc > crossover.attacc && d["fc-pim"] > crossover["fc-pim"], JSON.stringify(d));
  assert.equal(d["hbm-pim"], crossover["hbm-pim"]);
  assert.match(dc.markdown, /FC-PIM \(4P1B\): .*decoupled-clock/);
  // a design that replaces the FC designs shows in their labels (AttAcc-only's FC stacks are FC designs too)
  const twoP = fig4(ctx({ hardware: { fcPim: "2p1b" } }));
  const labels = new Set(twoP.tables[0].rows.map((r) => `${r.device}=${r.deviceLabel}`));
  for (const l of ["fc-pim=FC-PIM (2P1B)", "attacc=AttAcc (2P1B)", "hbm-pim=Samsung HBM-PIM (1P2B)"]) assert.ok(labels.has(l), l);
  // device counts set the stacks behind one GPU: 60 FC stacks over 6 GPUs = 10, twice the memory bandwidth
  const ten = fig4(ctx({ fcStacks: 60 }));
  assert.match(String(ten.charts[0].spec.title && JSON.stringify(ten.charts[0].spec.title)), /10 HBM stacks/);
  assert.ok(crossoverOf(ten).attacc >= crossover.attacc);
});

test("the grid: 16 points x (the GPU and three PIM designs), the GPU's own rows at 1; stacks per GPU from the setup's counts", () => {
  const rows = f.tables[0].rows;
  assert.equal(rows.length, 16 * 4);
  assert.ok(rows.filter((r) => r.device === "a100-hbm3").every((r) => r.normalizedToGpu === 1));
  assert.ok(rows.every((r) => r.tokens === Number(r.batch) * Number(r.spec) && r.point === `B${r.batch} S${r.spec}`));
  // the paper's 30 FC stacks over 6 GPUs: 5 per GPU; 30 over 3: 10; 4 over 6 rounds up to 1
  const sub = (out: ReturnType<typeof fig4>) => JSON.stringify(out.charts[0].spec.title);
  assert.match(sub(f), /each PIM device has 5 HBM stacks/);
  assert.match(sub(fig4(ctx({ gpus: 3 }))), /each PIM device has 10 HBM stacks/);
  assert.match(sub(fig4(ctx({ fcStacks: 4 }))), /each PIM device has 1 HBM stacks/);
  // twice the stacks: every PIM design's FC time falls, the GPU's stays
  const ten = fig4(ctx({ gpus: 3 })).tables[0].rows;
  rows.forEach((r, i) => {
    if (r.device === "a100-hbm3") assert.equal(ten[i].latencySec, r.latencySec);
    else assert.ok(Number(ten[i].latencySec) < Number(r.latencySec), `${r.device} ${r.point}`);
  });
  assert.match(f.markdown, /^- Samsung HBM-PIM \(1P2B\): at least as fast as the A100 up to \d+ tokens per iteration \(column-matched MAC semantics\)\n/);
});

test("fig4's chart: log-log, ticks at every token count of the grid (batch 1..64 x speculation 1..8)", () => {
  const enc = (f.charts[0].spec as unknown as { layer: { encoding: Record<string, { scale?: { type?: string }; axis?: { values?: number[] } }> }[] }).layer[0].encoding;
  assert.equal(enc.x.scale?.type, "log");
  assert.equal(enc.y.scale?.type, "log");
  assert.deepEqual(enc.x.axis?.values, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
});
