import { test } from "node:test";
import assert from "node:assert/strict";
import { runOnce } from "../../src/serving/run.ts";
import { RunRecorder } from "../../src/serving/recorder.ts";
import { Timeline } from "../../src/serving/timeline.ts";
import { handOffCost } from "../../src/serving/kv-transfer.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { buildSystem } from "../../src/systems/build.ts";
import type { RequestSpec } from "../../src/serving/trace.ts";

/**
 * Hand-worked schedules, cross-checked against the published algorithms: three requests arriving together,
 * A (prompt 5, 3 outputs), B (prompt 6, 2 outputs), C (prompt 4, 2 outputs), a budget of 8 tokens, TLP 1.
 */
const ABC: RequestSpec[] = [
  { id: 0, arrivalSec: 0, inputTokens: 5, outputTokens: 3 },
  { id: 1, arrivalSec: 0, inputTokens: 6, outputTokens: 2 },
  { id: 2, arrivalSec: 0, inputTokens: 4, outputTokens: 2 },
];
const base = { system: "papi", model: "llama-65b", trace: "fixed:8:8", batch: 8, spec: 1 } as const;

interface Step { kind: "prefill" | "decode"; requests: number; prefillTokens: number; startSec: number; endSec: number }

/** The run's iterations in time order, from its timeline, and when each request got its first token and finished. */
function schedule(cfg: Record<string, unknown>, requests = ABC) {
  const timeline = new Timeline();
  const recorder = new RunRecorder();
  const r = runOnce({ ...base, ...cfg } as never, { requests, timeline, recorder });
  const events = JSON.parse(timeline.toJson("t")).traceEvents as { name: string; ph: string; ts: number; dur: number; args?: Record<string, number> }[];
  const steps: Step[] = events
    .filter((e) => e.ph === "X" && (e.name.startsWith("prefill") || e.name.startsWith("iter ")))
    .map((e) => ({
      kind: e.name.startsWith("prefill") ? ("prefill" as const) : ("decode" as const),
      requests: e.name.startsWith("prefill") ? e.args!.requests : e.args!.rlp,
      prefillTokens: e.args!.prefillTokens ?? 0,
      startSec: e.ts / 1e6,
      endSec: (e.ts + e.dur) / 1e6,
    }))
    .sort((a, b) => a.startSec - b.startSec);
  const byId = new Map(recorder.requests.map((q) => [q.id, q]));
  return { r, steps, first: (id: number) => byId.get(id)!.firstTokenAtSec, done: (id: number) => byId.get(id)!.finishedAtSec };
}
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test("vLLM (continuous): prompts first, FCFS within the 8-token budget; then everyone decodes", () => {
  // budget 8: A (5) fits, A + B = 11 does not -> [A]; then [B] (6; B + C = 10 > 8); then [C]; then A, B, C decode
  // (B and C end with their 2nd token, A has 1 left); then A alone.
  const { r, steps, first, done } = schedule({ batching: "continuous", serving: { maxNumBatchedTokens: 8 } });
  assert.deepEqual(steps.map((s) => `${s.kind}:${s.requests}`), ["prefill:1", "prefill:1", "prefill:1", "decode:3", "decode:1"]);
  close(first(0), steps[0].endSec);
  close(first(1), steps[1].endSec);
  close(first(2), steps[2].endSec);
  close(done(1), steps[3].endSec);
  close(done(2), steps[3].endSec);
  close(done(0), steps[4].endSec);
  assert.equal(r.generatedTokens, 7);
});

test("vLLM (continuous): max_num_seqs caps the requests in flight; a prompt above the budget runs alone", () => {
  // batch (max_num_seqs) 2: A and B in flight; C waits until B finishes (its 2nd token), then A and C decode together
  const two = schedule({ batching: "continuous", batch: 2, serving: { maxNumBatchedTokens: 64 } });
  assert.deepEqual(two.steps.map((s) => `${s.kind}:${s.requests}`), ["prefill:2", "decode:2", "prefill:1", "decode:2"]);
  // budget 4 < every prompt: each prompt is prefilled alone
  const small = schedule({ batching: "continuous", serving: { maxNumBatchedTokens: 4 } });
  assert.deepEqual(small.steps.slice(0, 3).map((s) => `${s.kind}:${s.requests}`), ["prefill:1", "prefill:1", "prefill:1"]);
});

test("Sarathi-Serve (chunked): decodes first, then the partial prompt, then new prompts, 8 tokens per iteration", () => {
  // it 1: no decodes; A's 5 + B's first 3 = 8 (prefill only). A's prompt is done: first token.
  // it 2: A decodes (1) + B's last 3 + C's 4 = 8: B and C get their first token, A its second.
  // it 3: A, B, C decode: every request ends.
  const { r, steps, first, done } = schedule({ batching: "chunked", serving: { maxNumBatchedTokens: 8 } });
  assert.deepEqual(steps.map((s) => [s.kind, s.requests, s.prefillTokens]), [["prefill", 2, 0], ["decode", 1, 7], ["decode", 3, 0]]);
  close(first(0), steps[0].endSec);
  close(first(1), steps[1].endSec);
  close(first(2), steps[1].endSec);
  for (const id of [0, 1, 2]) close(done(id), steps[2].endSec);
  assert.equal(r.generatedTokens, 7);
  assert.equal(r.iterations, 2); // decoding iterations; the first is prefill only
});

test("chunked prefill: a large chunk riding with the decodes sends FC to the GPUs; the decodes alone stay on FC-PIM", () => {
  // papi's calibrated alpha is a few dozen tokens: 2 decodes (2 tokens) -> FC-PIM; 2 decodes + a 1,000-token chunk -> GPU
  const requests: RequestSpec[] = [
    { id: 0, arrivalSec: 0, inputTokens: 8, outputTokens: 40 },
    { id: 1, arrivalSec: 0, inputTokens: 8, outputTokens: 40 },
    { id: 2, arrivalSec: 0.05, inputTokens: 1000, outputTokens: 2 },
  ];
  const timeline = new Timeline();
  const r = runOnce({ ...base, batching: "chunked", serving: { maxNumBatchedTokens: 2048 } }, { requests, timeline });
  const iters = (JSON.parse(timeline.toJson("t")).traceEvents as { name: string; args?: { fcOn: string; prefillTokens?: number } }[]).filter((e) => e.name.startsWith("iter "));
  const mixed = iters.filter((e) => (e.args!.prefillTokens ?? 0) > 0);
  assert.deepEqual(mixed.map((e) => [e.args!.prefillTokens, e.args!.fcOn]), [[1000, "gpu"]]);
  assert.ok(iters.filter((e) => e.args!.prefillTokens === undefined).every((e) => e.args!.fcOn === "fc-pim"));
  assert.ok(r.alpha! < 1000 && r.alpha! >= 2);
});

test("static batching (the paper's): batch 2 runs A and B to the end, then C", () => {
  const { steps, first } = schedule({ batching: "static", batch: 2 });
  assert.deepEqual(steps.map((s) => `${s.kind}:${s.requests}`), ["prefill:2", "decode:2", "decode:1", "prefill:1", "decode:1"]);
  close(first(2), steps[3].endSec);
});

test("Splitwise/DistServe (disaggregated): prompts on the prefill pool, the KV cache handed over, decodes on the decode pool", () => {
  // prefill pool (gpu-only), budget 8: [A], [B], [C] as vLLM's prefill step. Each KV cache crosses the hand-off
  // link (prompt x KV bytes per token) before its request decodes; the first token comes from the prefill replica.
  const { r, steps, first } = schedule({ batching: "disaggregated", serving: { maxNumBatchedTokens: 8 } });
  const prefills = steps.filter((s) => s.kind === "prefill");
  const decodes = steps.filter((s) => s.kind === "decode");
  assert.deepEqual(prefills.map((s) => s.requests), [1, 1, 1]);
  close(first(0), prefills[0].endSec);
  const kvBytesPerToken = buildSystem("papi", MODEL_PRESETS["llama-65b"]).kvBytesPerToken;
  const link = { link: LINK_PRESETS.pcie5, numLinks: 6 }; // default: pcie5, one per tensor-parallel group of gpu-only
  const hand = (tokens: number) => handOffCost(link, tokens * kvBytesPerToken, MODEL_PRESETS["llama-65b"].num_hidden_layers).timeSec;
  // A's KV (5 tokens) lands at the end of its prefill + the hand-off; the decode pool starts then
  close(decodes[0].startSec, prefills[0].endSec + hand(5));
  assert.equal(r.serving.kvTransfers, 3);
  close(r.serving.kvTransferBytes, 15 * kvBytesPerToken);
  close(r.serving.kvTransferSec, hand(5) + hand(6) + hand(4));
  assert.equal(r.generatedTokens, 7);
  assert.ok(r.serving.utilization.prefill! > 0 && r.serving.utilization.decode > 0);
  assert.deepEqual(r.serving.replicas.map((x) => x.pool), ["decode", "prefill"]);
  // every request was routed twice: to its prefill replica and to its decode replica
  assert.deepEqual(r.serving.replicas.map((x) => x.numRequests), [3, 3]);
  assert.ok(r.energyByDevice["prefill.gpu"].total > 0);
});

test("disaggregated: the decode pool admits at most max_num_seqs (batch) requests at a time, and fills up to it", () => {
  const requests = [0, 1, 2, 3].map((id) => ({ id, arrivalSec: 0, inputTokens: 4, outputTokens: 40 }));
  for (const batch of [2, 3]) {
    const { r, steps } = schedule({ batching: "disaggregated", batch }, requests);
    const rlps = steps.filter((s) => s.kind === "decode").map((s) => s.requests);
    assert.equal(Math.max(...rlps), batch, `batch ${batch}`);
    assert.equal(r.generatedTokens, 160);
  }
});
