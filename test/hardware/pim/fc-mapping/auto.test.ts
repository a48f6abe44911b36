import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PIM_FC_MAPPINGS } from "../../../../src/hardware/pim/fc-mapping/index.ts";
import { PIM_DESIGNS } from "../../../../src/hardware/pim/presets.ts";
import { autoMapping } from "../../../../src/hardware/pim/fc-mapping/auto.ts";
import { tiledFcPlan } from "../../../../src/hardware/pim/fc-mapping/tiled.ts";
import type { PimFcMapping } from "../../../../src/hardware/pim/fc-mapping/types.ts";

const { auto, "n-split": nSplit, "k-split": kSplit } = PIM_FC_MAPPINGS;

test("auto keeps n-split where the partial sums would cost more than the input they save", () => {
  // one stack, m 1, k 2048, n 256 (hand-derived in tiled.test.ts: n-split 203.00 ns, best k-split slower)
  const call = { m: 1, k: 2048, n: 256, numStacks: 1, dtypeBytes: 2 };
  assert.equal(auto.plan(PIM_DESIGNS.attacc, call)!.mapping, "n-split");
});

describe("properties", () => {
  const callArb = fc.record({
    m: fc.integer({ min: 1, max: 256 }),
    k: fc.constantFrom(64, 4096, 8192, 12288, 22016, 49152),
    n: fc.constantFrom(256, 8192, 24576, 44032),
    numStacks: fc.constantFrom(1, 5, 30),
    dtypeBytes: fc.constant(2),
  });
  test("auto is the fastest legal plan: never slower than n-split or k-split", () =>
    fc.assert(fc.property(callArb, fc.constantFrom(...Object.values(PIM_DESIGNS)), (call, d) => {
      const a = auto.plan(d, call)!;
      const n = nSplit.plan(d, call)!;
      const k = kSplit.plan(d, call);
      return a.timeSec <= n.timeSec && (k === null || a.timeSec <= k.timeSec) && (a.timeSec === n.timeSec || a.mapping === "k-split");
    })));
});

test("auto's description lists its candidates by name, in order", () => {
  // index.ts registers auto over [n-split, k-split]
  assert.equal(auto.description, "the fastest legal plan among n-split, k-split, per call");
});

test("auto breaks a tie in favour of the earlier candidate", () => {
  // two candidates whose plans take exactly the same time: auto keeps the first (n-split first in index.ts:
  // no partial sums to move), whichever order they come in
  const call = { m: 1, k: 2048, n: 256, numStacks: 1, dtypeBytes: 2 };
  const base = tiledFcPlan(PIM_DESIGNS.attacc, call, 1, "n-split")!;
  const stub = (name: "n-split" | "k-split"): PimFcMapping => ({ name, description: name, plan: () => ({ ...base, mapping: name }) });
  assert.equal(autoMapping([stub("n-split"), stub("k-split")]).plan(PIM_DESIGNS.attacc, call)!.mapping, "n-split");
  assert.equal(autoMapping([stub("k-split"), stub("n-split")]).plan(PIM_DESIGNS.attacc, call)!.mapping, "k-split");
});
