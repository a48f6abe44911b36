import { test } from "node:test";
import assert from "node:assert/strict";
import { withAttaccSemantics } from "../../src/report/attacc-semantics.ts";

test("AttAcc's semantics: column-matched compute on each PIM role the system has, no GPU static power where it has GPUs", () => {
  const cm = { computeSemantics: "column-matched" };
  const hw = (system: string) => withAttaccSemantics({ system, model: "llama-65b" } as never).hardware;
  assert.deepEqual(hw("papi"), { fcPim: cm, attnPim: cm, gpu: { staticPowerWatts: 0 } });
  assert.deepEqual(hw("a100-attacc"), { attnPim: cm, gpu: { staticPowerWatts: 0 } });
  assert.deepEqual(hw("pim-only-papi"), { fcPim: cm, attnPim: cm });
  assert.deepEqual(hw("gpu-only"), { gpu: { staticPowerWatts: 0 } });
  // the rest of the point is kept
  const p = withAttaccSemantics({ system: "papi", model: "opt-30b", batch: 8 } as never) as unknown as Record<string, unknown>;
  assert.deepEqual([p.system, p.model, p.batch], ["papi", "opt-30b", 8]);
});
