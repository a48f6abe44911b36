import { test } from "node:test";
import assert from "node:assert/strict";
import { tiledFcPlan } from "../../../../src/hardware/pim/fc-mapping/tiled.ts";
import { PIM_DESIGNS } from "../../../../src/hardware/pim/presets.ts";

const tCk = 4 / 5.2e9;
const stretch = 5070 / (5070 - 456);
const bw = 20.8e9;
const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
const call = { m: 1, k: 2048, n: 256, numStacks: 1, dtypeBytes: 2 };

test("hand-derived n-split (s = 1) on one 1P1B stack: m 1, k 2048, n 256", () => {
  // 32 bus units (16 ch x 2 pch) x 8 groups = 256 n-groups: nb = 1; k over 4 banks: kb = 512 -> 32 columns = 1 row
  // array = max(63, 64, 19 + 31 x 6 + 8 + 19 = 232, 192) tCK x stretch = 196.08 ns
  // input per bus = 2048 x 2 B = 4096 B = 196.92 ns; fill = 4 banks x 16 x 2 B = 128 B = 6.154 ns;
  // output per bus = 8 groups x 1 x 2 B = 16 B = 0.769 ns
  // time = 6.154 + max(196.08, 196.92 - 6.154) + 0.769 = 203.00 ns
  const p = tiledFcPlan(PIM_DESIGNS.attacc, call, 1, "n-split")!;
  const arraySec = 232 * tCk * stretch;
  close(p.arraySec, arraySec);
  close(p.inputBusSec, 4096 / bw);
  close(p.outputBusSec, 16 / bw);
  close(p.timeSec, 128 / bw + Math.max(arraySec, (4096 - 128) / bw) + 16 / bw);
  assert.equal(p.bindingResource, "input-bus"); // 196.92 ns of bus > 196.08 ns of array
  assert.equal(p.reductionSec, 0);
  assert.equal(p.reductionAdds, 0);
  assert.equal(p.macCommandsPerChannel, 32);
  assert.equal(p.columnReads, 256 * 4 * 32); // 256 n-groups x 4 banks x 32 columns
  assert.equal(p.transferBytesIn, 32 * 4096);
});

test("hand-derived k-split (s = 2): each bus gets half of k; the two partials are added on the buffer die", () => {
  // 16 bus units per k-slice x 8 groups = 128 n-groups: nb = 2; kb = 1024 / 4 = 256 -> 16 columns per output,
  // 32 per bank: the same one-row array as n-split. input per bus 1024 x 2 B = 2048 B = 98.46 ns; output per bus
  // 8 groups x 2 outputs x 2 B = 32 B = 1.538 ns; 256 adds over 16 channel adders at 16 per tCK = 1 tCK.
  // time = 6.154 + max(196.08, 98.46 - 6.154 + 0, 0) + max(1.538, 0.769) = 203.77 ns (slower than n-split here:
  // the array binds, and the partials double the output)
  const p = tiledFcPlan(PIM_DESIGNS.attacc, call, 2, "k-split")!;
  close(p.inputBusSec, 2048 / bw);
  close(p.outputBusSec, 32 / bw);
  close(p.reductionSec, tCk);
  close(p.timeSec, 128 / bw + 232 * tCk * stretch + 32 / bw);
  assert.equal(p.bindingResource, "bank-array");
  assert.equal(p.reductionAdds, 256);
  assert.equal(p.kSplit, 2);
  assert.equal(p.columnReads, 128 * 2 * 4 * 32); // 128 n-groups x 2 k-slices x 4 banks x 32 columns
  assert.equal(p.transferBytesIn, 32 * 2048);
  assert.equal(p.transferBytesOut, 32 * 32);
});

test("illegal splits return null: s must divide the 32 bus units and leave every bank a full column of k", () => {
  assert.equal(tiledFcPlan(PIM_DESIGNS.attacc, call, 3, "k-split"), null);
  assert.equal(tiledFcPlan(PIM_DESIGNS.attacc, call, 64, "k-split"), null);
  // k 2048 / 32 slices / 4 banks = 16 values = exactly one column: legal; k 1024 leaves half a column
  assert.notEqual(tiledFcPlan(PIM_DESIGNS.attacc, call, 32, "k-split"), null);
  assert.equal(tiledFcPlan(PIM_DESIGNS.attacc, { ...call, k: 1024 }, 32, "k-split"), null);
});
