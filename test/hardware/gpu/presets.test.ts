import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../../src/core/errors.ts";
import { GPU_PRESETS, resolveGpu } from "../../../src/hardware/gpu/presets.ts";
import { GpuSpec } from "../../../src/hardware/gpu/schema.ts";

describe("GPU presets", () => {
  test("every preset parses again", () => {
    for (const [name, g] of Object.entries(GPU_PRESETS)) {
      assert.equal(g.name, name);
      assert.deepEqual(GpuSpec.parse(g), g);
    }
  });

  test("AttAcc baseline A100a numbers (PAPI.md §7)", () => {
    const a = GPU_PRESETS["a100-hbm3"];
    assert.equal(a.peakFp16FlopsPerSec, 312e12);
    assert.equal(a.hbmBandwidthBytesPerSec, 3.352e12);
    assert.equal(a.memoryCapacityBytes, 80e9);
    assert.equal(a.nvlinkBandwidthBytesPerSec, 600e9);
    assert.equal(a.computeEfficiency, 0.8);
    assert.equal(a.memoryEfficiency, 0.85);
    assert.equal(a.hbmEnergyPerByteJoules, 28.7e-12);
  });

  test("H200 fitted efficiencies stay within the measured ceilings of meta.json", () => {
    const h = GPU_PRESETS["h200-sxm"];
    // GEMM 8192^3 reached 749.75 TFLOPS; the model may not promise more than that
    assert.ok(h.peakFp16FlopsPerSec * h.computeEfficiency <= 749.76e12);
    // read + write copy reached 4,149 GB/s; read-dominated streams may exceed it a little, never the 4.8 TB/s peak
    assert.ok(h.hbmBandwidthBytesPerSec * h.memoryEfficiency < 4.8e12 && h.hbmBandwidthBytesPerSec * h.memoryEfficiency > 0.9 * 4.149e12);
    assert.ok(h.graphKernelOverheadSec < h.kernelLaunchOverheadSec);
  });

  test("static power below TDP; unknown name lists the known ones", () => {
    for (const g of Object.values(GPU_PRESETS)) assert.ok(g.staticPowerWatts < g.tdpWatts);
    assert.throws(() => resolveGpu("b200"), (e: unknown) => e instanceof UserError && e.message.includes("h200-sxm"));
    assert.equal(resolveGpu("h100-sxm").name, "h100-sxm");
  });

  test("bad spec names the field", () => {
    const r = GpuSpec.safeParse({ ...GPU_PRESETS["h200-sxm"], memoryEfficiency: 1.5 });
    assert.equal(r.success, false);
    assert.equal(r.error!.issues[0].path.join("."), "memoryEfficiency");
  });
});
