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

test("extra on hand-made grid runs: the oracle rows, alpha relative to the calibrated one, six continuous-batching runs", async () => {
  const { extra } = await import("../../../src/report/figures/extra.ts");
  const { fakeExperiments } = await import("../fake-experiments.ts");
  // PAPI 1.25 s with its calibrated alpha 8 x spec, the oracle 1 s (a 25 % gap) except at batch 64 (no gap);
  // with alpha a given: 1 + a / 1024 s at B4 S4, 2 s at the other alpha points
  const exp = fakeExperiments((p) => ({
    alpha: 8 * p.spec,
    latencySec: p.scheduler === "oracle" ? (p.batch === 64 ? 1.25 : 1) : p.alpha === undefined ? 1.25 : p.batch === 4 ? 1 + p.alpha / 1024 : 2,
  }));
  const f = extra({ exp: Object.assign(exp, { seed: 1 }), protocol: "one-batch" });
  const [oracle, alpha, cont] = f.tables.map((t) => t.rows);
  assert.equal(oracle.length, 27);
  assert.deepEqual(oracle[0], { model: "llama-65b", point: "B4 S1", alpha: 8, papiOverOracle: 1.25 });
  assert.equal(oracle.find((r) => r.point === "B64 S2")!.papiOverOracle, 1);
  assert.equal(oracle.find((r) => r.point === "B16 S4")!.alpha, 32, "the alpha of PAPI's run at that point");
  // mean of 18 x 1.25 and 9 x 1 = 7/6
  assert.deepEqual(f.summary, { extra: { papiOverOracleMean: 7 / 6, papiOverOracleMax: 1.25 } });
  assert.ok(f.markdown.startsWith("PAPI is on average 16.67 % slower than the per-iteration oracle (worst point 25.00 %)."));
  assert.equal(alpha.length, 3 * 10);
  assert.deepEqual(alpha.slice(0, 3), [
    { point: "B4 S4", alpha: 0.5, latencyVsCalibrated: 0.8 },
    { point: "B4 S4", alpha: 2, latencyVsCalibrated: (1 + 2 / 1024) / 1.25 },
    { point: "B4 S4", alpha: 4, latencyVsCalibrated: (1 + 4 / 1024) / 1.25 },
  ]);
  assert.deepEqual([...new Set(alpha.map((r) => r.point))], ["B4 S4", "B16 S2", "B64 S1"]);
  assert.deepEqual(alpha.filter((r) => r.point === "B64 S1").map((r) => r.latencyVsCalibrated), Array(10).fill(1.6));
  const chart = JSON.stringify(f.charts.find((c) => c.name === "extra-alpha")!.spec);
  for (const label of ['"0 (GPU)"', '"∞ (PIM)"', '"256"']) assert.ok(chart.includes(label), label);
  assert.ok(!chart.includes('"1000000"'));
  // alpha values as ordinal categories, latency ratios around 1 (no zero), a rule at the calibrated alpha's 1
  const alphaEnc = (f.charts.find((c) => c.name === "extra-alpha")!.spec as unknown as { layer: { encoding: Record<string, { type?: string; scale?: { zero?: boolean }; datum?: number }> }[] }).layer;
  assert.equal(alphaEnc[0].encoding.x.type, "ordinal");
  assert.equal(alphaEnc[0].encoding.y.scale?.zero, false);
  assert.ok(alphaEnc.some((l) => l.encoding.y?.datum === 1) && chart.includes('"calibrated"'));
  assert.deepEqual(cont.map((r) => `${r.system} ${r.spec}`), ["a100-attacc 1", "a100-attacc 4", "attacc-only 1", "attacc-only 4", "papi 1", "papi 4"]);
  assert.ok(cont.every((r) => Number(r.tokensPerSec) > 0 && Number(r.ttftP99Sec) >= Number(r.ttftP50Sec)));
  assert.equal(cont.find((r) => r.system === "attacc-only")!.fcOnGpuShare, 0);
  assert.ok(f.markdown.includes("| system | spec | tokens/s | TTFT p50 (s) | TTFT p99 (s) | TPOT p50 (ms) | TPOT p99 (ms) | FC on GPU |"));
  assert.ok(f.markdown.includes("| AttAcc-only | 1 |"));
});
