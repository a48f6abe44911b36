import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../../src/core/errors.ts";
import { linkTransferCost } from "../../../src/hardware/links/cost.ts";
import { LINK_PRESETS } from "../../../src/hardware/links/presets.ts";

test("hand-derived: 1 MB over PCIe 4.0 x16 in 2 messages = 2 x 2 us + 1e6 / 32e9 s; 8e6 bits x 5 pJ", () => {
  const c = linkTransferCost(LINK_PRESETS.pcie4, 1e6, 2);
  assert.ok(Math.abs(c.timeSec - (4e-6 + 31.25e-6)) < 1e-15);
  assert.ok(Math.abs(c.energyJoules - 8e6 * 5e-12) < 1e-18);
  assert.equal(linkTransferCost(LINK_PRESETS.nvlink3, 0, 0).timeSec, 0);
});

test("bad input is a UserError", () => {
  assert.throws(() => linkTransferCost(LINK_PRESETS.nvlink4, -1), UserError);
  assert.throws(() => linkTransferCost(LINK_PRESETS.nvlink4, 10, 1.5), /numMessages/);
  assert.throws(() => linkTransferCost(LINK_PRESETS.nvlink4, Number.NaN), UserError);
  // a message count must be a whole number >= 0: fractional and negative counts are refused, each with the count
  const refused = (n: number) => (e: unknown) => e instanceof UserError && e.message === `link numMessages must be a non-negative integer, got ${n}`;
  assert.throws(() => linkTransferCost(LINK_PRESETS.nvlink4, 10, 1.5), refused(1.5));
  assert.throws(() => linkTransferCost(LINK_PRESETS.nvlink4, 10, -1), refused(-1));
  assert.throws(() => linkTransferCost(LINK_PRESETS.nvlink4, 0, -3), refused(-3));
});

test("properties: cost is additive in bytes and never below bytes / bandwidth", () =>
  fc.assert(fc.property(fc.constantFrom(...Object.values(LINK_PRESETS)), fc.nat(1e9), fc.nat(1e9), fc.integer({ min: 1, max: 8 }), (l, a, b, n) => {
    const ab = linkTransferCost(l, a + b, n);
    const sum = linkTransferCost(l, a, n).timeSec + linkTransferCost(l, b, 0).timeSec;
    return Math.abs(ab.timeSec - sum) <= 1e-12 * ab.timeSec + 1e-18 && ab.timeSec >= (a + b) / l.bandwidthBytesPerSec &&
      ab.energyJoules >= 0;
  })));
