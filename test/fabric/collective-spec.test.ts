import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { COLLECTIVE_PRESETS, CollectiveSpec, DEFAULT_COLLECTIVE_PRESET, collectiveSpecCost, effectiveLink, resolveCollective } from "../../src/fabric/collective-spec.ts";
import { collectiveCost } from "../../src/hardware/links/collective.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";

const oneLine = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");

test("the default preset on nvlink3 is today's collective, bit for bit", () =>
  fc.assert(
    fc.property(fc.constantFrom("all-reduce", "all-gather", "reduce-scatter" as const), fc.double({ min: 0, max: 1e10, noNaN: true }), fc.integer({ min: 1, max: 64 }), (kind, bytes, n) => {
      const a = collectiveSpecCost(COLLECTIVE_PRESETS[DEFAULT_COLLECTIVE_PRESET].spec, LINK_PRESETS.nvlink3, kind, bytes, n);
      const b = collectiveCost(LINK_PRESETS.nvlink3, kind, bytes, n);
      return Object.is(a.timeSec, b.timeSec) && Object.is(a.energyJoules, b.energyJoules);
    }),
  ));

test("a spec's regime by hand: call overhead + 2(N-1) x (message latency + B/N / (efficiency x bandwidth)); energy unchanged", () => {
  const spec = { algorithm: "ring" as const, callOverheadSec: 20e-6, messageLatencySec: 1e-6, bandwidthEfficiency: 0.5 };
  const c = collectiveSpecCost(spec, LINK_PRESETS.nvlink3, "all-reduce", 8e6, 8);
  // 14 messages of 1 MB at 150 GB/s: 14 x (1 us + 6.667 us) + 20 us = 127.33 us
  assert.ok(Math.abs(c.timeSec - (20e-6 + 14 * (1e-6 + 1e6 / 150e9))) < 1e-15);
  assert.equal(c.energyJoules, collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", 8e6, 8).energyJoules);
  // nothing to send: not even the call overhead
  assert.deepEqual(collectiveSpecCost(spec, LINK_PRESETS.nvlink3, "all-reduce", 8e6, 1), { timeSec: 0, energyJoules: 0 });
  assert.deepEqual(collectiveSpecCost(spec, LINK_PRESETS.nvlink3, "all-gather", 0, 8), { timeSec: 0, energyJoules: 0 });
  assert.throws(() => collectiveSpecCost(spec, LINK_PRESETS.nvlink3, "all-reduce", -1, 8), UserError);
  assert.equal(effectiveLink({ algorithm: "tree" }, LINK_PRESETS.nvlink4), LINK_PRESETS.nvlink4, "no override: the same link object");
});

test("every preset parses, names a registered algorithm and cites its source", () => {
  for (const [name, p] of Object.entries(COLLECTIVE_PRESETS)) {
    assert.deepEqual(CollectiveSpec.parse(p.spec), p.spec, name);
    assert.ok(p.description.length > 20 && p.source.length > 20, name);
    assert.deepEqual(resolveCollective(name), p.spec);
  }
  assert.deepEqual(COLLECTIVE_PRESETS["attacc-a100"].spec, { algorithm: "ring", messageLatencySec: 3.03e-6 });
  assert.equal(COLLECTIVE_PRESETS["attacc-a100"].spec.messageLatencySec, LINK_PRESETS.nvlink3.latencySec);
});

test("a collective block: a preset, a preset with overrides, a full spec; mistakes are one-line errors naming the field", () => {
  assert.deepEqual(resolveCollective({ preset: "nccl-graph", messageLatencySec: 1e-6 }), { algorithm: "ring", messageLatencySec: 1e-6, callOverheadSec: 3.6e-6, bandwidthEfficiency: 0.82 });
  assert.deepEqual(resolveCollective({ algorithm: "in-switch" }), { algorithm: "in-switch" });
  assert.throws(() => resolveCollective("nccl-grpah", undefined, "fabrics.gpuGpu.collective"), oneLine(/fabrics\.gpuGpu\.collective: unknown collective preset "nccl-grpah" \(did you mean "nccl-graph"\?\)/));
  assert.throws(() => resolveCollective({ algorithm: "butterfly" }), oneLine(/collective\.algorithm: must be one of ring, one-shot, tree, in-switch, bandwidth-only/));
  assert.throws(() => resolveCollective({ algorithm: "ring", latencySec: 1e-6 }), oneLine(/unknown key "latencySec"/));
  assert.throws(() => resolveCollective({ algorithm: "ring", bandwidthEfficiency: 1.5 }), oneLine(/collective\.bandwidthEfficiency: must be a number in \(0, 1\]/));
  assert.throws(() => resolveCollective({ algorithm: "ring", callOverheadSec: -1 }), oneLine(/collective\.callOverheadSec: must be a number in \[0, 1\]/));
});
