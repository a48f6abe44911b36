import { test } from "node:test";
import assert from "node:assert/strict";
import { arithmeticMean, Experiments, fig8Grid, geometricMean } from "../../src/report/experiments.ts";

test("arithmetic and geometric means (hand values)", () => {
  assert.equal(arithmeticMean([1, 2, 6]), 3);
  assert.ok(Math.abs(geometricMean([1, 2, 4]) - 2) < 1e-12);
  assert.ok(Math.abs(geometricMean([0.5, 8]) - 2) < 1e-12);
});

test("the Fig. 8 grid: 3 models x batch 4, 16, 64 x speculation 1, 2, 4, speculation innermost", () => {
  const g = [...fig8Grid()];
  assert.equal(g.length, 27);
  assert.deepEqual(g.slice(0, 4), [
    { model: "llama-65b", batch: 4, spec: 1 }, { model: "llama-65b", batch: 4, spec: 2 }, { model: "llama-65b", batch: 4, spec: 4 }, { model: "llama-65b", batch: 16, spec: 1 },
  ]);
  assert.deepEqual(g[26], { model: "gpt3-175b", batch: 64, spec: 4 });
});

test("requests per protocol: the whole trace, a seeded sample of `batch`, or `batch` mean-length requests", () => {
  const exp = new Experiments("uniform:16-256:2-24", 3);
  const all = exp.requestsFor("all-batches", 4);
  assert.ok(all.length > 8);
  assert.equal(exp.requestsFor("all-batches", 16), all);
  const mean = (f: (r: (typeof all)[number]) => number) => Math.round(all.reduce((s, r) => s + f(r), 0) / all.length);
  const eq = exp.requestsFor("equal-lengths", 3);
  assert.deepEqual(eq, [0, 1, 2].map((id) => ({ id, arrivalSec: 0, inputTokens: mean((r) => r.inputTokens), outputTokens: mean((r) => r.outputTokens) })));
  const one = exp.requestsFor("one-batch", 5);
  assert.equal(one.length, 5);
  assert.deepEqual(one.map((r) => [r.id, r.arrivalSec]), [0, 1, 2, 3, 4].map((i) => [i, 0]));
  // each sampled request is one of the trace's, distinct ones, lengths kept
  const keys = new Set(all.map((r) => `${r.inputTokens}/${r.outputTokens}`));
  assert.ok(one.every((r) => keys.has(`${r.inputTokens}/${r.outputTokens}`)));
  // cached per (protocol, batch), and the same sample for the same seed
  assert.equal(exp.requestsFor("one-batch", 5), one);
  assert.deepEqual(new Experiments("uniform:16-256:2-24", 3).requestsFor("one-batch", 5), one);
  assert.notDeepEqual(new Experiments("uniform:16-256:2-24", 4).requestsFor("one-batch", 5), one);
});

test("a run is simulated once per point and protocol; withSetup shares the cache but not the points", () => {
  const exp = new Experiments("fixed:64:9", 1);
  const p = { system: "papi", model: "llama-65b", batch: 2, spec: 1 };
  const r = exp.run(p, "one-batch");
  assert.equal(exp.runs, 1);
  assert.equal(exp.run(p, "one-batch"), r);
  assert.equal(exp.runs, 1);
  // one batch of 2 requests of 9 output tokens: every decode iteration feeds 2 tokens to FC
  const tokens = exp.iterationTokens(p, "one-batch");
  assert.equal(exp.runs, 1);
  assert.deepEqual([...tokens.keys()], [2]);
  assert.equal(r.numRequests, 2);
  exp.run(p, "all-batches");
  assert.equal(exp.runs, 2);
  const other = exp.withSetup({ hardware: { gpu: { staticPowerWatts: 0 } } });
  assert.notEqual(other.run(p, "one-batch"), r);
  assert.equal(exp.runs, 3);
  assert.equal(other.runs, 3);
  // iteration tokens of a point not yet run simulate it
  const q = { ...p, batch: 1 };
  assert.deepEqual([...exp.iterationTokens(q, "one-batch").keys()], [1]);
  assert.equal(exp.runs, 4);
  assert.equal(exp.run(q, "one-batch").numRequests, 1);
  assert.equal(exp.runs, 4);
});
