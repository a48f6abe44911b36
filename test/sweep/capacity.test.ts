import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { parseRunConfig, runOnce } from "../../src/serving/run.ts";
import { capacityConstraint } from "../../src/sweep/constraints/capacity.ts";
import { PointState } from "../../src/sweep/point-state.ts";

const loader = nodeLoader();

/** A point with a hand-made KV cache: 10 bytes per token, 1000 bytes in all (100 tokens). */
function fakePoint(requests: { inputTokens: number; outputTokens: number }[], spec: unknown) {
  return {
    specOrError: () => ({ spec: {} }),
    context: () => ({ kvBytesPerToken: 10, kvCapacityBytes: 1000 }),
    requests: () => requests.map((r, id) => ({ id, arrivalSec: 0, ...r })),
    config: { spec },
  } as unknown as PointState;
}

test("capacity: the longest request plus the largest TLP (the serving loop's reservation) must fit the KV cache", () => {
  const check = (reqs: { inputTokens: number; outputTokens: number }[], spec: unknown) => capacityConstraint.check(fakePoint(reqs, spec), {});
  // 90 + 6 tokens + TLP 4 = 100 tokens = 1000 bytes: fits exactly
  assert.equal(check([{ inputTokens: 10, outputTokens: 1 }, { inputTokens: 90, outputTokens: 6 }], 4), null);
  // TLP 5: 101 tokens do not (without the slack, 96 tokens would)
  assert.match(check([{ inputTokens: 90, outputTokens: 6 }], 5) ?? "", /the longest request needs 0\.00 GB of KV cache \(101 tokens\) but the system has 0\.00 GB/);
  // the largest TLP of a cycled list and of the adaptive rule
  assert.notEqual(check([{ inputTokens: 90, outputTokens: 6 }], [1, 5, 2]), null);
  assert.equal(check([{ inputTokens: 90, outputTokens: 6 }], [1, 4, 2]), null);
  assert.notEqual(check([{ inputTokens: 90, outputTokens: 6 }], { targetTokens: 64, maxTlp: 5 }), null);
  assert.equal(check([{ inputTokens: 90, outputTokens: 6 }], { targetTokens: 64, maxTlp: 4 }), null);
});

test("capacity agrees with the serving loop at the boundary: feasible exactly when the run admits the request", () => {
  const base = { system: "papi", model: "llama-65b", attnStacks: 1, requests: 1, batch: 1, spec: 4 };
  const ctx = new PointState(0, parseRunConfig({ ...base, trace: "fixed:16:16" }), loader, new Map()).context();
  const maxTokens = Math.floor(ctx.kvCapacityBytes / ctx.kvBytesPerToken);
  for (const extra of [0, 1]) {
    const lin = maxTokens - 16 - 4 + extra; // input + output + TLP = maxTokens (+ 1)
    const config = parseRunConfig({ ...base, trace: `fixed:${lin}:16` });
    const reason = capacityConstraint.check(new PointState(0, config, loader, new Map()), {});
    let admitted = true;
    try {
      runOnce(config, { loader });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      assert.match(e.message, /needs more KV cache/);
      admitted = false;
    }
    assert.equal(reason === null, admitted, `lin ${lin}: capacity says ${reason}, run admitted ${admitted}`);
    assert.equal(admitted, extra === 0);
  }
});
