import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../../src/core/errors.ts";
import { collectiveCost } from "../../../src/hardware/links/collective.ts";
import { LINK_PRESETS } from "../../../src/hardware/links/presets.ts";

const close = (a: number, b: number, rel = 1e-12) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test("ring all-reduce over 6 GPUs on NVLink 3, by hand", () => {
  // 1 MB per GPU, N = 6: 2(N-1) = 10 steps, each one message (3.03 us) carrying 1e6 / 6 B at 300 GB/s
  // = 10 x (3.03e-6 + 5.5556e-7) = 35.856 us; bytes sent by all GPUs 6 x 10 x 1e6 / 6 = 1e7 B at 1.3 pJ/bit.
  const c = collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", 1e6, 6);
  close(c.timeSec, 10 * (3.03e-6 + 1e6 / 6 / 300e9));
  close(c.timeSec, 35.85556e-6, 1e-6);
  close(c.energyJoules, 1e7 * 8 * 1.3e-12);
});

test("all-gather and reduce-scatter over 6: N - 1 = 5 steps of bytes / N, half an all-reduce", () => {
  const ag = collectiveCost(LINK_PRESETS.nvlink3, "all-gather", 6e6, 6);
  close(ag.timeSec, 5 * (3.03e-6 + 1e6 / 300e9));
  close(ag.energyJoules, 5 * 6e6 * 8 * 1.3e-12);
  assert.deepEqual(collectiveCost(LINK_PRESETS.nvlink3, "reduce-scatter", 6e6, 6), ag);
  const ar = collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", 6e6, 6);
  close(ar.timeSec, 2 * ag.timeSec);
});

test("AttAcc's fitted A100 all-reduce floor, (N - 1) x 6.06 us, is the latency part of the ring on nvlink3", () => {
  for (const n of [2, 4, 6, 8]) close(collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", 1e-9, n).timeSec, (n - 1) * 6.06e-6, 1e-6);
});

test("nothing to do for one participant or no data; bad input is a UserError", () => {
  assert.deepEqual(collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", 1e6, 1), { timeSec: 0, energyJoules: 0 });
  assert.deepEqual(collectiveCost(LINK_PRESETS.nvlink3, "all-gather", 0, 6), { timeSec: 0, energyJoules: 0 });
  assert.throws(() => collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", -1, 6), UserError);
  assert.throws(() => collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", 1, 0), /numParticipants/);
  assert.throws(() => collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", 1, 2.5), UserError);
});

test("properties: non-decreasing in bytes and participants, slower on a slower link, never below bytes x 2(N-1)/N / bandwidth", () =>
  fc.assert(
    fc.property(
      fc.constantFrom(...Object.values(LINK_PRESETS)),
      fc.double({ min: 0, max: 1e9, noNaN: true }),
      fc.double({ min: 0, max: 1e9, noNaN: true }),
      fc.integer({ min: 1, max: 64 }),
      fc.double({ min: 1, max: 100, noNaN: true }),
      (link, x, y, n, slowdown) => {
        const [lo, hi] = x < y ? [x, y] : [y, x];
        const t = (l: typeof link, b: number, p: number) => collectiveCost(l, "all-reduce", b, p).timeSec;
        const slow = { ...link, bandwidthBytesPerSec: link.bandwidthBytesPerSec / slowdown, latencySec: link.latencySec * slowdown };
        return (
          t(link, hi, n) >= t(link, lo, n) &&
          t(link, hi, n + 1) >= t(link, hi, n) &&
          t(slow, hi, n) >= t(link, hi, n) &&
          t(link, hi, n) >= (hi * 2 * (n - 1)) / n / link.bandwidthBytesPerSec * (1 - 1e-12)
        );
      },
    ),
  ));

test("a collective over 1 participant or of 0 bytes costs exactly nothing, for every kind (no latency either)", () => {
  for (const kind of ["all-reduce", "all-gather", "reduce-scatter"] as const) {
    assert.deepEqual(collectiveCost(LINK_PRESETS.pcie4, kind, 1e6, 1), { timeSec: 0, energyJoules: 0 });
    // 0 bytes over N > 1 would otherwise still pay steps x latencySec
    for (const n of [2, 8]) assert.deepEqual(collectiveCost(LINK_PRESETS.pcie4, kind, 0, n), { timeSec: 0, energyJoules: 0 });
  }
});
