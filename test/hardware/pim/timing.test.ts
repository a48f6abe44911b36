import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PIM_DESIGNS, resolvePimDesign } from "../../../src/hardware/pim/presets.ts";
import type { PimDesign } from "../../../src/hardware/pim/schema.ts";
import {
  pimConsts, pimMacCommandIntervalSec, pimMacCommandsPerColumn, pimMacIntervalSec, pimMacSpacingClocks, pimStreamTimeSec,
} from "../../../src/hardware/pim/timing.ts";

const tCk = 4 / 5.2e9;
const close = (a: number, b: number, rel = 1e-12) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
const withDesign = (d: PimDesign, patch: Record<string, unknown>) => resolvePimDesign({ ...d, ...patch });
const decoupled = (d: PimDesign) => withDesign(d, { computeSemantics: "decoupled-clock" });

test("column-matched: ceil(y r / x) MAC commands per column, each 6 tCK apart (the FPU's 1.5 ns step is faster)", () => {
  const fc4 = PIM_DESIGNS["fc-pim"]; // 4P1B
  assert.deepEqual([1, 4, 5, 16, 64].map((r) => pimMacCommandsPerColumn(fc4, r)), [1, 1, 2, 4, 16]);
  const p1b2 = PIM_DESIGNS["attn-pim"]; // 1P2B: the FPU takes one of its two banks' columns per command
  assert.deepEqual([1, 3].map((r) => pimMacCommandsPerColumn(p1b2, r)), [2, 6]);
  assert.equal(pimMacCommandsPerColumn(PIM_DESIGNS.attacc, 7), 7);
  for (const d of [fc4, p1b2, PIM_DESIGNS.attacc]) close(pimMacCommandIntervalSec(d, 16), 6 * tCk);
  // per-column array time: 16 tokens on 4P1B = 4 commands x 6 tCK
  close(pimMacIntervalSec(fc4, 16), 24 * tCk);
});

test("column-matched: a slow FPU stretches every command to one (column, token) step", () => {
  const slow = withDesign(PIM_DESIGNS.attacc, { fpuClockHz: 100e6 }); // 10 ns per 16-lane step > 4.615 ns
  close(pimMacCommandIntervalSec(slow, 1), 10e-9);
  close(pimMacIntervalSec(slow, 3), 30e-9);
  // 8 lanes: two FPU cycles per 16-value column
  const narrow = withDesign(PIM_DESIGNS.attacc, { macLanesPerFpu: 8, fpuClockHz: 200e6 });
  close(pimMacCommandIntervalSec(narrow, 1), 10e-9);
});

test("decoupled-clock keeps one command per column: max(6 tCK, ceil(y r / x) steps / 666 MHz)", () => {
  const d = decoupled(PIM_DESIGNS.attacc);
  assert.equal(pimMacCommandsPerColumn(d, 9), 1);
  // 3 steps = 4.505 ns < 4.615 ns: still the command spacing; 4 steps = 6.006 ns
  close(pimMacIntervalSec(d, 3), 6 * tCk);
  close(pimMacIntervalSec(d, 4), 4 / 666e6);
  close(pimMacIntervalSec(decoupled(PIM_DESIGNS["fc-pim"]), 16), Math.max(6 * tCk, 4 / 666e6));
});

test("power-limit scope: 'command' spaces every MAC 6 tCK; 'column-reads' lets 1P2B and 1P4B run at nCCDAB 4", () => {
  for (const d of Object.values(PIM_DESIGNS)) assert.equal(pimMacSpacingClocks(d), 6, d.name);
  const scoped = (d: PimDesign) => withDesign(d, { macPowerLimitScope: "column-reads" });
  // share of banks read per command min(1, x/y): 1P1B, 2P1B, 4P1B read every bank -> 6
  for (const n of ["attacc", "2p1b", "fc-pim"]) assert.equal(pimMacSpacingClocks(scoped(PIM_DESIGNS[n])), 6, n);
  assert.equal(pimMacSpacingClocks(scoped(PIM_DESIGNS["attn-pim"])), 4); // max(4, ceil(6 / 2))
  const p1b4 = resolvePimDesign({ ...PIM_DESIGNS.attacc, numBanksPerFpuGroup: 4, macPowerLimitScope: "column-reads" });
  assert.equal(pimMacSpacingClocks(p1b4), 4); // max(4, ceil(6 / 4))
  assert.equal(pimMacSpacingClocks(withDesign(PIM_DESIGNS.attacc, { powerConstrainedMacSpacing: false })), 4);
  close(pimConsts(scoped(PIM_DESIGNS["attn-pim"])).macSpacingSec, 4 * tCk);
});

test("row streaming: a full row of 32 columns x 4 commands takes nRCD + 127 x 6 + nRTPL + nRP = 808 tCK", () => {
  const c = pimConsts(PIM_DESIGNS["fc-pim"]);
  close(pimStreamTimeSec(c, 32, 4, 6 * tCk), 808 * tCk);
  // 33 columns: one more row with 4 commands: max(nRC 63, nRAS + nRP 64, 46 + 3 x 6 = 64, 24) = 64 tCK
  close(pimStreamTimeSec(c, 33, 4, 6 * tCk), (808 + 64) * tCk);
  assert.equal(pimStreamTimeSec(c, 0, 4, 6 * tCk), 0);
});

test("refresh interval: nREFI 5070 tCK x 0.769 ns = 3.9 us; refresh power = one REFab per channel per interval", () => {
  const c = pimConsts(PIM_DESIGNS.attacc);
  close(c.refreshIntervalSec, 5070 * tCk);
  assert.ok(Math.abs(c.refreshIntervalSec - 3.9e-6) < 1e-9);
  // 16 channels, each paying refreshJoulesPerChannel every 3.9 us
  close(c.refreshWattsPerStack, (c.refreshJoulesPerChannel * 16) / (5070 * tCk));
  // a REFab refreshes 16384 rows x 3.9 us / 32 ms = 1.997 rows in each of the 64 banks of a channel (1-KiB rows)
  close(c.refreshJoulesPerChannel, ((16384 * 5070 * tCk) / 32e-3) * 64 * 8192 * PIM_DESIGNS.attacc.energy.cellActPreJoulesPerBit);
});

describe("properties", () => {
  const designArb = fc.constantFrom(...Object.values(PIM_DESIGNS));
  test("column-matched is never faster than decoupled-clock, and equal when one token fills the FPUs", () =>
    fc.assert(fc.property(designArb, fc.integer({ min: 1, max: 512 }), (d, r) => {
      const cm = pimMacIntervalSec(d, r);
      const dc = pimMacIntervalSec(decoupled(d), r);
      return cm >= dc * (1 - 1e-12) && (r * d.numBanksPerFpuGroup > d.numFpus || Math.abs(cm - dc) <= 1e-12 * dc);
    })));

  test("column-matched: no FPU is fed faster than its bank's MAC command rate", () =>
    fc.assert(fc.property(designArb, fc.integer({ min: 1, max: 512 }), (d, r) => {
      // (column, token) pairs per second per FPU <= 1 / command spacing
      const pairsPerColumnPerFpu = (r * d.numBanksPerFpuGroup) / d.numFpus;
      return pairsPerColumnPerFpu / pimMacIntervalSec(d, r) <= (1 + 1e-12) / pimConsts(d).macSpacingSec;
    })));
});
