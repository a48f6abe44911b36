import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { gpuElementwiseCost, gpuGemmCost, gpuPrefillAttentionCost } from "../../src/hardware/gpu/cost.ts";
import { GPU_PRESETS } from "../../src/hardware/gpu/presets.ts";
import { pimAttentionCost } from "../../src/hardware/pim/cost.ts";
import { PIM_DESIGNS } from "../../src/hardware/pim/presets.ts";
import { pimStackCapacityBytes, type PimDesign } from "../../src/hardware/pim/schema.ts";
import { pimConsts } from "../../src/hardware/pim/timing.ts";
import { elementwiseKernelsPerLayer } from "../../src/models/kernels.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { resolveAssumptions } from "../../src/systems/profiles.ts";
import { resolveSystem } from "../../src/systems/resolve.ts";
import { roleDevices } from "../../src/systems/devices.ts";
import { UNIT_KINDS } from "../../src/units/index.ts";
import { neupimsUnitKind, npuOnStacks, type NeupimsUnitResolved } from "../../src/units/neupims.ts";
import type { UnitCost } from "../../src/units/unit.ts";

/**
 * The neupims unit kind (src/units/neupims.ts): its pinned numbers (each cost is the GPU model on the NPU or the PIM
 * model on the stacks, as its doc comment says), its preset, the dual row buffers, and its use in a system. The
 * generic contract (test/units/contract.test.ts) runs over it unchanged.
 */

const kind = neupimsUnitKind;
const npu = GPU_PRESETS["neupims-npu"];
const attacc = PIM_DESIGNS.attacc;
const a = resolveAssumptions();
const make = (over: Partial<NeupimsUnitResolved> = {}) =>
  kind.make({ name: "np", description: { kind: "neupims", npu, design: attacc, stacksPerDevice: 2, dualRowBuffers: true, count: 8, ...over }, assumptions: a });
const dynamic = (k: { energyJoules: number; energyBreakdownJoules: { background: number } }) => k.energyJoules - k.energyBreakdownJoules.background;
const close = (c: UnitCost, timeSec: number, energyJoules: number, what: string) => {
  assert.equal(c.timeSec, timeSec, `${what}: time`);
  assert.ok(Math.abs(c.energyJoules - energyJoules) <= 1e-12 * energyJoules, `${what}: energy ${c.energyJoules} vs ${energyJoules}`);
};

describe("the neupims-npu preset", () => {
  test("the kind is registered under its name", () => assert.equal(UNIT_KINDS.get("neupims"), neupimsUnitKind));

  test("8 arrays of 128 x 128 MACs at 1 GHz, 32 HBM2 channels of 128 bits at 2 Gb/s, 32 GiB (the NeuPIMs artifact)", () => {
    assert.equal(npu.peakFp16FlopsPerSec, 8 * 128 * 128 * 2 * 1e9);
    assert.equal(npu.hbmBandwidthBytesPerSec, (32 * 128 * 2e9) / 8);
    assert.equal(npu.memoryCapacityBytes, 32 * 2 ** 30);
    assert.equal(npu.numSms, 8);
    assert.deepEqual(npu.gemmTileShapes, [{ m: 128, n: 128 }]);
    assert.equal(npu.tdpWatts, 192);
  });

  test("a GEMM of a full array pass at the roofline: compute-bound above ~240 tokens, weight-bound below", () => {
    // 1024 x 8192 x 8192: 8 x 64 tiles of 128 x 128 over 8 arrays, k in 128 steps of 64: the peak at 0.8
    const big = gpuGemmCost(npu, { m: 1024, k: 8192, n: 8192, dtypeBytes: 2 });
    assert.ok(Math.abs(big.computeSec - (2 * 1024 * 8192 * 8192) / (npu.peakFp16FlopsPerSec * 0.8)) < 1e-12);
    assert.ok(big.computeSec > big.memorySec);
    const small = gpuGemmCost(npu, { m: 32, k: 8192, n: 8192, dtypeBytes: 2 });
    assert.ok(small.memorySec > small.computeSec);
    assert.ok(Math.abs(small.memorySec - ((32 * 8192 + 8192 * 8192 + 32 * 8192) * 2) / (1.024e12 * 0.85)) < 1e-12);
  });
});

describe("a neupims unit: today's numbers", () => {
  const u = make();
  const onStacks = npuOnStacks(npu, attacc, 2);

  test("the NPU streams at the lesser of its memory interface and its stacks' external bandwidth", () => {
    // 2 HBM3 stacks give 1,331 GB/s; the NPU's 32 channels take 1,024 GB/s
    assert.equal(onStacks, npu);
    const one = npuOnStacks(npu, attacc, 1);
    assert.equal(one.hbmBandwidthBytesPerSec, 665.6e9, "one stack is slower than the NPU's interface");
    assert.equal(one.peakFp16FlopsPerSec, npu.peakFp16FlopsPerSec);
    const fast = make({ stacksPerDevice: 1 }).fc!({ m: 8, k: 8192, n: 8192, numDevices: 1, dtypeBytes: 2 });
    assert.equal(fast.timeSec, gpuGemmCost(one, { m: 8, k: 8192, n: 8192, dtypeBytes: 2 }).timeSec);
    assert.ok(fast.timeSec > u.fc!({ m: 8, k: 8192, n: 8192, numDevices: 1, dtypeBytes: 2 }).timeSec);
  });

  test("FC, prefill and elementwise are the GPU model on the NPU; decode attention the PIM model on all 16 stacks", () => {
    const s = { m: 24, k: 8192, n: 3072, numDevices: 1, dtypeBytes: 2 };
    const g = gpuGemmCost(npu, s);
    close(u.fc!(s), g.timeSec, g.flops * npu.energyPerFlopJoules + g.bytes * npu.hbmEnergyPerByteJoules, "fc");
    const lens = [100, 2000, 37];
    const att = pimAttentionCost(attacc, { numHeads: 64, numKvHeads: 8, headDim: 128, contextLens: lens, tlp: 2, numStacks: 16, dtypeBytes: 2 });
    close(u.decodeAttention!({ shape: { numHeads: 64, numKvHeads: 8, headDim: 128, dtypeBytes: 2 }, numRequests: 3, tlp: 2, contextLens: lens, totalContextTokens: 2137 }), att.timeSec, dynamic(att), "decode attention");
    // prefill: 64 heads over 8 NPUs, 8 each; energy of all 8
    const pre = gpuPrefillAttentionCost(npu, { numHeads: 8, numKvHeads: 8, headDim: 128, numPromptTokens: 300, numCachedTokens: 200, dtypeBytes: 2 });
    close(u.prefillAttention!({ shape: { numHeads: 64, numKvHeads: 64, headDim: 128, dtypeBytes: 2 }, newTokens: 300, cachedTokens: 200 }), pre.timeSec, 8 * pre.energyJoules, "prefill");
    const kernels = elementwiseKernelsPerLayer(MODEL_PRESETS["llama-65b"], 16);
    let t = 0;
    let e = 0;
    for (const k of kernels) {
      const one = gpuElementwiseCost(npu, (k.bytesRead + k.bytesWritten) / (k.sharded ? 8 : 1));
      t += one.timeSec;
      e += 8 * one.energyJoules;
    }
    close(u.elementwise!(kernels, 8), t, e, "elementwise");
  });

  test("memory, power and label: 2 stacks per device; NPU static plus the stacks' background and refresh", () => {
    assert.equal(u.deviceCapacityBytes, 2 * pimStackCapacityBytes(attacc));
    assert.equal(u.addressableBytesPerDevice, npu.memoryCapacityBytes);
    assert.equal(u.numDevices, 8);
    assert.ok(u.computesInPlace && u.isProcessor);
    const p = u.idlePowerWattsPerDevice();
    assert.ok(Math.abs(p.staticWatts - (npu.staticPowerWatts + 2 * attacc.energy.backgroundPowerWattsPerStack)) < 1e-9);
    assert.ok(Math.abs(p.refreshWatts - 2 * pimConsts(attacc).refreshWattsPerStack) < 1e-12);
    const quiet = kind.make({ name: "np", description: { kind: "neupims", npu, design: attacc, stacksPerDevice: 2, dualRowBuffers: true, count: 8 }, assumptions: { ...a, gpuStaticPower: false, pimRefreshEnergy: false } });
    assert.deepEqual(quiet.idlePowerWattsPerDevice(), { staticWatts: 2 * attacc.energy.backgroundPowerWattsPerStack, refreshWatts: 0 });
    assert.equal(u.label, "8 x NeuPIMs (neupims-npu + 2 x attacc (1P1B) on hbm3-5.2, dual row buffers)");
  });

  test("dual row buffers: attention keeps the PIM row buffers busy, FC and elementwise the NPU; blocked mode: one resource", () => {
    assert.notEqual(u.resourceOf("fc"), u.resourceOf("attention"));
    assert.equal(u.resourceOf("fc"), u.resourceOf("elementwise"));
    const blocked = make({ dualRowBuffers: false });
    assert.equal(blocked.resourceOf("fc"), blocked.resourceOf("attention"));
    assert.equal(blocked.label.endsWith(", blocked)"), true);
    // the row buffers change what overlaps, not what a kernel costs
    const s = { m: 300, k: 8192, n: 1024, numDevices: 1, dtypeBytes: 2 };
    assert.deepEqual(blocked.fc!(s), u.fc!(s));
  });

  test("properties: every cost is the NPU's or the stacks' whatever the design, the stack count and the device count", () =>
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(PIM_DESIGNS)), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 512 }), (design: PimDesign, stacks, count, m) => {
        const v = kind.make({ name: "np", description: { kind: "neupims", npu, design, stacksPerDevice: stacks, dualRowBuffers: true, count }, assumptions: a });
        const n = npuOnStacks(npu, design, stacks);
        assert.equal(n.hbmBandwidthBytesPerSec, Math.min(npu.hbmBandwidthBytesPerSec, stacks * design.hbm.externalBandwidthBytesPerSec));
        assert.equal(v.fc!({ m, k: 4096, n: 4096, numDevices: 1, dtypeBytes: 2 }).timeSec, gpuGemmCost(n, { m, k: 4096, n: 4096, dtypeBytes: 2 }).timeSec);
        const lens = [m, 3 * m];
        const att = pimAttentionCost(design, { numHeads: 32, numKvHeads: 32, headDim: 128, contextLens: lens, tlp: 1, numStacks: count * stacks, dtypeBytes: 2 });
        assert.equal(v.decodeAttention!({ shape: { numHeads: 32, numKvHeads: 32, headDim: 128, dtypeBytes: 2 }, numRequests: 2, tlp: 1, contextLens: lens, totalContextTokens: 4 * m }).timeSec, att.timeSec);
        assert.equal(v.deviceCapacityBytes, stacks * pimStackCapacityBytes(design));
      }),
      { numRuns: 60 },
    ));
});

describe("a neupims unit in a system", () => {
  const system = (over: Record<string, unknown> = {}, tensorParallel = 8) => ({
    name: "np",
    units: { np: { kind: "neupims", npu: "neupims-npu", design: "attacc", count: 8, ...over } },
    roles: { fc: [{ unit: "np", reduceOn: "gpuGpu" }], attention: "np", attentionVia: [], kv: "np", weights: "np", elementwise: "np", prefill: { fc: "np", attention: "np" } },
    tensorParallel,
    fabrics: { gpuGpu: { link: "nvlink3" } },
    overlap: "sub-batch",
    schedulerOverheadSec: 0,
  });

  test("a description resolves: defaults (2 stacks, dual row buffers), the NPU a GPU block, the design the weights' PIM", () => {
    const s = resolveSystem(system());
    const u = s.units.np as unknown as NeupimsUnitResolved;
    assert.equal(u.stacksPerDevice, 2);
    assert.equal(u.dualRowBuffers, true);
    assert.equal(u.npu.name, "neupims-npu");
    assert.equal(u.design.name, "attacc");
    const r = roleDevices(s);
    assert.equal(r.gpu?.name, "neupims-npu");
    assert.equal(r.fcPim?.name, "attacc");
    // hardware.gpu reaches the NPU, hardware.fcPim the stacks' design
    const o = resolveSystem(system(), { gpu: { computeEfficiency: 0.5 }, fcPim: "attn-pim" });
    assert.equal((o.units.np as unknown as NeupimsUnitResolved).npu.computeEfficiency, 0.5);
    assert.equal((o.units.np as unknown as NeupimsUnitResolved).design.name, "attn-pim");
  });

  test("bad descriptions are one-line errors naming the field", () => {
    const err = (f: () => unknown, re: RegExp) =>
      assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"), String(re));
    err(() => resolveSystem(system({}, 4)), /units\.np\.count: must equal tensorParallel \(4\), not 8/);
    err(() => resolveSystem(system({ stacksPerDevice: 0 })), /stacksPerDevice/);
    err(() => resolveSystem(system({ rowBuffers: 2 })), /rowBuffers/);
    err(() => resolveSystem(system({ npu: "h900" })), /npu.*h900/);
    // (the system block's shape check names the unit, not the field, for a wrong type: as for every unit kind)
    err(() => resolveSystem(system({ dualRowBuffers: "yes" })), /^system\.units\.np: /);
  });
});
