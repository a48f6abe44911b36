import { test } from "node:test";
import assert from "node:assert/strict";
import { kSplit } from "../../../../src/hardware/pim/fc-mapping/k-split.ts";
import { nSplit } from "../../../../src/hardware/pim/fc-mapping/n-split.ts";
import { tiledFcPlan } from "../../../../src/hardware/pim/fc-mapping/tiled.ts";
import { PIM_DESIGNS, resolvePimDesign } from "../../../../src/hardware/pim/presets.ts";

// LLaMA-65B attention output projection (k = n = 8192) on PAPI's 30 FC-PIM stacks: n_s = 274 outputs per stack.
const proj = { k: 8192, n: 8192, numStacks: 30, dtypeBytes: 2 };
/** FC-PIM with an (assumed) cross-channel adder network: k may split over all 32 bus units of a stack. */
const stackWide = resolvePimDesign({ preset: "fc-pim", kSplitScope: "stack" });

test("by default k splits only over the two pseudo-channels of a channel (what an HBM3 base die can add): s = 2", () => {
  const call = { ...proj, m: 64 };
  const k = kSplit.plan(PIM_DESIGNS["fc-pim"], call)!;
  assert.equal(k.kSplit, 2);
  assert.deepEqual(k, tiledFcPlan(PIM_DESIGNS["fc-pim"], call, 2, "k-split"));
  // the input each bus carries halves; the stack-wide scope may cut it further
  const n = nSplit.plan(PIM_DESIGNS["fc-pim"], call)!;
  assert.ok(Math.abs(k.inputBusSec - n.inputBusSec / 2) < 1e-12);
  assert.ok(kSplit.plan(stackWide, call)!.kSplit > 2);
});

test("n-split at large m on a thin n-slice is bound by the input broadcast; k-split removes most of it", () => {
  // n-split, m 64: every pseudo-channel bus carries 64 x 8192 x 2 B = 1 MiB = 50.4 us at 20.8 GB/s, while the
  // array needs about 21 us (nb = ceil(274 / 192) = 2, kb = 2048 -> 256 columns per bank, ceil(64 / 4) = 16
  // commands each: 8 rows x (19 + 511 x 6 + 27) tCK x 1.0988)
  const n = nSplit.plan(PIM_DESIGNS["fc-pim"], { ...proj, m: 64 })!;
  assert.equal(n.bindingResource, "input-bus");
  assert.ok(Math.abs(n.inputBusSec - (64 * 8192 * 2) / 20.8e9) < 1e-12);
  assert.ok(n.arraySec > 19e-6 && n.arraySec < 23e-6, String(n.arraySec));
  // k-split: s slices of k cut each bus's input by s; the array binds again
  const k = kSplit.plan(stackWide, { ...proj, m: 64 })!;
  assert.equal(k.bindingResource, "bank-array");
  assert.ok(k.kSplit >= 4);
  assert.ok(k.inputBusSec <= n.inputBusSec / k.kSplit + 1e-12);
  assert.ok(k.timeSec < 0.4 * n.timeSec, `${k.timeSec} vs ${n.timeSec}`);
});

test("stack-wide k-split picks the fastest legal factor among the divisors of the 32 bus units", () => {
  const call = { ...proj, m: 16 };
  const best = kSplit.plan(stackWide, call)!;
  for (const s of [2, 4, 8, 16, 32]) {
    const p = tiledFcPlan(stackWide, call, s, "k-split");
    if (p) assert.ok(best.timeSec <= p.timeSec, `s ${s}`);
  }
  // a k too short for any split (k 32: one column per bank already at s = 1) has no k-split plan
  assert.equal(kSplit.plan(PIM_DESIGNS["fc-pim"], { ...call, k: 32 }), null);
});

test("k-split charges the partial sums: more bytes out and buffer-die adds, and their energy", () => {
  const call = { ...proj, m: 16 };
  const k = kSplit.plan(PIM_DESIGNS["fc-pim"], call)!;
  const n = nSplit.plan(PIM_DESIGNS["fc-pim"], call)!;
  assert.equal(k.reductionAdds, (k.kSplit - 1) * 16 * 8192);
  assert.ok(k.transferBytesOut > n.transferBytesOut);
  assert.ok(k.transferBytesIn < n.transferBytesIn);
});

test("k-split considers every bus unit as a slice: on a one-channel stack (2 bus units) the only split is s = 2", () => {
  // hbm3-5.2 cut to 1 channel (64 banks over 8 dies): 1 channel x 2 pseudo-channels = 2 bus units, whose only
  // divisor above 1 is 2; m 1, k 2048, n 16: kb = 1024 / 4 banks = 256 values >= one 16-value column, so s = 2 is legal
  const d = resolvePimDesign({ preset: "attacc", kSplitScope: "stack", hbm: { preset: "hbm3-5.2", org: { numChannels: 1 } } });
  const call = { m: 1, k: 2048, n: 16, numStacks: 1, dtypeBytes: 2 };
  const p = kSplit.plan(d, call);
  assert.notEqual(p, null);
  assert.equal(p!.kSplit, 2);
  assert.deepEqual(p, tiledFcPlan(d, call, 2, "k-split"));
});
