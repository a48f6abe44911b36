import { test } from "node:test";
import assert from "node:assert/strict";
import { oracleGap } from "../../../src/report/figures/extra.ts";

const rows = (ratios: number[]) => ratios.map((papiOverOracle, i) => ({ model: "llama-65b", point: `B${i}`, papiOverOracle }));

test("the oracle gap: a sentence instead of a chart when every bar would be 0", () => {
  const same = oracleGap(rows([1, 1, 1]));
  assert.deepEqual(same.charts, []);
  assert.match(same.text, /equals the per-iteration oracle's .* at all 3 Fig\. 8 points/);
});

test("the oracle gap: a chart and the mean and worst gap in percent when PAPI is slower somewhere", () => {
  // gaps 0 %, 2 %, 4 %: mean (1 + 1.02 + 1.04) / 3 - 1 = 2.00 %, worst 4.00 %
  const slower = oracleGap(rows([1, 1.02, 1.04]));
  assert.equal(slower.charts.length, 1);
  assert.equal(slower.charts[0].name, "extra-oracle");
  assert.equal(slower.text, "PAPI is on average 2.00 % slower than the per-iteration oracle (worst point 4.00 %).");
});
