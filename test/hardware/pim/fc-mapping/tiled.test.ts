import { test } from "node:test";
import assert from "node:assert/strict";
import { tiledFcPlan } from "../../../../src/hardware/pim/fc-mapping/tiled.ts";
import { PIM_DESIGNS, resolvePimDesign } from "../../../../src/hardware/pim/presets.ts";

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

test("illegal splits return null: s must be a positive integer, even when it divides the bus units", () => {
  // 32 % -1 = 32 % -2 = 0 and 32 % 0.5 = 0, but a split factor below 1 is no split
  for (const s of [-1, -2, 0, 0.5]) assert.equal(tiledFcPlan(PIM_DESIGNS.attacc, call, s, "k-split"), null, String(s));
  // 24 channels x 2 pseudo-channels = 48 bus units (12 dies keep 128 banks per die, inside the area rule):
  // 48 % 1.5 = 0, but 1.5 k-slices is no layout; 3 divides 48 and is legal
  const wide = resolvePimDesign({ preset: "attacc", hbm: { preset: "hbm3-5.2", org: { numChannels: 24, numDies: 12 } } });
  assert.equal(tiledFcPlan(wide, call, 1.5, "k-split"), null);
  assert.equal(tiledFcPlan(wide, call, 3, "k-split")!.kSplit, 3);
});

test("hand-derived multi-pass n-split: outputs that overflow the accumulators go in 2 passes, the inputs are re-sent", () => {
  // m 1, k 64, n 524288 on one 1P1B stack: 256 n-groups -> nb = 2048 outputs per bank, kb = 16 = one column each:
  // 2048 columns = 64 rows of max(63, 64, 19 + 31 x 6 + 8 + 19 = 232, 192) = 232 tCK.
  // 2048 outputs x 1 token x 2 B = 4 KiB > 2 KiB of accumulator: 2 passes, so 2 x 64 x 2 B = 256 B of input per bus;
  // output per bus 8 groups x 2048 x 2 B = 32 KiB, the last pass's half (16 KiB) after the last MAC.
  // fill = min(256 B, 4 banks x 16 x 2 B = 128 B); the array (16,315 tCK) hides the rest of the bus (16,512 B = 1032 tCK):
  // time = 128 B / bw + 64 x 232 tCK x stretch + 16384 B / bw
  const p = tiledFcPlan(PIM_DESIGNS.attacc, { m: 1, k: 64, n: 524288, numStacks: 1, dtypeBytes: 2 }, 1, "n-split")!;
  const arraySec = 64 * 232 * tCk * stretch;
  close(p.arraySec, arraySec);
  close(p.inputBusSec, 256 / bw);
  close(p.outputBusSec, 32768 / bw);
  close(p.timeSec, 128 / bw + arraySec + 16384 / bw);
  assert.equal(p.bindingResource, "bank-array");
  assert.equal(p.transferBytesIn, 32 * 256); // 32 buses x 2 passes x 128 B
  assert.equal(p.transferBytesOut, 524288 * 2); // every output leaves once (n x m x 2 B)
  assert.equal(p.rowsPerChannel, 64);
});

test("binding resource: the bus binds when input + output exceed the array, even if the input alone does not", () => {
  // decoupled clock, a 100 GHz FPU and nCCDAB 4 (no power limit): one MAC command per column, 4 tCK apart.
  // m 8, k 64, n 8192: nb = 32 one-column outputs per bank = 1 row of max(64, 19 + 31 x 4 + 8 + 19 = 170, 128) = 170 tCK
  // x stretch = 186.8 tCK. Bus (16 B per tCK): input 8 x 64 x 2 B = 1 KiB = 64 tCK; output 8 groups x 32 x 8 x 2 B =
  // 4 KiB = 256 tCK. 64 + 256 = 320 > 186.8: the output bus binds (64 alone, or 64 - 256, would not).
  // fill = min(1 KiB, 4 x 16 x 8 x 2 B = 1 KiB) = 64 tCK; time = 64 + max(186.8, 0 + 256 - 256) + 256 tCK
  const d = resolvePimDesign({ preset: "attacc", computeSemantics: "decoupled-clock", fpuClockHz: 1e11, powerConstrainedMacSpacing: false });
  const p = tiledFcPlan(d, { m: 8, k: 64, n: 8192, numStacks: 1, dtypeBytes: 2 }, 1, "n-split")!;
  close(p.arraySec, 170 * tCk * stretch);
  close(p.inputBusSec, 64 * tCk);
  close(p.outputBusSec, 256 * tCk);
  close(p.timeSec, (64 + 170 * stretch + 256) * tCk);
  assert.equal(p.bindingResource, "output-bus");
});

test("an input-bus-bound plan keeps the bus busy end to end: time = input bus + output bus", () => {
  // the design above; m 16, k 4096, n 256: nb = 1, kb = 1024 -> 64 columns (2 rows), the array is a few hundred tCK.
  // Bus (16 B per tCK): input 16 x 4096 x 2 B = 128 KiB = 8,192 tCK; output 8 groups x 1 x 16 x 2 B = 256 B = 16 tCK
  // (one pass: 1 x 16 x 2 B = 32 B fits the accumulators). fill = min(8192, 4 x 16 x 16 x 2 B = 2 KiB = 128 tCK).
  // time = fill + (input - fill + output - last output) + last output = 8,192 + 16 tCK.
  const d = resolvePimDesign({ preset: "attacc", computeSemantics: "decoupled-clock", fpuClockHz: 1e11, powerConstrainedMacSpacing: false });
  const p = tiledFcPlan(d, { m: 16, k: 4096, n: 256, numStacks: 1, dtypeBytes: 2 }, 1, "n-split")!;
  close(p.inputBusSec, 8192 * tCk);
  close(p.outputBusSec, 16 * tCk);
  assert.ok(p.arraySec < 1000 * tCk, String(p.arraySec / tCk));
  close(p.timeSec, (8192 + 16) * tCk);
  assert.equal(p.bindingResource, "input-bus");
});

test("binding resource ties: equal input and output bus time name the input bus; a bus tied with the adder binds", () => {
  const fast = { preset: "attacc", computeSemantics: "decoupled-clock", fpuClockHz: 1e11, powerConstrainedMacSpacing: false } as const;
  // m 16, k 64, n 2048, s 1: nb = 2048 / 256 = 8; input 16 x 64 x 2 B = 2 KiB = 128 tCK; output 8 groups x 8 x 16 x 2 B
  // = 2 KiB = 128 tCK (the same bytes over the same bus: exactly equal); the 8-column array is ~81 tCK
  const eq = tiledFcPlan(resolvePimDesign(fast), { m: 16, k: 64, n: 2048, numStacks: 1, dtypeBytes: 2 }, 1, "n-split")!;
  close(eq.inputBusSec, 128 * tCk);
  assert.equal(eq.inputBusSec, eq.outputBusSec);
  assert.ok(eq.arraySec < eq.inputBusSec + eq.outputBusSec);
  assert.equal(eq.bindingResource, "input-bus");
  // m 1, k 2048, n 16, s 2: input 1024 x 2 B = 128 tCK, output 8 x 1 x 1 x 2 B = 1 tCK: bus 129 tCK; (s - 1) m n = 16
  // adds over 16 channels at 1/129 per tCK = 129 tCK: bus and adder tie (exactly, in floating point too), array ~116 tCK
  const d = resolvePimDesign({ ...fast, reductionElementsPerClock: 1 / 129 });
  const tie = tiledFcPlan(d, { m: 1, k: 2048, n: 16, numStacks: 1, dtypeBytes: 2 }, 2, "k-split")!;
  close(tie.reductionSec, 129 * tCk);
  assert.equal(tie.reductionSec, tie.inputBusSec + tie.outputBusSec);
  assert.ok(tie.arraySec < tie.reductionSec);
  assert.equal(tie.bindingResource, "input-bus");
});

test("binding resource tie: a bus exactly as long as the array leaves the array binding", () => {
  // m 16, k 64, n 2048, s 1 (as above): bus 128 + 128 = 256 tCK; the array is one row of 8 columns x 1 command, each
  // command 16 (query, column) pairs / f apart under decoupled-clock: (19 + 7 I + 8 + 19) tCK x stretch. The FPU clock
  // f = 16 / (I tCK) with I = (256 / stretch - 46) / 7 tCK ~ 0.7787 GHz makes array = bus; bisect f to the exact tie.
  const call = { m: 16, k: 64, n: 2048, numStacks: 1, dtypeBytes: 2 };
  const plan = (f: number) =>
    tiledFcPlan(resolvePimDesign({ preset: "attacc", computeSemantics: "decoupled-clock", fpuClockHz: f, powerConstrainedMacSpacing: false }), call, 1, "n-split")!;
  const f0 = 16 / (((256 / stretch - 46) / 7) * tCk);
  let lo = f0 * 0.999;
  let hi = f0 * 1.001;
  let tie: ReturnType<typeof plan> | undefined;
  for (let i = 0; i < 100 && tie === undefined; i++) {
    const mid = (lo + hi) / 2;
    const p = plan(mid);
    const bus = p.inputBusSec + p.outputBusSec;
    if (p.arraySec === bus) tie = p;
    else if (p.arraySec > bus) lo = mid;
    else hi = mid;
  }
  assert.ok(tie, "no exact tie found");
  close(tie.arraySec, 256 * tCk);
  assert.equal(tie.bindingResource, "bank-array");
});

test("hand-derived reduction-bound multi-pass k-split: the last pass's reductions come after the last MAC", () => {
  // fc-pim (4P1B, 6 groups per bus) with a slow buffer-die adder (0.001 adds per tCK per channel) and 2 B of
  // accumulator per FPU (8 B per bank). m 8, k 4096, n 96, s 2: 16 bus units x 6 groups per k-slice -> nb = 1;
  // 8 outputs x 2 B = 16 B per bank -> 2 passes. Adds (s - 1) m n = 768 over 16 channels at 0.001 per tCK = 48,000 tCK,
  // 24,000 per pass. Bus (16 B per tCK): input 2 passes x 8 x 2048 x 2 B = 64 KiB = 4,096 tCK, fill = 4 banks x
  // 16 x 8 x 2 B = 1 KiB = 64 tCK; output 6 x 8 x 2 B = 96 B = 6 tCK. Array: 32 columns x 2 commands = one row of
  // 19 + 63 x 6 + 8 + 19 = 424 tCK (x stretch). The adder binds: time = fill + (all reductions but the last pass's)
  // + the last pass's = 64 + 24,000 + 24,000 tCK.
  const d = resolvePimDesign({ preset: "fc-pim", reductionElementsPerClock: 0.001, accumulatorBytesPerFpu: 2 });
  const p = tiledFcPlan(d, { m: 8, k: 4096, n: 96, numStacks: 1, dtypeBytes: 2 }, 2, "k-split")!;
  close(p.reductionSec, 48000 * tCk);
  close(p.inputBusSec, 65536 / bw);
  close(p.outputBusSec, 96 / bw);
  close(p.arraySec, 424 * tCk * stretch);
  close(p.timeSec, 1024 / bw + 48000 * tCk);
  assert.equal(p.bindingResource, "buffer-die-adder");
  assert.equal(p.reductionAdds, 768);
});

test("hand-derived row activations: each bank opens one row per 32 columns of its tile", () => {
  // fc-pim n-split, m 1, k 8192, n 96: 32 bus units x 6 groups = 192 n-groups -> nb = 1, kb = 8192 / 4 banks = 2048
  // values = 128 columns = 4 rows per bank; 96 outputs x 4 banks = 384 banks hold weights:
  // 384 x 4 = 1,536 row activations and 384 x 128 = 49,152 column reads (= k n / 16 values per column)
  const p = tiledFcPlan(PIM_DESIGNS["fc-pim"], { m: 1, k: 8192, n: 96, numStacks: 1, dtypeBytes: 2 }, 1, "n-split")!;
  assert.equal(p.rowsPerChannel, 4);
  assert.equal(p.bankRowActivations, 1536);
  assert.equal(p.columnReads, (8192 * 96) / 16);
});
