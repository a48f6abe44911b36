import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../../src/core/errors.ts";
import { gpuGemmCost } from "../../../src/hardware/gpu/cost.ts";
import { GPU_PRESETS, resolveGpu } from "../../../src/hardware/gpu/presets.ts";
import { GpuSpec } from "../../../src/hardware/gpu/schema.ts";

describe("GPU presets", () => {
  test("every preset is named by its key", () => {
    for (const [name, g] of Object.entries(GPU_PRESETS)) assert.equal(g.name, name);
  });

  test("AttAcc baseline A100a numbers (PAPI.md §7)", () => {
    const a = GPU_PRESETS["a100-hbm3"];
    assert.equal(a.peakFp16FlopsPerSec, 312e12);
    assert.equal(a.hbmBandwidthBytesPerSec, 3.352e12);
    // AttAcc config.py MEM_CAPACITY_PER_DEVICE = 80 x 1024^3: exactly its five 16-GiB HBM3 stacks
    assert.equal(a.memoryCapacityBytes, 80 * 1024 ** 3);
    assert.equal(a.computeEfficiency, 0.8);
    assert.equal(a.memoryEfficiency, 0.85);
    assert.equal(a.hbmEnergyPerByteJoules, 28.7e-12);
  });

  test("H200 fitted efficiencies stay within the measured ceilings of meta.json", () => {
    const h = GPU_PRESETS["h200-sxm"];
    // GEMM 8192^3 reached 749.75 TFLOPS; the modeled kernel (launch excluded) may not promise more than that.
    // computeEfficiency itself is the MMA efficiency inside a tile and may exceed 0.76.
    const c = gpuGemmCost(h, { m: 8192, k: 8192, n: 8192, dtypeBytes: 2 }, "graph");
    assert.ok(c.flops / (c.timeSec - h.graphKernelOverheadSec) <= 749.76e12);
    assert.ok(h.computeEfficiency <= 0.85);
    // read + write copy reached 4,149 GB/s; read-dominated streams may exceed it a little, never the 4.8 TB/s peak
    assert.ok(h.hbmBandwidthBytesPerSec * h.memoryEfficiency < 4.8e12 && h.hbmBandwidthBytesPerSec * h.memoryEfficiency > 0.9 * 4.149e12);
    assert.ok(h.graphKernelOverheadSec < h.kernelLaunchOverheadSec);
    assert.ok(h.attentionGraphOverheadSec < h.attentionLaunchOverheadSec);
  });

  test("static power below TDP; unknown name lists the known ones", () => {
    for (const g of Object.values(GPU_PRESETS)) assert.ok(g.staticPowerWatts < g.tdpWatts);
    assert.throws(() => resolveGpu("b200"), (e: unknown) => e instanceof UserError && e.message.includes("h200-sxm"));
    assert.equal(resolveGpu("h100-sxm").name, "h100-sxm");
  });

  test("attention compute efficiency: the H200 fit on a100-80gb and Hopper, AttAcc's cap only on its a100-hbm3 replica", () => {
    const h = GPU_PRESETS["h200-sxm"].attentionComputeEfficiency;
    assert.equal(GPU_PRESETS["h100-sxm"].attentionComputeEfficiency, h);
    assert.equal(GPU_PRESETS["a100-80gb"].attentionComputeEfficiency, h);
    assert.equal(GPU_PRESETS["a100-hbm3"].attentionComputeEfficiency, 0.8);
    // prefill attention (full query blocks): FlashAttention-2's low end, 0.5; the AttAcc replica keeps its 0.8 cap
    for (const n of ["a100-80gb", "h100-sxm", "h200-sxm"]) assert.equal(GPU_PRESETS[n].prefillAttentionComputeEfficiency, 0.5, n);
    assert.equal(GPU_PRESETS["a100-hbm3"].prefillAttentionComputeEfficiency, 0.8);
  });

  test("tile set defaults and validation", () => {
    for (const g of Object.values(GPU_PRESETS)) assert.ok(g.gemmTileShapes.length >= 1 && g.gemmTileK === 64);
    const r = GpuSpec.safeParse({ ...GPU_PRESETS["h200-sxm"], gemmTileShapes: [] });
    assert.equal(r.success, false);
    assert.equal(r.error!.issues[0].path.join("."), "gemmTileShapes");
  });

  test("gemmStreamK defaults to true; a non-boolean is refused with 'must be true or false'", () => {
    const { gemmStreamK: _, ...rest } = GPU_PRESETS["h200-sxm"];
    assert.equal(GpuSpec.parse(rest).gemmStreamK, true);
    assert.equal(GpuSpec.parse({ ...rest, gemmStreamK: false }).gemmStreamK, false);
    const r = GpuSpec.safeParse({ ...rest, gemmStreamK: "yes" });
    assert.equal(r.success, false);
    assert.equal(r.error!.issues[0].path.join("."), "gemmStreamK");
    assert.equal(r.error!.issues[0].message, "must be true or false");
  });

  test("NVLink lives in the links: the GPU spec rejects the old all-reduce fields", () => {
    for (const k of ["nvlinkBandwidthBytesPerSec", "allReduceStepLatencySec", "nvlinkEnergyPerByteJoules"]) {
      assert.equal(GpuSpec.safeParse({ ...GPU_PRESETS["a100-hbm3"], [k]: 1 }).success, false, k);
    }
  });

  test("power checks: a zero TDP is refused on tdpWatts; static + peak dynamic power over 1.5 x TDP on energyPerFlopJoules", () => {
    const h = GPU_PRESETS["h200-sxm"];
    // tdpWatts is in (0, 1e5] W (formatBound writes 1e5 out: only |x| >= 1e6 goes exponential): 0 is refused by its
    // own range, even with a static power of 0
    const zero = GpuSpec.safeParse({ ...h, staticPowerWatts: 0, tdpWatts: 0 });
    assert.equal(zero.success, false);
    const tdpIssue = zero.error!.issues.find((i) => i.path.join(".") === "tdpWatts");
    assert.ok(tdpIssue, zero.error!.issues.map((i) => i.path.join(".")).join(", "));
    assert.equal(tdpIssue.message, "must be a number in (0, 100000] (W)");
    // 1 nJ per FLOP at the ~1e15 FLOP/s dense peak is ~1 MW of dynamic power, far above 1.5 x 700 W
    const hot = GpuSpec.safeParse({ ...h, energyPerFlopJoules: 1e-9 });
    assert.equal(hot.success, false);
    assert.deepEqual(hot.error!.issues.map((i) => i.path.join(".")), ["energyPerFlopJoules"]);
    assert.match(hot.error!.issues[0].message, /^static \+ peak dynamic power \d+ W exceeds 1\.5 x tdpWatts$/);
  });

  test("Hopper energy per FLOP spends exactly the TDP: static + peak FLOPs + full-bandwidth HBM = tdpWatts", () => {
    // tdpDerivedEnergyPerFlop: (0.85·700 W - bw·28.7 pJ/B) / peak, e.g. H200 (595 - 137.76) / 989.5e12 ≈ 0.462 pJ
    for (const name of ["h100-sxm", "h200-sxm"]) {
      const g = GPU_PRESETS[name];
      assert.equal(g.staticPowerWatts, 0.15 * 700);
      const total = g.staticPowerWatts + g.peakFp16FlopsPerSec * g.energyPerFlopJoules + g.hbmBandwidthBytesPerSec * g.hbmEnergyPerByteJoules;
      assert.ok(Math.abs(total - 700) < 1e-9, `${name}: ${total} W`);
    }
    const h = GPU_PRESETS["h200-sxm"];
    assert.ok(Math.abs(h.energyPerFlopJoules - (595 - 4.8e12 * 28.7e-12) / 989.5e12) < 1e-24);
  });

  test("power check boundary: static + peak dynamic power of exactly 1.5 x TDP is accepted, a little more is not", () => {
    const h = GPU_PRESETS["h200-sxm"];
    // powers of two keep the sums exact: 2^40 FLOP/s · 2^-40 J = 1 W, so dyn = 100 W + 0 W; static 50 W: 150 W = 1.5 x 100 W
    const base = { ...h, peakFp16FlopsPerSec: 100 * 2 ** 40, energyPerFlopJoules: 2 ** -40, hbmEnergyPerByteJoules: 0, staticPowerWatts: 50, tdpWatts: 100 };
    assert.equal(GpuSpec.safeParse(base).success, true);
    assert.equal(GpuSpec.safeParse({ ...base, staticPowerWatts: 50.5 }).success, false);
  });

  test("bad spec names the field", () => {
    const r = GpuSpec.safeParse({ ...GPU_PRESETS["h200-sxm"], memoryEfficiency: 1.5 });
    assert.equal(r.success, false);
    assert.equal(r.error!.issues[0].path.join("."), "memoryEfficiency");
  });
});
