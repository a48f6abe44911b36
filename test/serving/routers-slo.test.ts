import { test } from "node:test";
import assert from "node:assert/strict";
import { ROUTERS, ROUTER_NAMES } from "../../src/serving/routers/index.ts";
import type { Replica } from "../../src/serving/replica.ts";
import { Deque } from "../../src/serving/deque.ts";
import { sloResult } from "../../src/serving/slo.ts";
import { parseRunConfig, runOnce } from "../../src/serving/run.ts";
import { UserError } from "../../src/core/errors.ts";
import { SYSTEM_PRESETS } from "../../src/systems/presets.ts";
import type { RequestSpec } from "../../src/serving/trace.ts";

/** A stand-in replica with the load a router reads. */
function fake(outstanding: number, kvLoad: number, waitingPrompts: number[] = [], bytesPerToken = 1): Replica {
  const waiting = new Deque<{ promptTokens: number }>();
  for (const p of waitingPrompts) waiting.pushBack({ promptTokens: p });
  return { outstanding, waiting, kv: { load: kvLoad, bytesPerToken, capacityBytes: 1000 } } as unknown as Replica;
}
const req = null as never;

test("round-robin cycles through the replicas whatever their load", () => {
  const r = ROUTERS.get("round-robin")();
  const reps = [fake(9, 0.9), fake(0, 0), fake(5, 0.5)];
  assert.deepEqual([0, 1, 2, 3, 4].map(() => r.pick(reps, req)), [0, 1, 2, 0, 1]);
});

test("least-outstanding picks the fewest unfinished requests, ties to the lowest index", () => {
  const r = ROUTERS.get("least-outstanding")();
  assert.equal(r.pick([fake(3, 0), fake(1, 0.9), fake(1, 0)], req), 1);
  assert.equal(r.pick([fake(0, 0), fake(0, 0)], req), 0);
});

test("least-kv picks the emptiest cache, counting the blocks waiting prompts will take", () => {
  const r = ROUTERS.get("least-kv")();
  assert.equal(r.pick([fake(0, 0.5), fake(9, 0.2), fake(0, 0.3)], req), 1);
  // 0.2 + 400 waiting prompt tokens / 1000 = 0.6 > 0.5
  assert.equal(r.pick([fake(0, 0.5), fake(0, 0.2, [400])], req), 0);
  // 0.2 + 200 / 1000 = 0.4 < 0.5: waiting prompts count as a share of the capacity, not as raw bytes
  assert.equal(r.pick([fake(0, 0.5), fake(0, 0.2, [150, 50])], req), 1);
  // at 2 bytes per token: 0.2 + 200 x 2 / 1000 = 0.6 > 0.5
  assert.equal(r.pick([fake(0, 0.5), fake(0, 0.2, [150, 50], 2)], req), 0);
  assert.deepEqual([...ROUTER_NAMES], ["round-robin", "least-outstanding", "least-kv"]);
});

test("SLO attainment and goodput, by hand", () => {
  // TTFTs 1, 2, 3 s and TPOTs 0.1, 0.3, 0 (one token): TTFT <= 2 for 2 of 3, TPOT <= 0.2 for 2 of 3, both: request 0
  const s = sloResult({ ttftSec: 2, tpotSec: 0.2 }, [1, 2, 3], [0.1, 0.3, 0], 4)!;
  assert.deepEqual(s, { ttftTargetSec: 2, tpotTargetSec: 0.2, ttftAttainment: 2 / 3, tpotAttainment: 2 / 3, attainment: 1 / 3, metRequests: 1, goodputRequestsPerSec: 0.25 });
  // one target only: the other is met by every request
  assert.equal(sloResult({ ttftSec: 2.5 }, [1, 2, 3], [9, 9, 9], 1)!.attainment, 2 / 3);
  assert.equal(sloResult(undefined, [1], [1], 1), null);
  // no finished request (or no time): shares and goodput are 0, not NaN
  assert.deepEqual(sloResult({ ttftSec: 1 }, [], [], 0), { ttftTargetSec: 1, tpotTargetSec: null, ttftAttainment: 0, tpotAttainment: 0, attainment: 0, metRequests: 0, goodputRequestsPerSec: 0 });
});

test("SLO in a run: a target every request meets gives goodput = throughput; an impossible one gives 0", () => {
  const requests: RequestSpec[] = [0, 1, 2].map((id) => ({ id, arrivalSec: id * 0.1, inputTokens: 32, outputTokens: 8 }));
  const cfg = { system: "papi", model: "llama-65b", trace: "fixed:8:8", batching: "continuous", batch: 4, spec: 1 } as const;
  const easy = runOnce({ ...cfg, slo: { ttftSec: 3600, tpotSec: 60 } }, { requests });
  assert.equal(easy.slo!.attainment, 1);
  assert.equal(easy.slo!.goodputRequestsPerSec, easy.requestsPerSec);
  assert.equal(easy.requestsPerSec, 3 / easy.latencySec);
  const hard = runOnce({ ...cfg, slo: { ttftSec: 1e-9 } }, { requests });
  assert.deepEqual([hard.slo!.attainment, hard.slo!.goodputRequestsPerSec, hard.slo!.tpotAttainment], [0, 0, 1]);
  assert.equal(runOnce(cfg, { requests }).slo, null);
});

test("serving fields: one-line errors naming the field; a field the policy does not use is refused", () => {
  const bad = (cfg: Record<string, unknown>, re: RegExp) => assert.throws(() => parseRunConfig(cfg), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"), JSON.stringify(cfg));
  bad({ serving: { replicas: 0 } }, /serving\.replicas.*>= 1/);
  bad({ serving: { replicas: 1025 } }, /serving\.replicas.*<= 1024/);
  bad({ batching: "chunked", serving: { maxNumBatchedTokens: 0 } }, /serving\.maxNumBatchedTokens/);
  bad({ batching: "continuous", serving: { kvBlockTokens: 1.5 } }, /serving\.kvBlockTokens.*integer/);
  bad({ serving: { router: "random" } }, /serving\.router/);
  bad({ serving: { routr: "least-kv" } }, /did you mean "router"/);
  bad({ batching: "static", serving: { maxNumBatchedTokens: 512 } }, /serving\.maxNumBatchedTokens: batching static does not use it/);
  bad({ batching: "continuous", serving: { prefillSystem: "gpu-only" } }, /serving\.prefillSystem: batching continuous does not use it/);
  bad({ batching: "disaggregated", serving: { preemption: "swap" } }, /serving\.preemption: batching disaggregated/);
  bad({ batching: "disaggregated", serving: { prefillSystem: "gpu-onyl" } }, /serving\.prefillSystem.*did you mean "gpu-only"/);
  bad({ slo: {} }, /slo: needs ttftSec, tpotSec or both/);
  // either target alone is enough
  for (const slo of [{ ttftSec: 1 }, { tpotSec: 0.1 }]) assert.deepEqual(parseRunConfig({ slo }).slo, slo);
  bad({ slo: { ttftSec: 0 } }, /slo\.ttftSec.*> 0/);
  bad({ slo: { tpotSec: 1, x: 1 } }, /slo: unknown key "x"/);
  bad({ batching: "vllm" }, /batching/);
  assert.equal(parseRunConfig({ batching: "disaggregated", serving: { prefillSystem: "gpu-only", kvTransferLink: "nvlink4", prefillReplicas: 2 } }).serving.prefillReplicas, 2);
});

test("swap needs a slower tier: a system without a host fabric refuses it", () => {
  const { host: _h, ...fabrics } = SYSTEM_PRESETS.papi.fabrics;
  const noHost = { ...SYSTEM_PRESETS.papi, name: "papi-no-host", fabrics };
  assert.throws(
    () => runOnce({ system: noHost, model: "llama-65b", trace: "fixed:8:8", batching: "continuous", serving: { preemption: "swap" } }, { requests: [{ id: 0, arrivalSec: 0, inputTokens: 8, outputTokens: 2 }] }),
    (e: unknown) => e instanceof UserError && /^serving\.preemption: swap needs a host fabric to swap KV over; system papi-no-host has none/.test(e.message),
  );
});
