import { test } from "node:test";
import assert from "node:assert/strict";
import { endIteration, type IterationEnv } from "../../src/serving/iteration.ts";
import { Replica } from "../../src/serving/replica.ts";
import { KvCache } from "../../src/serving/kv-cache.ts";
import { ServingRequest } from "../../src/serving/request-state.ts";
import { makeChunkedBatching } from "../../src/serving/batching/chunked.ts";

/** A replica and an env that records what endIteration reports: tokens, finished and prefilled requests. */
function setup() {
  const kv = new KvCache(1e6, 1, 4, 0);
  const rep = new Replica(0, {} as never, {} as never, makeChunkedBatching(), kv, { maxNumSeqs: 8, maxNumBatchedTokens: 64, tlpMax: 4, preemption: "recompute" }, { kind: "fixed", tlp: 1 }, {} as never);
  const log = { tokens: 0, finished: [] as number[], prefilled: [] as [number, number][] };
  const env: IterationEnv = {
    metrics: { onTokens: (_r: number, n: number) => (log.tokens += n) } as never,
    rng: { next: () => 0.5 } as never,
    acceptance: { kind: "ideal" },
    draft: { timePerTokenSec: 0, energyPerTokenJoules: 0 },
    onPrefilled: (_rep, r, t) => log.prefilled.push([r.index, t]),
    onFinished: (_rep, r) => log.finished.push(r.index),
  };
  return { rep, env, log };
}
function decoding(rep: Replica, index: number, prompt: number, generated: number, output: number) {
  const r = new ServingRequest({ id: index, arrivalSec: 0, inputTokens: prompt, outputTokens: output }, index);
  r.prefilledTokens = prompt;
  r.generated = generated;
  r.kvLen = prompt + generated - 1;
  rep.addRunning(r);
  return r;
}

test("a decode step at TLP 3: each request takes min(3, tokens left) and its cache grows by as many", () => {
  const { rep, env, log } = setup();
  const a = decoding(rep, 0, 10, 1, 8); // 7 left: takes 3
  const b = decoding(rep, 1, 6, 4, 6); // 2 left: takes 2 and finishes
  rep.tlp = 3;
  rep.numDecode = 2;
  rep.iterationEnd.timeSec = 2;
  endIteration(env, rep);
  // invariant while decoding: kvLen = prompt + generated - 1
  assert.deepEqual([a.generated, a.kvLen, b.generated, b.kvLen], [4, 13, 6, 11]);
  assert.equal(log.tokens, 5);
  assert.deepEqual(log.finished, [1]);
  assert.equal(rep.numDecode, 0);
});

test("prefill chunks: a chunk that ends its prompt yields a token (first token time set once); a partial chunk does not", () => {
  const { rep, env, log } = setup();
  const p = new ServingRequest({ id: 0, arrivalSec: 0, inputTokens: 10, outputTokens: 5 }, 0);
  const q = new ServingRequest({ id: 1, arrivalSec: 0, inputTokens: 8, outputTokens: 5 }, 1);
  q.prefilledTokens = 5;
  q.kvLen = 5;
  rep.plan.addChunk(p, 6);
  rep.plan.addChunk(q, 3);
  rep.iterationEnd.timeSec = 1.5;
  endIteration(env, rep);
  assert.deepEqual([p.prefilledTokens, p.kvLen, p.chunkTokens, p.generated, p.firstTokenAtSec], [6, 6, 0, 0, NaN]);
  assert.deepEqual([q.prefilledTokens, q.kvLen, q.chunkTokens, q.generated, q.firstTokenAtSec], [8, 8, 0, 1, 1.5]);
  assert.deepEqual(log.prefilled, [[1, 1.5]]);
  assert.equal(log.tokens, 1);
  assert.equal(rep.plan.numPrefills, 0);
  // a recomputed prompt keeps its first token time
  const r = new ServingRequest({ id: 2, arrivalSec: 0, inputTokens: 4, outputTokens: 5 }, 2);
  r.firstTokenAtSec = 0.25;
  r.generated = 2;
  r.promptTokens = 6;
  rep.plan.addChunk(r, 6);
  rep.iterationEnd.timeSec = 3;
  endIteration(env, rep);
  assert.deepEqual([r.generated, r.kvLen, r.firstTokenAtSec], [3, 6, 0.25]);
});

test("a batch larger than the replica's first arrays (16 slots): every request's KV is costed, more requests cost more", async () => {
  const { runOnce } = await import("../../src/serving/run.ts");
  const { RunRecorder } = await import("../../src/serving/recorder.ts");
  const attention = (n: number) => {
    const recorder = new RunRecorder();
    const requests = Array.from({ length: n }, (_, id) => ({ id, arrivalSec: 0, inputTokens: 64, outputTokens: 3 }));
    const r = runOnce({ system: "papi", model: "llama-65b", trace: "fixed:8:8", batching: "static", batch: n, spec: 1 }, { requests, recorder });
    assert.ok(Number.isFinite(r.latencySec) && Number.isFinite(r.energyJoules), `${n} requests`);
    assert.deepEqual(recorder.iterations.map((i) => i.rlp), [n, n], `${n} requests decode together`);
    return recorder.iterations[0].attentionSec;
  };
  const [a10, a40, a70] = [10, 40, 70].map(attention);
  assert.ok(a10 > 0 && a40 > a10 && a70 > a40, `${a10} ${a40} ${a70}`);
});
