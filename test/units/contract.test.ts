import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { existsSync } from "node:fs";
import { resolveBlock } from "../../src/core/blocks.ts";
import { UserError } from "../../src/core/errors.ts";
import { gpuAttentionCost, gpuElementwiseCost, gpuGemmCost, gpuPrefillAttentionCost } from "../../src/hardware/gpu/cost.ts";
import { gpuGemmOnChipJoules, gpuStreamingOnChipJoules } from "../../src/hardware/gpu/on-chip-energy.ts";
import type { GpuSpec } from "../../src/hardware/gpu/schema.ts";
import { pimAttentionCost, pimFcCost, type PimKernelCost } from "../../src/hardware/pim/cost.ts";
import { pimTransferJoulesPerBit } from "../../src/hardware/pim/energy.ts";
import type { HbmSpec } from "../../src/hardware/pim/hbm.ts";
import { pimStackCapacityBytes, type PimDesign } from "../../src/hardware/pim/schema.ts";
import { pimConsts } from "../../src/hardware/pim/timing.ts";
import { elementwiseKernelsPerLayer } from "../../src/models/kernels.ts";
import type { Assumptions } from "../../src/units/assumptions.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { PROFILE_NAMES, resolveAssumptions } from "../../src/systems/profiles.ts";
import { UNIT_KINDS, type Unit, type UnitCost } from "../../src/units/index.ts";
import { copyUnitCost, decodeAttentionInto, mutableUnitCost, type AttentionShape } from "../../src/units/unit.ts";

/**
 * The contract every registered unit kind passes (src/units/unit.ts), checked over representative descriptions of
 * each kind made from the registry alone: every preset of each of its hardware blocks (the other blocks at their first
 * preset), at the scales the systems use (1 device, 6 GPUs, 30 stacks in groups of 5, 60 attention stacks), under
 * both assumption profiles. A new kind passes it unchanged; what the test needs of the kind is in the registry (its
 * schema, blocks, capabilities and checkGroups), and every field of a description besides its blocks and count has a
 * default. Then "today's numbers": each kind's costs equal the hardware functions it wraps, for pinned calls (the
 * kinds of papi 0.3 here; a new kind brings its own in test/units/<kind>.test.ts).
 */

const SCALES = [1, 6, 30, 60];
const model = MODEL_PRESETS["llama-65b"];
const MHA: AttentionShape = { numHeads: 64, numKvHeads: 64, headDim: 128, dtypeBytes: 2 };
const GQA: AttentionShape = { numHeads: 64, numKvHeads: 8, headDim: 128, dtypeBytes: 2 };

interface Case {
  what: string;
  kind: string;
  count: number;
  /** the resolved description (blocks as full specs) and the assumptions the unit was made under */
  d: Record<string, unknown>;
  a: Assumptions;
  /** tensor-parallel groups the kind accepts at this count (FC shards run on count / groups devices) */
  groups: number;
  unit: Unit;
}

function descriptionsOf(kind: string): Record<string, unknown>[] {
  const blocks = Object.entries(UNIT_KINDS.get(kind).blocks);
  const first = (b: (typeof blocks)[number][1]) => Object.keys(b.block.presets())[0];
  const out = new Map<string, Record<string, unknown>>();
  for (const [field, { block }] of blocks) {
    for (const preset of Object.keys(block.presets())) {
      for (const count of SCALES) {
        const d: Record<string, unknown> = { kind, count };
        for (const [f, b] of blocks) d[f] = f === field ? preset : first(b);
        out.set(JSON.stringify(d), d);
      }
    }
  }
  return [...out.values()];
}

function buildCases(): Case[] {
  const cases: Case[] = [];
  for (const kind of UNIT_KINDS.names) {
    const k = UNIT_KINDS.get(kind);
    for (const raw of descriptionsOf(kind)) {
      const parsed = k.schema.safeParse(raw);
      assert.ok(parsed.success, `${kind}: ${JSON.stringify(raw)} does not parse (every field besides blocks and count needs a default): ${parsed.success ? "" : parsed.error.message}`);
      const d = { ...(parsed.data as Record<string, unknown>) } as { kind: string; count: number } & Record<string, unknown>;
      for (const [field, { block }] of Object.entries(k.blocks)) d[field] = resolveBlock(block, d[field], undefined, `${kind}.${field}`);
      const groups = [6, 8, 1, d.count].find((g) => d.count % g === 0 && (k.checkGroups?.(d as never, g) ?? null) === null);
      assert.ok(groups !== undefined, `${kind}: no tensor-parallel group count fits ${JSON.stringify(raw)}`);
      for (const profile of PROFILE_NAMES) {
        const a = resolveAssumptions(profile);
        const unit = k.make({ name: `u-${kind}`, description: d as never, assumptions: a });
        cases.push({ what: `${JSON.stringify(raw)} (${profile})`, kind, count: d.count, d, a, groups, unit });
      }
    }
  }
  return cases;
}

const CASES = buildCases();
const caseArb = fc.constantFrom(...CASES);
const OPS = ["fc", "attention", "elementwise"] as const;

/** A well-formed cost: finite, time and energy >= 0, the split sums to energyJoules. */
function checkCost(c: UnitCost, what: string): void {
  assert.ok(Number.isFinite(c.timeSec) && c.timeSec >= 0, `${what}: timeSec ${c.timeSec}`);
  const { compute, dram, transfer } = c.split;
  for (const [k, v] of Object.entries(c.split)) assert.ok(Number.isFinite(v) && v >= 0, `${what}: split.${k} ${v}`);
  assert.ok(Math.abs(compute + dram + transfer - c.energyJoules) <= 1e-12 * Math.max(1, c.energyJoules), `${what}: split ${compute + dram + transfer} vs energyJoules ${c.energyJoules}`);
}

/** Zero work: a zero cost where the method accepts it, a one-line UserError where it refuses; never anything else. */
function zeroOrRefused(f: () => UnitCost, what: string): "zero" | "refused" {
  let c: UnitCost;
  try {
    c = f();
  } catch (e) {
    assert.ok(e instanceof UserError, `${what}: threw ${String(e)}`);
    assert.ok(!(e as Error).message.includes("\n"), `${what}: error spans lines`);
    return "refused";
  }
  assert.equal(c.timeSec, 0, `${what}: time ${c.timeSec}`);
  assert.equal(c.energyJoules, 0, `${what}: energy ${c.energyJoules}`);
  return "zero";
}

/** b costs at least a (time and energy), to rounding. */
const notBelow = (a: UnitCost, b: UnitCost): boolean => b.timeSec >= a.timeSec * (1 - 1e-12) && b.energyJoules >= a.energyJoules * (1 - 1e-12);

const shard = (c: Case, m: number, which: "qkv" | "down") => {
  const h = model.hidden_size;
  const ffn = model.intermediate_size;
  return which === "qkv"
    ? { m, k: h, n: Math.ceil((3 * h) / c.groups), numDevices: Math.floor(c.count / c.groups), dtypeBytes: 2 }
    : { m, k: Math.ceil(ffn / c.groups), n: h, numDevices: Math.floor(c.count / c.groups), dtypeBytes: 2 };
};

const decode = (shape: AttentionShape, lens: number[], tlp: number) => ({
  shape,
  numRequests: lens.length,
  tlp,
  contextLens: lens,
  totalContextTokens: lens.reduce((s, x) => s + x, 0),
});

describe("every registered unit kind", () => {
  test("the registry: every kind under its own name, its units report that kind; the representative descriptions cover every kind", () => {
    assert.ok(UNIT_KINDS.names.length >= 3);
    for (const name of UNIT_KINDS.names) {
      assert.equal(UNIT_KINDS.get(name).kind, name);
      assert.ok(UNIT_KINDS.get(name).description.length > 10, name);
      assert.ok(CASES.some((c) => c.kind === name), name);
    }
    assert.throws(() => UNIT_KINDS.get("gpus"), /unknown unit kind "gpus" \(did you mean "gpu"\?\)/);
  });

  test("what a unit is: its kind, name, device count, a label; capabilities match the methods it has", () => {
    for (const c of CASES) {
      const u = c.unit;
      const cap = UNIT_KINDS.get(c.kind).capabilities;
      assert.equal(u.kind, c.kind, c.what);
      assert.equal(u.name, `u-${c.kind}`, c.what);
      assert.equal(u.numDevices, c.count, c.what);
      assert.ok(u.label.length > 0 && u.label.includes(String(c.count)), `${c.what}: label ${u.label}`);
      assert.equal(typeof u.fc === "function", cap.fc, `${c.what}: fc`);
      assert.equal(typeof u.decodeAttention === "function", cap.attention, `${c.what}: decodeAttention`);
      assert.equal(typeof u.prefillAttention === "function", cap.attention, `${c.what}: prefillAttention`);
      assert.equal(typeof u.elementwise === "function", cap.elementwise, `${c.what}: elementwise`);
      assert.equal(u.computesInPlace, cap.computesInPlace, `${c.what}: computesInPlace`);
      assert.equal(u.deviceCapacityBytes > 0, cap.memory, `${c.what}: memory ${u.deviceCapacityBytes}`);
      assert.ok(u.addressableBytesPerDevice >= 0, `${c.what}: addressable ${u.addressableBytesPerDevice}`);
      // a unit that computes must compute somewhere: on its own memory, or on a processor
      if (cap.fc || cap.attention) assert.ok(cap.computesInPlace || u.isProcessor, c.what);
    }
  });

  test("idle power is finite and >= 0; every operation keeps a named resource busy", () => {
    for (const c of CASES) {
      const p = c.unit.idlePowerWattsPerDevice();
      assert.ok(Number.isFinite(p.staticWatts) && p.staticWatts >= 0, `${c.what}: static ${p.staticWatts}`);
      assert.ok(Number.isFinite(p.refreshWatts) && p.refreshWatts >= 0, `${c.what}: refresh ${p.refreshWatts}`);
      for (const op of OPS) {
        const r = c.unit.resourceOf(op);
        assert.ok(typeof r === "string" && r.length > 0, `${c.what}: resourceOf(${op}) = ${String(r)}`);
        assert.equal(c.unit.resourceOf(op), r, `${c.what}: resourceOf(${op}) is not stable`);
      }
    }
  });

  test("zero work costs zero (or is refused with a one-line UserError): no tokens, no requests, no kernels", () => {
    const seen = new Set<string>();
    for (const c of CASES) {
      const u = c.unit;
      if (u.fc) seen.add(`fc:${zeroOrRefused(() => u.fc!(shard(c, 0, "qkv")), `${c.what} fc m=0`)}`);
      if (u.decodeAttention) {
        seen.add(`attn:${zeroOrRefused(() => u.decodeAttention!(decode(MHA, [], 1)), `${c.what} decode, no request`)}`);
        zeroOrRefused(() => u.decodeAttention!({ ...decode(MHA, [0, 0], 1) }), `${c.what} decode, empty contexts`);
      }
      if (u.prefillAttention) seen.add(`prefill:${zeroOrRefused(() => u.prefillAttention!({ shape: MHA, newTokens: 0, cachedTokens: 0 }), `${c.what} prefill, no token`)}`);
      if (u.elementwise) seen.add(`elementwise:${zeroOrRefused(() => u.elementwise!([], c.groups), `${c.what} elementwise, no kernel`)}`);
    }
    // both outcomes occur today (GPUs accept m = 0, PIM refuses it): the check sees each
    assert.ok(seen.has("fc:zero") && seen.has("fc:refused") && seen.has("attn:zero") && seen.has("elementwise:zero"), [...seen].join(", "));
  });
});

describe("properties", () => {
  test("FC: well-formed, positive, and non-decreasing in tokens", () =>
    fc.assert(
      fc.property(caseArb.filter((c) => c.unit.fc !== undefined), fc.integer({ min: 1, max: 2048 }), fc.integer({ min: 1, max: 2048 }), fc.constantFrom("qkv" as const, "down" as const), (c, x, y, which) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        const a = c.unit.fc!(shard(c, lo, which));
        const b = c.unit.fc!(shard(c, hi, which));
        checkCost(a, `${c.what} fc m=${lo}`);
        checkCost(b, `${c.what} fc m=${hi}`);
        assert.ok(a.timeSec > 0 && a.energyJoules > 0, `${c.what}: fc of ${lo} tokens is free`);
        assert.ok(notBelow(a, b), `${c.what}: fc ${which} m=${lo} ${a.timeSec} s ${a.energyJoules} J > m=${hi} ${b.timeSec} s ${b.energyJoules} J`);
      }),
      { numRuns: 150 },
    ));

  test("decode attention: well-formed, and non-decreasing when a request joins, a context grows or TLP grows", () =>
    fc.assert(
      fc.property(
        caseArb.filter((c) => c.unit.decodeAttention !== undefined),
        fc.constantFrom(MHA, GQA),
        fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 2048 }),
        fc.integer({ min: 1, max: 4 }),
        (c, shape, lens, extra, tlp) => {
          const u = c.unit;
          const base = u.decodeAttention!(decode(shape, lens, tlp));
          checkCost(base, `${c.what} decode`);
          assert.ok(base.timeSec > 0 && base.energyJoules > 0, `${c.what}: attention over ${lens.length} requests is free`);
          const joined = u.decodeAttention!(decode(shape, [...lens, extra], tlp));
          const longer = u.decodeAttention!(decode(shape, [lens[0] + extra, ...lens.slice(1)], tlp));
          const moreTlp = u.decodeAttention!(decode(shape, lens, tlp + 1));
          assert.ok(notBelow(base, joined), `${c.what}: a request joined and attention got cheaper`);
          assert.ok(notBelow(base, longer), `${c.what}: a context grew and attention got cheaper`);
          assert.ok(notBelow(base, moreTlp), `${c.what}: TLP grew and attention got cheaper`);
        },
      ),
      { numRuns: 150 },
    ));

  test("decodeAttentionInto (the unit's own or the fallback) gives decodeAttention's values exactly, into one reused cost, reading numRequests lengths only", () =>
    fc.assert(
      fc.property(
        caseArb.filter((c) => c.unit.decodeAttention !== undefined),
        fc.constantFrom(MHA, GQA),
        fc.array(fc.array(fc.integer({ min: 0, max: 4096 }), { minLength: 1, maxLength: 16 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (c, shape, batches, tlp, trailing) => {
          const out = mutableUnitCost();
          for (const lens of batches) {
            // entries past numRequests (a mixed iteration's prefill chunks) must not count
            const padded = [...lens, ...Array.from({ length: trailing }, () => 4000)];
            const work = { ...decode(shape, lens, tlp), contextLens: padded };
            const into = decodeAttentionInto(c.unit, work, out);
            assert.equal(into, out, `${c.what}: a new object`);
            assert.deepEqual(copyUnitCost(into, mutableUnitCost()), copyUnitCost(c.unit.decodeAttention!(decode(shape, lens, tlp)), mutableUnitCost()), `${c.what}: lens ${lens}`);
          }
        },
      ),
      { numRuns: 150 },
    ));

  test("the PIM kinds have their own decodeAttentionInto (the serving loop's path allocates nothing there)", () => {
    for (const kind of ["pim", "neupims"]) assert.ok(CASES.some((c) => c.kind === kind && typeof c.unit.decodeAttentionInto === "function"), kind);
  });

  test("prefill attention: well-formed, and non-decreasing in new and in cached tokens", () =>
    fc.assert(
      fc.property(caseArb.filter((c) => c.unit.prefillAttention !== undefined), fc.constantFrom(MHA, GQA), fc.integer({ min: 1, max: 1024 }), fc.integer({ min: 0, max: 2048 }), fc.integer({ min: 1, max: 512 }), (c, shape, n, cached, extra) => {
        const u = c.unit;
        const base = u.prefillAttention!({ shape, newTokens: n, cachedTokens: cached });
        checkCost(base, `${c.what} prefill`);
        assert.ok(base.timeSec > 0, `${c.what}: prefill of ${n} tokens is free`);
        assert.ok(notBelow(base, u.prefillAttention!({ shape, newTokens: n + extra, cachedTokens: cached })), `${c.what}: more prompt tokens got cheaper`);
        assert.ok(notBelow(base, u.prefillAttention!({ shape, newTokens: n, cachedTokens: cached + extra })), `${c.what}: more cached tokens got cheaper`);
      }),
      { numRuns: 150 },
    ));

  test("elementwise: well-formed, and non-decreasing in tokens", () =>
    fc.assert(
      fc.property(caseArb.filter((c) => c.unit.elementwise !== undefined), fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 4096 }), (c, x, y) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        const a = c.unit.elementwise!(elementwiseKernelsPerLayer(model, lo), c.groups);
        const b = c.unit.elementwise!(elementwiseKernelsPerLayer(model, hi), c.groups);
        checkCost(a, `${c.what} elementwise`);
        assert.ok(a.timeSec > 0 && a.energyJoules > 0, `${c.what}: elementwise of ${lo} tokens is free`);
        assert.ok(notBelow(a, b), `${c.what}: elementwise of ${hi} tokens cheaper than of ${lo}`);
      }),
      { numRuns: 100 },
    ));
});

/** time equal, energy equal to rounding */
function same(c: UnitCost, timeSec: number, energyJoules: number, what: string): void {
  assert.equal(c.timeSec, timeSec, `${what}: time`);
  assert.ok(Math.abs(c.energyJoules - energyJoules) <= 1e-12 * energyJoules, `${what}: energy ${c.energyJoules} vs ${energyJoules}`);
}
const pimDynamic = (k: PimKernelCost) => k.energyJoules - k.energyBreakdownJoules.background;

/** Today's kinds: each cost is the hardware function it wraps, called as the unit's doc comment says. */
const PINNED: Record<string, (c: Case) => void> = {
  gpu: (c) => {
    const g = c.d.device as GpuSpec;
    const G = c.count;
    const u = c.unit;
    const s = shard(c, 24, "qkv");
    const gemm = gpuGemmCost(g, s);
    const onChip = c.a.gpuOnChipEnergy ? gpuGemmOnChipJoules(g, { ...s, tileM: gemm.tileM!, tileN: gemm.tileN! }) : 0;
    same(u.fc!(s), gemm.timeSec, gemm.flops * g.energyPerFlopJoules + gemm.bytes * g.hbmEnergyPerByteJoules + onChip, `${c.what} fc`);
    const lens = [100, 2000, 37];
    const att = gpuAttentionCost(g, { numRequests: 3, numHeads: Math.ceil(64 / G), numKvHeads: Math.ceil(8 / G), headDim: 128, tlp: 2, totalContextTokens: 2137, dtypeBytes: 2 });
    const attOnChip = c.a.gpuOnChipEnergy ? gpuStreamingOnChipJoules(g, att.bytes, att.flops / 2) : 0;
    same(u.decodeAttention!(decode(GQA, lens, 2)), att.timeSec, G * (att.energyJoules + attOnChip), `${c.what} decode attention`);
    const pre = gpuPrefillAttentionCost(g, { numHeads: Math.ceil(64 / G), numKvHeads: Math.ceil(64 / G), headDim: 128, numPromptTokens: 300, numCachedTokens: 200, dtypeBytes: 2 });
    const preOnChip = c.a.gpuOnChipEnergy ? gpuStreamingOnChipJoules(g, pre.bytes, pre.flops / 2) : 0;
    same(u.prefillAttention!({ shape: MHA, newTokens: 300, cachedTokens: 200 }), pre.timeSec, G * (pre.energyJoules + preOnChip), `${c.what} prefill`);
    const kernels = elementwiseKernelsPerLayer(model, 16);
    let t = 0;
    let e = 0;
    for (const k of kernels) {
      const bytes = (k.bytesRead + k.bytesWritten) / (k.sharded ? c.groups : 1);
      const one = gpuElementwiseCost(g, bytes);
      t += one.timeSec;
      e += c.groups * (one.energyJoules + (c.a.gpuOnChipEnergy ? gpuStreamingOnChipJoules(g, one.bytes) : 0));
    }
    same(u.elementwise!(kernels, c.groups), t, e, `${c.what} elementwise`);
    assert.deepEqual(u.idlePowerWattsPerDevice(), { staticWatts: c.a.gpuStaticPower ? g.staticPowerWatts : 0, refreshWatts: 0 });
    assert.equal(u.deviceCapacityBytes, 0);
    assert.equal(u.addressableBytesPerDevice, g.memoryCapacityBytes);
  },
  pim: (c) => {
    const d = c.d.design as PimDesign;
    const u = c.unit;
    const s = shard(c, 4, "down");
    const fcCost = pimFcCost(d, { m: 4, k: s.k, n: s.n, numStacks: s.numDevices, dtypeBytes: 2 });
    same(u.fc!(s), fcCost.timeSec, pimDynamic(fcCost), `${c.what} fc`);
    const att = pimAttentionCost(d, { numHeads: 64, numKvHeads: 8, headDim: 128, contextLens: [100, 2000, 37], tlp: 2, numStacks: c.count, dtypeBytes: 2 });
    same(u.decodeAttention!(decode(GQA, [100, 2000, 37], 2)), att.timeSec, pimDynamic(att), `${c.what} decode attention`);
    const pre = pimAttentionCost(d, { numHeads: 64, numKvHeads: 64, headDim: 128, contextLens: [500], tlp: 300, numStacks: c.count, dtypeBytes: 2 });
    same(u.prefillAttention!({ shape: MHA, newTokens: 300, cachedTokens: 200 }), pre.timeSec, pimDynamic(pre), `${c.what} prefill`);
    // one unsharded 1 MB kernel and one sharded 3 MB one, on the buffer dies of each group's stacks
    const kernels = [
      { name: "a", flops: 0, bytesRead: 6e5, bytesWritten: 4e5, sharded: false },
      { name: "b", flops: 0, bytesRead: 2e6, bytesWritten: 1e6, sharded: true },
    ];
    const G = c.groups;
    const bytesPerSec = d.hbm.externalBandwidthBytesPerSec * Math.floor(c.count / G);
    const joulesPerBit = d.energy.cellRdWrJoulesPerBit + pimTransferJoulesPerBit(d.energy);
    const o = c.a.pimElementwiseOverheadSec;
    same(u.elementwise!(kernels, G), o + 1e6 / bytesPerSec + (o + 3e6 / G / bytesPerSec), (1e6 + 3e6 / G) * G * 8 * joulesPerBit, `${c.what} elementwise`);
    assert.deepEqual(u.idlePowerWattsPerDevice(), { staticWatts: d.energy.backgroundPowerWattsPerStack, refreshWatts: c.a.pimRefreshEnergy ? pimConsts(d).refreshWattsPerStack : 0 });
    assert.equal(u.deviceCapacityBytes, pimStackCapacityBytes(d));
  },
  hbm: (c) => {
    const h = c.d.hbm as HbmSpec;
    assert.equal(c.unit.deviceCapacityBytes, h.capacityBytes);
    assert.deepEqual(c.unit.idlePowerWattsPerDevice(), { staticWatts: 0, refreshWatts: 0 }, "inside the GPUs' static power");
  },
};

describe("today's numbers for today's presets", () => {
  test("each kind's costs are the hardware functions it wraps, for every representative description", () => {
    for (const c of CASES) PINNED[c.kind]?.(c);
  });

  test("every registered kind pins its numbers: here (papi 0.3's kinds) or in its own test/units/<kind>.test.ts", () => {
    for (const kind of UNIT_KINDS.names) {
      assert.ok(PINNED[kind] !== undefined || existsSync(new URL(`./${kind}.test.ts`, import.meta.url)), `unit kind ${kind} has no pinned numbers`);
    }
  });
});
