import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ring } from "../../../src/fabric/collectives/ring.ts";
import { collectiveCost } from "../../../src/hardware/links/collective.ts";
import { LINK_PRESETS } from "../../../src/hardware/links/presets.ts";

const KINDS = ["all-reduce", "all-gather", "reduce-scatter"] as const;

test("ring is bit-identical to today's collectiveCost (the golden reproduction depends on it)", () =>
  fc.assert(
    fc.property(
      fc.constantFrom(...Object.values(LINK_PRESETS)),
      fc.double({ min: 1e-9, max: 1e-3, noNaN: true }),
      fc.double({ min: 1e3, max: 1e13, noNaN: true }),
      fc.constantFrom(...KINDS),
      fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e10, noNaN: true }), fc.integer({ min: 1, max: 1 << 30 })),
      fc.integer({ min: 1, max: 4096 }),
      (preset, latencySec, bandwidthBytesPerSec, kind, bytes, n) => {
        for (const link of [preset, { ...preset, latencySec, bandwidthBytesPerSec }]) {
          const a = ring.cost(link, kind, bytes, n);
          const b = collectiveCost(link, kind, bytes, n);
          if (!Object.is(a.timeSec, b.timeSec) || !Object.is(a.energyJoules, b.energyJoules)) return false;
        }
        return true;
      },
    ),
  ));

test("ring over 8 GPUs by hand: 14 steps of (latency + B/8 / bandwidth); all-gather 7 steps", () => {
  const link = { ...LINK_PRESETS.nvlink3, latencySec: 2e-6, bandwidthBytesPerSec: 100e9, energyPerBitJoules: 1e-12 };
  // 8 MB per GPU: chunks of 1 MB take 10 us; 14 x 12 us = 168 us; 8 x 14 x 1 MB = 112 MB sent at 8 pJ/B
  const ar = ring.cost(link, "all-reduce", 8e6, 8);
  assert.ok(Math.abs(ar.timeSec - 168e-6) < 1e-18);
  assert.ok(Math.abs(ar.energyJoules - 1.12e8 * 8e-12) < 1e-18);
  const ag = ring.cost(link, "all-gather", 8e6, 8);
  assert.ok(Math.abs(ag.timeSec - 84e-6) < 1e-18);
  assert.deepEqual(ring.cost(link, "reduce-scatter", 8e6, 8), ag);
});
