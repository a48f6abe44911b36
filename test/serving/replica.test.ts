import { test } from "node:test";
import assert from "node:assert/strict";
import { Replica, type ReplicaLimits } from "../../src/serving/replica.ts";
import { KvCache } from "../../src/serving/kv-cache.ts";
import { ServingRequest } from "../../src/serving/request-state.ts";
import { IterationPlan, type BatchingPolicy } from "../../src/serving/batching/policy.ts";
import { makeChunkedBatching } from "../../src/serving/batching/chunked.ts";
import { makeContinuousV02Batching } from "../../src/serving/batching/continuous-v02.ts";
import { makeContinuousBatching } from "../../src/serving/batching/continuous.ts";
import { makeDisaggregatedBatching } from "../../src/serving/batching/disaggregated.ts";
import { makeStaticBatching } from "../../src/serving/batching/static.ts";

/**
 * A replica on its own, with a KV cache of 1 B per token (so bytes = tokens) in 4-token blocks and a metrics sink
 * that only counts what the replica's helpers report. Policies are stepped by hand on hand-built queues.
 */
function replica(blocks: number, limits: Partial<ReplicaLimits> = {}, swapBlocks = 0, batching: BatchingPolicy = makeChunkedBatching()) {
  const metrics = {
    replicas: [{ preemptions: 0 }],
    kvWaits: 0,
    swaps: 0,
    recomputedTokens: 0,
    onPreemption(_id: number, swap: boolean, tokens: number) {
      this.replicas[0].preemptions++;
      if (swap) this.swaps++;
      this.recomputedTokens += tokens;
    },
    onKvWait() {
      this.kvWaits++;
    },
  };
  const kv = new KvCache(blocks * 4, 1, 4, swapBlocks);
  const lim: ReplicaLimits = { maxNumSeqs: 8, maxNumBatchedTokens: 8, tlpMax: 1, preemption: "recompute", ...limits };
  const rep = new Replica(0, {} as never, {} as never, batching, kv, lim, { kind: "fixed", tlp: 1 }, metrics as never);
  return { rep, kv, metrics, plan: new IterationPlan() };
}
const request = (index: number, inputTokens: number, outputTokens = 4) => new ServingRequest({ id: index, arrivalSec: 0, inputTokens, outputTokens }, index);
/** A decoding request: prompt cached, `generated` tokens out (kvLen = prompt + generated - 1), its blocks allocated. */
function decoding(rep: Replica, kv: KvCache, index: number, prompt: number, generated = 1, output = 8) {
  const r = request(index, prompt, output);
  r.prefilledTokens = prompt;
  r.generated = generated;
  r.kvLen = prompt + generated - 1;
  assert.ok(kv.grow(r, r.kvLen));
  rep.addRunning(r);
  return r;
}

test("chunked: decodes that use the whole budget leave no chunk (not even an empty one) for a partial prompt", () => {
  const { rep, kv, plan } = replica(64, { maxNumBatchedTokens: 4 });
  for (let i = 0; i < 4; i++) decoding(rep, kv, i, 3);
  const p = request(4, 10);
  p.prefilledTokens = 4;
  p.kvLen = 4;
  kv.grow(p, 4);
  rep.prefilling.push(p);
  assert.equal(rep.batching.next(rep, plan), true);
  assert.deepEqual([plan.decode, plan.numPrefills], [true, 0]);
  // with 3 decodes, 1 token of budget is left: the partial prompt gets a 1-token chunk
  const b = replica(64, { maxNumBatchedTokens: 4 });
  for (let i = 0; i < 3; i++) decoding(b.rep, b.kv, i, 3);
  b.rep.prefilling.push(p);
  b.rep.batching.next(b.rep, b.plan);
  assert.deepEqual([b.plan.decode, b.plan.numPrefills, p.chunkTokens, b.plan.prefillTokens()], [true, 1, 1, 1]);
});

test("chunked: a partial prompt's chunk is what is left of it; new prompts then take min(prompt, budget left)", () => {
  const { rep, kv, plan } = replica(64, { maxNumBatchedTokens: 10 });
  const p = request(0, 7);
  p.prefilledTokens = 4;
  p.kvLen = 4;
  kv.grow(p, 4);
  rep.prefilling.push(p);
  const a = request(1, 5);
  const b = request(2, 9);
  rep.waiting.pushBack(a);
  rep.waiting.pushBack(b);
  rep.batching.next(rep, plan);
  // 3 (p's rest) + 5 (a) + 2 (b's first chunk) = the budget of 10
  assert.deepEqual([p.chunkTokens, a.chunkTokens, b.chunkTokens], [3, 5, 2]);
  assert.deepEqual([plan.decode, plan.numPrefills, rep.waiting.length, rep.prefilling.length], [false, 3, 0, 3]);
  // KV is allocated for the chunks: p 7 tokens (2 blocks), a 5 (2), b 2 (1)
  assert.deepEqual([p.kvBlocks, a.kvBlocks, b.kvBlocks], [2, 2, 1]);
});

test("chunked: nothing new is admitted while a request is swapped out, nor beyond max_num_seqs in flight", () => {
  const s = replica(64, { maxNumBatchedTokens: 16 });
  const out = request(0, 400);
  out.kvLen = 400; // its blocks (101 with the next step) can never fit: it stays swapped
  s.rep.swapped.pushBack(out);
  s.rep.waiting.pushBack(request(1, 4));
  assert.equal(s.rep.batching.next(s.rep, s.plan), false);
  assert.deepEqual([s.plan.numPrefills, s.rep.waiting.length], [0, 1]);
  const m = replica(64, { maxNumBatchedTokens: 16, maxNumSeqs: 2 });
  decoding(m.rep, m.kv, 0, 3);
  for (let i = 1; i <= 3; i++) m.rep.waiting.pushBack(request(i, 2));
  m.rep.batching.next(m.rep, m.plan);
  assert.deepEqual([m.plan.numPrefills, m.rep.inFlight, m.rep.waiting.length], [1, 2, 2]);
});

test("papi 0.2 continuous: after a prefill it decodes what runs; with nothing running it admits again", () => {
  const v02 = makeContinuousV02Batching();
  // just prefilled, one request decoding: no admission, a decode step
  const a = replica(64, {}, 0, v02);
  decoding(a.rep, a.kv, 0, 3);
  a.rep.lastWasPrefill = true;
  a.rep.waiting.pushBack(request(1, 4));
  assert.equal(v02.next(a.rep, a.plan), true);
  assert.deepEqual([a.plan.decode, a.plan.numPrefills], [true, 0]);
  // after a decode step the waiting request is admitted (prefill-only iteration)
  a.plan.clear();
  a.rep.lastWasPrefill = false;
  assert.equal(v02.next(a.rep, a.plan), true);
  assert.deepEqual([a.plan.decode, a.plan.numPrefills], [false, 1]);
  // the prefill finished every request (one output token each): nothing runs, so it admits at once
  const b = replica(64, {}, 0, v02);
  b.rep.lastWasPrefill = true;
  b.rep.waiting.pushBack(request(0, 4));
  assert.equal(v02.next(b.rep, b.plan), true);
  assert.deepEqual([b.plan.decode, b.plan.numPrefills], [false, 1]);
  // idle: nothing waits, nothing runs
  const c = replica(64, {}, 0, v02);
  assert.equal(v02.next(c.rep, c.plan), false);
});

test("reservation admission: a request reserves prompt + output + tlpMax tokens; exact fit admits, the first misfit stops and counts", () => {
  // 64 B: 10 + 5 + 1 = 16 each -> 4 fit exactly, the 5th and 6th wait for KV (each counted once)
  const { rep, kv, metrics, plan } = replica(16, { maxNumSeqs: 6 }, 0, makeContinuousV02Batching());
  for (let i = 0; i < 6; i++) rep.waiting.pushBack(request(i, 10, 5));
  rep.admitReserved(6, plan);
  assert.deepEqual([plan.numPrefills, kv.reservedBytes, rep.waiting.length, metrics.kvWaits], [4, 64, 2, 2]);
  rep.admitReserved(6, new IterationPlan());
  assert.equal(metrics.kvWaits, 2);
});

test("swap preemption: the latest arrival's blocks go to the host tier and count both ways; swap-in refills them at exact fit", () => {
  // 6 blocks: A (index 0) and B (index 1) hold 3 blocks each (12 tokens cached); both need a 4th block to decode
  const { rep, kv, metrics } = replica(6, { preemption: "swap" }, 8);
  const a = decoding(rep, kv, 0, 12, 1);
  const b = decoding(rep, kv, 1, 12, 1);
  rep.growForDecode();
  assert.deepEqual([rep.running.length, rep.swapped.length, metrics.swaps], [1, 1, 1]);
  assert.equal(rep.running[0], a);
  assert.deepEqual([b.swappedBlocks, b.kvBlocks, kv.usedSwapBlocks, a.kvBlocks, kv.usedBlocks], [3, 0, 3, 4, 4]);
  assert.equal(rep.pendingSwapBytes, 3 * 4); // 3 blocks of 4 B
  // B needs blocksFor(12 + 1) = 4 blocks: 2 free -> stays out
  rep.swapIn();
  assert.equal(rep.swapped.length, 1);
  // A finishes and frees its 4 blocks: 6 free >= 4 -> B comes back, its 3 blocks copied in, grown to 4
  kv.freeBlocksOf(a);
  rep.removeRunning(a);
  rep.swapIn();
  assert.deepEqual([rep.swapped.length, rep.running[0], b.swappedBlocks, kv.usedSwapBlocks, b.kvBlocks, kv.usedBlocks], [0, b, 0, 0, 4, 4]);
  assert.equal(rep.pendingSwapBytes, 2 * 3 * 4);
});

test("swap-in: exactly enough free blocks suffice; max_num_seqs caps what comes back", () => {
  const { rep, kv } = replica(4, { preemption: "swap", maxNumSeqs: 1 }, 8);
  const b = decoding(rep, kv, 0, 15, 1); // 15 tokens: 4 blocks; next step needs blocksFor(16) = 4
  rep.preempt(b);
  assert.deepEqual([kv.freeBlocks, kv.usedSwapBlocks], [4, 4]);
  const c = decoding(rep, kv, 1, 3, 1);
  kv.freeBlocksOf(c);
  rep.swapIn(); // c is running: 1 in flight = max_num_seqs
  assert.equal(rep.swapped.length, 1);
  rep.removeRunning(c);
  rep.swapIn();
  assert.deepEqual([rep.swapped.length, kv.freeBlocks, kv.usedSwapBlocks], [0, 0, 0]);
});

test("swap preemption falls back to recomputation when the host tier is full; exact fit still swaps", () => {
  const fits = replica(8, { preemption: "swap" }, 3);
  const x = decoding(fits.rep, fits.kv, 0, 12, 1); // 3 blocks = the whole host tier
  fits.rep.preempt(x);
  assert.deepEqual([fits.rep.swapped.length, fits.metrics.swaps, fits.kv.usedSwapBlocks], [1, 1, 3]);
  const full = replica(8, { preemption: "swap" }, 2);
  const y = decoding(full.rep, full.kv, 0, 12, 3, 8);
  full.rep.preempt(y);
  // recomputed: back at the front of waiting with prompt + generated tokens to prefill, blocks freed
  assert.deepEqual([full.rep.swapped.length, full.metrics.swaps, full.rep.waiting.length, full.kv.usedBlocks], [0, 0, 1, 0]);
  assert.deepEqual([y.promptTokens, y.prefilledTokens, y.kvLen, full.metrics.recomputedTokens, y.numPreemptions], [15, 0, 0, 15, 1]);
});

for (const make of [makeContinuousBatching, makeChunkedBatching]) test(`${make().name}: a preemption in the decode step means no swap-in in the same step`, () => {
  // C (index 0) swapped out earlier (1 block); A (1) and B (2) decode, 2 blocks each of 5, and each needs a 3rd
  const { rep, kv, metrics, plan } = replica(5, { preemption: "swap" }, 8, make());
  const c = request(0, 3);
  c.prefilledTokens = 3;
  c.generated = 1;
  c.kvLen = 3;
  c.swappedBlocks = 1;
  kv.usedSwapBlocks = 1;
  rep.swapped.pushBack(c);
  decoding(rep, kv, 1, 8, 1); // kvLen 8: 2 blocks, next step 9 tokens: 3 blocks
  decoding(rep, kv, 2, 8, 1);
  rep.waiting.pushBack(request(3, 2)); // nothing new is admitted while a request is swapped out
  assert.equal(rep.batching.next(rep, plan), true);
  assert.deepEqual([plan.numPrefills, rep.waiting.length], [0, 1]);
  // 2 blocks needed, 1 free: B preempted (swap), A grows to 3: 2 blocks free, enough for C (blocksFor(4) = 1), but C stays out
  assert.deepEqual([metrics.swaps, rep.running.length, kv.freeBlocks, rep.swapped.length], [1, 1, 2, 2]);
  // the next step, with no preemption, brings C back
  plan.clear();
  rep.batching.next(rep, plan);
  assert.equal(rep.running.length, 2);
});

test("disaggregated decode pool: admits by the whole sequence's blocks (exact fit), within max_num_seqs", () => {
  const dec = makeDisaggregatedBatching().serve;
  // 10 blocks; each request needs 10 + 9 + 1 (tlpMax) = 20 tokens = 5 blocks: two fit exactly, the third is capped
  const a = replica(10, { maxNumSeqs: 2 }, 0, dec);
  for (let i = 0; i < 3; i++) a.rep.waiting.pushBack(request(i, 10, 9));
  assert.equal(dec.next(a.rep, a.plan), true);
  assert.deepEqual([a.plan.decode, a.rep.running.length, a.kv.freeBlocks, a.rep.waiting.length, a.metrics.kvWaits], [true, 2, 0, 1, 0]);
  // room for 2 requests but blocks for one: the second waits for KV
  const b = replica(10, { maxNumSeqs: 4 }, 0, dec);
  b.rep.waiting.pushBack(request(0, 10, 9));
  b.rep.waiting.pushBack(request(1, 11, 9)); // 21 tokens: 6 blocks > 5
  dec.next(b.rep, b.plan);
  assert.deepEqual([b.rep.running.length, b.rep.waiting.length, b.metrics.kvWaits], [1, 1, 1]);
  assert.equal(dec.next(replica(10, {}, 0, dec).rep, new IterationPlan()), false);
});

test("static: a batch starts full, or short once arrivals are done; a running batch only decodes", () => {
  const st = makeStaticBatching();
  const a = replica(1000, { maxNumSeqs: 3 }, 0, st);
  a.rep.arrivalsDone = () => false;
  for (let i = 0; i < 2; i++) a.rep.waiting.pushBack(request(i, 4, 4));
  assert.equal(st.next(a.rep, a.plan), false);
  a.rep.waiting.pushBack(request(2, 4, 4)); // the batch is full: it starts
  assert.equal(st.next(a.rep, a.plan), true);
  assert.deepEqual([a.plan.decode, a.plan.numPrefills, a.rep.waiting.length], [false, 3, 0]);
  const b = replica(1000, { maxNumSeqs: 3 }, 0, st);
  b.rep.waiting.pushBack(request(0, 4, 4)); // arrivals done (the default): a short batch of 1
  assert.equal(st.next(b.rep, b.plan), true);
  assert.equal(b.plan.numPrefills, 1);
  const c = replica(1000, { maxNumSeqs: 3 }, 0, st);
  decoding(c.rep, c.kv, 0, 4);
  c.rep.waiting.pushBack(request(1, 4, 4));
  assert.equal(st.next(c.rep, c.plan), true);
  assert.deepEqual([c.plan.decode, c.plan.numPrefills], [true, 0]);
  assert.equal(st.next(replica(10, {}, 0, st).rep, new IterationPlan()), false);
});

test("growOrPreempt: a prompt chunk preempts only requests that arrived after it, latest first", () => {
  // 4 blocks: A (index 0) holds 2, C (index 2) holds 1; P (index 1) is admitted and needs 2 blocks for 8 tokens
  const { rep, kv, metrics } = replica(4);
  decoding(rep, kv, 0, 7);
  const c = decoding(rep, kv, 2, 3);
  const p = request(1, 8);
  rep.prefilling.push(p);
  assert.equal(rep.growOrPreempt(p, 8), true);
  assert.deepEqual([metrics.replicas[0].preemptions, rep.waiting.at(0), p.kvBlocks, rep.prefilling.length, kv.freeBlocks], [1, c, 2, 1, 0]);
  // 12 tokens need a 3rd block: only A (earlier) and P itself hold any, so nothing is preempted
  assert.equal(rep.growOrPreempt(p, 12), false);
  assert.deepEqual([metrics.replicas[0].preemptions, p.kvBlocks, rep.running.length], [1, 2, 1]);
});

test("growForDecode: a victim in slot 0 gives back the blocks it would have needed; the others keep decoding", () => {
  // B (index 1) runs in slot 0 with 1 block (4 tokens), A (index 0) in slot 1 with 3 (12 tokens); all 4 blocks held,
  // each needs 1 more: B is preempted, which frees 1 block and drops the need by B's 1, so A alone fits
  const { rep, kv, metrics } = replica(4);
  const b = decoding(rep, kv, 1, 4);
  const a = decoding(rep, kv, 0, 12);
  assert.equal(b.slot, 0);
  rep.growForDecode();
  assert.deepEqual([metrics.replicas[0].preemptions, rep.running.length, rep.running[0], a.kvBlocks, kv.freeBlocks], [1, 1, a, 4, 0]);
});

test("continuous (vLLM) admission: whole prompts within the token budget; a prompt whose blocks are not free stops it", () => {
  const cont = makeContinuousBatching();
  // budget 8: 5 fits, 5 + 4 = 9 does not
  const a = replica(64, { maxNumBatchedTokens: 8 }, 0, cont);
  a.rep.waiting.pushBack(request(0, 5));
  a.rep.waiting.pushBack(request(1, 4));
  assert.equal(cont.next(a.rep, a.plan), true);
  assert.deepEqual([a.plan.numPrefills, a.rep.waiting.length, a.kv.usedBlocks], [1, 1, 2]);
  // 3 blocks: a 12-token prompt fits exactly, the next (1 block) waits for KV
  const b = replica(3, { maxNumBatchedTokens: 64 }, 0, cont);
  b.rep.waiting.pushBack(request(0, 12));
  b.rep.waiting.pushBack(request(1, 2));
  cont.next(b.rep, b.plan);
  assert.deepEqual([b.plan.numPrefills, b.rep.waiting.length, b.metrics.kvWaits, b.kv.freeBlocks], [1, 1, 1, 0]);
});

test("running list: swap-removal moves the last request into the freed slot; prefilling keeps its order", () => {
  const { rep, kv } = replica(64);
  const [a, b, c] = [0, 1, 2].map((i) => decoding(rep, kv, i, 3));
  rep.removeRunning(a);
  assert.deepEqual([rep.running, c.slot, b.slot, a.slot], [[c, b], 0, 1, -1]);
  rep.removeRunning(b); // the last one: nothing moves
  assert.deepEqual([rep.running, c.slot, b.slot], [[c], 0, -1]);
  const [p, q, s] = [3, 4, 5].map((i) => request(i, 4));
  rep.prefilling.push(p, q, s);
  rep.removePrefilling(p);
  rep.removePrefilling(request(9, 1)); // not there: nothing changes
  assert.deepEqual(rep.prefilling, [q, s]);
  assert.deepEqual([rep.inFlight, rep.outstanding], [3, 3]);
});
