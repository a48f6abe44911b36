import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../../src/core/errors.ts";
import { GiB } from "../../../src/core/units.ts";
import {
  HbmSpec, hbmBanksPerStack, hbmClockPeriodSec, hbmColumnBytes, hbmExternalBandwidthFromPinsBytesPerSec,
  hbmPseudoChannelBandwidthBytesPerSec, hbmRefreshAvailability, hbmRowBytes,
} from "../../../src/hardware/pim/hbm.ts";
import { HBM_PRESETS, resolveHbm } from "../../../src/hardware/pim/hbm-presets.ts";

test("every HBM preset re-parses and its derived values match what it declares", () => {
  for (const [name, spec] of Object.entries(HBM_PRESETS)) {
    assert.equal(HbmSpec.parse(spec).name, name);
    assert.equal(resolveHbm(name), spec);
  }
});

test("hbm3-5.2 geometry and timing: 16 GiB, 1,024 banks, 32-B columns, 1-KiB rows, 665.6 GB/s, tCK 0.769 ns", () => {
  const s = HBM_PRESETS["hbm3-5.2"];
  assert.equal(s.capacityBytes, 16 * GiB);
  assert.equal(hbmBanksPerStack(s.org), 1024);
  assert.equal(hbmColumnBytes(s.org), 32);
  assert.equal(hbmRowBytes(s.org), 1024);
  assert.equal(hbmExternalBandwidthFromPinsBytesPerSec(s.org, s.timing), 665.6e9);
  assert.ok(Math.abs(hbmClockPeriodSec(s.timing) - 0.76923e-9) < 1e-13);
  // 32 pseudo-channel buses x 20.8 GB/s = the pin bandwidth
  assert.ok(Math.abs(32 * hbmPseudoChannelBandwidthBytesPerSec(s) - 665.6e9) < 1);
  // refresh costs about 9 % (456 / 5070)
  assert.ok(Math.abs(1 - hbmRefreshAvailability(s.timing) - 0.0899) < 1e-3);
});

test("hbm3e: 24 GiB and 1,228.8 GB/s", () => {
  const s = HBM_PRESETS.hbm3e;
  assert.equal(s.capacityBytes, 24 * GiB);
  assert.equal(s.externalBandwidthBytesPerSec, 1228.8e9);
});

test("capacity and external bandwidth are derived; a declared value the geometry contradicts is a one-line UserError", () => {
  // an override of the geometry recomputes the inherited derived values: 2^15 rows double the 16 GiB stack
  assert.equal(resolveHbm({ preset: "hbm3-5.2", org: { numRows: 1 << 15 } }).capacityBytes, 32 * GiB);
  // 1024 pins x 6.4 Gb/s / 8 = 819.2 GB/s
  assert.equal(resolveHbm({ preset: "hbm3-5.2", timing: { dataRateBitsPerSecPerPin: 6.4e9 } }).externalBandwidthBytesPerSec, 819.2e9);
  assert.throws(
    () => resolveHbm({ preset: "hbm3-5.2", org: { numRows: 1 << 15 }, capacityBytes: 16 * GiB }),
    (e: unknown) => e instanceof UserError && /hbm\.capacityBytes: declared/.test(e.message) && !e.message.includes("\n"),
  );
  assert.throws(
    () => resolveHbm({ preset: "hbm3-5.2", timing: { dataRateBitsPerSecPerPin: 6.4e9 }, externalBandwidthBytesPerSec: 665.6e9 }),
    (e: unknown) => e instanceof UserError && /externalBandwidthBytesPerSec/.test(e.message),
  );
  // an override that keeps everything consistent is accepted
  const s = resolveHbm({ preset: "hbm3-5.2", org: { numRows: 1 << 15 }, capacityBytes: 32 * GiB, name: "hbm3-32g" });
  assert.equal(s.capacityBytes, 32 * GiB);
});

test("negative or zero timing and zero banks are rejected with the field name", () => {
  assert.throws(() => resolveHbm({ preset: "hbm3-5.2", timing: { nRCD: -1 } }), /hbm\.timing\.nRCD/);
  assert.throws(() => resolveHbm({ preset: "hbm3-5.2", org: { numBanksPerGroup: 0 } }), /hbm\.org\.numBanksPerGroup/);
  assert.throws(() => resolveHbm("hbm9"), /unknown HBM preset "hbm9" \(did you mean "hbm3e"\?\); known: hbm3-5.2, hbm3e/);
});

test("timing consistency: nRC below nRAS + nRP - 1 is refused with its message; nRAS + nRP - 1 is the limit", () => {
  // hbm3-5.2: nRAS 45 + nRP 19 = 64; nRC 63 (the preset, = 64 - 1) is accepted, 62 and 40 are not
  // (40 is still above nRAS - nRP = 26, so only the sum catches it)
  assert.equal(resolveHbm({ preset: "hbm3-5.2", timing: { nRC: 63 } }).timing.nRC, 63);
  for (const nRC of [62, 40]) {
    assert.throws(
      () => resolveHbm({ preset: "hbm3-5.2", timing: { nRC } }),
      (e: unknown) => e instanceof UserError && e.message === "hbm.timing.nRC: must be about nRAS + nRP",
    );
  }
});

test("timing consistency: the power-constrained MAC spacing may equal nCCDAB but never undercut it", () => {
  // hbm3-5.2: nCCDAB 4; power-constrained 4 (no constraint in effect) is consistent, 3 would be faster than the
  // unconstrained spacing
  assert.equal(resolveHbm({ preset: "hbm3-5.2", timing: { nCCDABPowerConstrained: 4 } }).timing.nCCDABPowerConstrained, 4);
  assert.throws(
    () => resolveHbm({ preset: "hbm3-5.2", timing: { nCCDABPowerConstrained: 3 } }),
    (e: unknown) => e instanceof UserError && e.message === "hbm.timing.nCCDABPowerConstrained: must be >= nCCDAB",
  );
});

test("timing consistency: nCCDL may equal nCCDS (no bank-group penalty) but not undercut it", () => {
  // hbm3-5.2: nCCDS 2, nCCDL 4; nCCDL 2 = nCCDS is consistent, 1 is not
  assert.equal(resolveHbm({ preset: "hbm3-5.2", timing: { nCCDL: 2 } }).timing.nCCDL, 2);
  assert.throws(
    () => resolveHbm({ preset: "hbm3-5.2", timing: { nCCDL: 1 } }),
    (e: unknown) => e instanceof UserError && e.message === "hbm.timing.nCCDL: must be >= nCCDS",
  );
});

test("timing consistency: a burst of nBL clocks x dataBeatsPerClock beats must be the org's burst length", () => {
  // hbm3-5.2: BL 8 = nBL 2 x 4 beats per clock; nBL 3 would move 12 beats per column command
  assert.throws(
    () => resolveHbm({ preset: "hbm3-5.2", timing: { nBL: 3 } }),
    (e: unknown) => e instanceof UserError && e.message === "hbm.timing.nBL: nBL x dataBeatsPerClock must equal burstLength",
  );
});

test("banks must divide evenly over the dies: 3 bank groups (768 banks) on 12 dies is 64 per die; on 5 dies it is refused", () => {
  // 16 channels x 2 pseudo-channels x 2 SIDs x 3 bank groups x 4 banks = 768 banks = 12 x 64; 768 x 16,384 rows x
  // 1 KiB = 12 GiB
  const s = resolveHbm({ preset: "hbm3-5.2", org: { numBankGroups: 3, numDies: 12 } });
  assert.equal(hbmBanksPerStack(s.org), 768);
  assert.equal(s.capacityBytes, 12 * GiB);
  // 768 = 5 x 153 + 3
  assert.throws(
    () => resolveHbm({ preset: "hbm3-5.2", org: { numBankGroups: 3, numDies: 5 } }),
    (e: unknown) => e instanceof UserError && e.message === "hbm.org.numDies: banks per stack must divide evenly over the dies",
  );
});
