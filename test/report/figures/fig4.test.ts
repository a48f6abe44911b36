import { test } from "node:test";
import assert from "node:assert/strict";
import { fig4 } from "../../../src/report/figures/fig4.ts";
import type { FigureContext } from "../../../src/report/figures/types.ts";

// fig4 prices kernels directly; it reads nothing from the experiment context
const f = fig4({} as FigureContext);
const crossover = (f.summary as { fig4: { crossoverTokens: Record<string, number> } }).fig4.crossoverTokens;

test("summary: the largest RLP x TLP of the grid at which each PIM design is at least as fast as the A100", () => {
  assert.deepEqual(Object.keys(crossover), ["attacc", "hbm-pim", "fc-pim"]);
  for (const [kind, tokens] of Object.entries(crossover)) {
    const label = { attacc: "AttAcc (1P1B)", "hbm-pim": "Samsung HBM-PIM (1P2B)", "fc-pim": "FC-PIM (4P1B)" }[kind]!;
    const rows = f.tables[0].rows.filter((r) => r.device === label);
    assert.ok(rows.some((r) => r.tokens === tokens && Number(r.normalizedToA100) <= 1), kind);
    assert.ok(rows.every((r) => Number(r.tokens) <= tokens || Number(r.normalizedToA100) > 1), kind);
  }
  assert.match(f.markdown, /AttAcc \(1P1B\): at least as fast as the A100 up to 8 tokens/);
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
