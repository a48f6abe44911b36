import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../../src/core/errors.ts";
import { COLLECTIVE_ALGORITHMS, COLLECTIVE_ALGORITHM_NAMES } from "../../../src/fabric/collectives/index.ts";
import { LINK_PRESETS } from "../../../src/hardware/links/presets.ts";

const KINDS = ["all-reduce", "all-gather", "reduce-scatter"] as const;
const algos = COLLECTIVE_ALGORITHM_NAMES.map((n) => COLLECTIVE_ALGORITHMS.get(n));
const linkArb = fc.record({
  preset: fc.constantFrom(...Object.values(LINK_PRESETS)),
  latencySec: fc.double({ min: 0, max: 1e-4, noNaN: true }),
  bandwidthBytesPerSec: fc.double({ min: 1e6, max: 1e13, noNaN: true }),
}).map(({ preset, latencySec, bandwidthBytesPerSec }) => ({ ...preset, latencySec, bandwidthBytesPerSec }));

test("the registry holds the five algorithms, each under its own name, with a description and a source", () => {
  assert.deepEqual(COLLECTIVE_ALGORITHMS.names, ["ring", "one-shot", "tree", "in-switch", "bandwidth-only"]);
  for (const [k, a] of Object.entries(COLLECTIVE_ALGORITHMS.entries)) {
    assert.equal(a.name, k);
    assert.ok(a.description.length > 10 && a.source.length > 10, k);
  }
  assert.throws(() => COLLECTIVE_ALGORITHMS.get("rign"), /unknown collective algorithm "rign" \(did you mean "ring"\?\)/);
});

test("every algorithm: nothing to do for 1 participant or 0 bytes (no latency either); bad arguments are UserErrors", () => {
  for (const a of algos) {
    for (const kind of KINDS) {
      assert.deepEqual(a.cost(LINK_PRESETS.nvlink4, kind, 1e6, 1), { timeSec: 0, energyJoules: 0 }, a.name);
      assert.deepEqual(a.cost(LINK_PRESETS.nvlink4, kind, 0, 8), { timeSec: 0, energyJoules: 0 }, a.name);
      assert.throws(() => a.cost(LINK_PRESETS.nvlink4, kind, -1, 8), UserError);
      assert.throws(() => a.cost(LINK_PRESETS.nvlink4, kind, Infinity, 8), UserError);
      assert.throws(() => a.cost(LINK_PRESETS.nvlink4, kind, 1e6, 0), /numParticipants/);
      assert.throws(() => a.cost(LINK_PRESETS.nvlink4, kind, 1e6, 2.5), UserError);
    }
  }
});

test("properties: time and energy non-decreasing in bytes and in participants, positive when there is work", () =>
  fc.assert(
    fc.property(linkArb, fc.constantFrom(...KINDS), fc.double({ min: 1, max: 1e9, noNaN: true }), fc.double({ min: 1, max: 1e9, noNaN: true }), fc.integer({ min: 2, max: 512 }), (link, kind, x, y, n) => {
      const [lo, hi] = x < y ? [x, y] : [y, x];
      return algos.every((a) => {
        const c = a.cost(link, kind, hi, n);
        const smaller = a.cost(link, kind, lo, n);
        const more = a.cost(link, kind, hi, n + 1);
        return c.timeSec > 0 && c.energyJoules >= 0 && smaller.timeSec <= c.timeSec && smaller.energyJoules <= c.energyJoules && more.timeSec >= c.timeSec && more.energyJoules >= c.energyJoules;
      });
    }),
  ));

test("properties: time is affine in the latency and in 1 / bandwidth; energy is bytes x energy per bit, whatever the timing", () =>
  fc.assert(
    fc.property(linkArb, fc.constantFrom(...KINDS), fc.double({ min: 1, max: 1e9, noNaN: true }), fc.integer({ min: 2, max: 512 }), fc.double({ min: 0.1, max: 10, noNaN: true }), (link, kind, bytes, n, k) => {
      return algos.every((a) => {
        const t = (l: typeof link) => a.cost(l, kind, bytes, n).timeSec;
        const hops = t({ ...link, latencySec: 1, bandwidthBytesPerSec: Infinity });
        const wire = t({ ...link, latencySec: 0 });
        const affine = Math.abs(t(link) - (hops * link.latencySec + wire)) <= 1e-9 * t(link);
        const slower = Math.abs(t({ ...link, latencySec: 0, bandwidthBytesPerSec: link.bandwidthBytesPerSec / k }) - k * wire) <= 1e-9 * k * wire;
        const e = a.cost(link, kind, bytes, n).energyJoules;
        const energyScales = Math.abs(a.cost({ ...link, energyPerBitJoules: k * link.energyPerBitJoules }, kind, bytes, n).energyJoules - k * e) <= 1e-9 * k * e;
        const energyIgnoresTiming = a.cost({ ...link, latencySec: 0, bandwidthBytesPerSec: 1e6 }, kind, bytes, n).energyJoules === e;
        return affine && slower && energyScales && energyIgnoresTiming && hops >= 0 && Math.abs(hops - Math.round(hops)) < 1e-9;
      });
    }),
  ));
