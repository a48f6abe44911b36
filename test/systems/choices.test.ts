import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseRunConfig, runOnce, systemOf } from "../../src/serving/run.ts";
import { roleDevices } from "../../src/systems/devices.ts";
import { fcIterationCost } from "../../src/systems/fc-cost.ts";
import { PROFILES } from "../../src/systems/profiles.ts";

/**
 * Every structural choice is reachable from a run config (so from `--set` in run, sweep and reproduce), and each
 * changes what it should and nothing it should not. One small run per choice: LLaMA-65B, 8 Dolly-length requests.
 */
const base = { trace: "fixed:128:16", requests: 8, batch: 4, spec: 2 };
const run = (cfg: Record<string, unknown>) => runOnce({ ...base, ...cfg });
const ctxOf = (cfg: Record<string, unknown>) => systemOf(parseRunConfig({ ...base, ...cfg }));

describe("assumptions", () => {
  test("fcMapping reaches every PIM design that names none, and changes FC-PIM's FC time", () => {
    const n = ctxOf({ system: "pim-only-papi" });
    const k = ctxOf({ system: "pim-only-papi", assumptions: { fcMapping: "k-split" } });
    assert.deepEqual([roleDevices(n.spec).fcPim!.fcMapping, roleDevices(k.spec).fcPim!.fcMapping], ["n-split", "k-split"]);
    assert.equal(roleDevices(k.spec).attnPim!.fcMapping, "k-split");
    assert.notEqual(fcIterationCost(n, "fc-pim", 64).fc.timeSec, fcIterationCost(k, "fc-pim", 64).fc.timeSec);
  });

  test("pimReuseReads: per-command reads cost DRAM energy per MAC command, latched-relaxed shortens the reuse commands", () => {
    const e = (a: string) => fcIterationCost(ctxOf({ system: "attacc-only", assumptions: { pimReuseReads: a } }), "fc-pim", 16).fc;
    const [latched, perCommand, relaxed] = [e("latched"), e("per-command"), e("latched-relaxed")];
    // 1P1B at reuse 16: 16 MAC commands per column, each reading it under per-command
    assert.ok(perCommand.split.dram > 10 * latched.split.dram, `${perCommand.split.dram} vs ${latched.split.dram}`);
    assert.equal(perCommand.timeSec, latched.timeSec, "the timing is the validated one in both");
    assert.ok(relaxed.timeSec < 0.8 * latched.timeSec, `${relaxed.timeSec} vs ${latched.timeSec}`);
    assert.equal(relaxed.split.dram, latched.split.dram);
  });

  test("pimRefreshEnergy and gpuStaticPower remove static energy and nothing else", () => {
    const on = run({ system: "papi" });
    const off = run({ system: "papi", assumptions: { pimRefreshEnergy: false, gpuStaticPower: false } });
    assert.equal(off.latencySec, on.latencySec);
    assert.equal(off.breakdownJoules.static, 0);
    assert.ok(on.staticJoulesBySource.gpu > 0 && on.staticJoulesBySource.pim > 0);
    assert.ok(Math.abs(on.energyJoules - on.breakdownJoules.static - off.energyJoules) <= 1e-9 * on.energyJoules);
  });

  test("gpuOnChipEnergy adds register, L1 and L2 energy to GPU kernels only", () => {
    const on = run({ system: "a100-attacc", assumptions: { gpuOnChipEnergy: true } });
    const off = run({ system: "a100-attacc" });
    assert.equal(on.latencySec, off.latencySec);
    assert.ok(on.energyByDevice.gpu.compute > off.energyByDevice.gpu.compute);
    assert.equal(on.energyByDevice.gpu.dram, off.energyByDevice.gpu.dram);
    assert.equal(on.energyByDevice["attn-pim"].total, off.energyByDevice["attn-pim"].total);
  });

  test("pimElementwiseOverheadSec is paid per kernel where a PIM unit runs elementwise work, not where GPUs do", () => {
    const a = run({ system: "attacc-only", assumptions: { pimElementwiseOverheadSec: 0 } });
    const b = run({ system: "attacc-only", assumptions: { pimElementwiseOverheadSec: 1e-5 } });
    assert.ok(b.breakdownSec.other > a.breakdownSec.other);
    assert.equal(run({ system: "papi", assumptions: { pimElementwiseOverheadSec: 1e-5 } }).breakdownSec.other, run({ system: "papi" }).breakdownSec.other);
  });

  test("pimPartialSums moves FC-PIM's collectives to another fabric and leaves the GPU's where they were", () => {
    const host = ctxOf({ system: "papi", assumptions: { pimPartialSums: "host" } });
    const dflt = ctxOf({ system: "papi" });
    assert.deepEqual(host.fc.map((f) => f.fabric?.link.name), ["nvlink3", "pcie5"]);
    assert.notEqual(fcIterationCost(host, "fc-pim", 8).comm.timeSec, fcIterationCost(dflt, "fc-pim", 8).comm.timeSec);
    assert.equal(fcIterationCost(host, "gpu", 8).comm.timeSec, fcIterationCost(dflt, "gpu", 8).comm.timeSec);
  });
});

describe("fabrics", () => {
  test("the gpuGpu collective preset changes tensor-parallel communication", () => {
    const ring = run({ system: "gpu-only" });
    const graph = run({ system: "gpu-only", hardware: { fabrics: { gpuGpu: { collective: "nccl-graph" } } } });
    assert.ok(graph.breakdownSec.communication < ring.breakdownSec.communication);
    assert.equal(graph.breakdownSec.fc, ring.breakdownSec.fc);
  });

  test("attention links: fewer links and bandwidth-only transfers change the attention traffic time", () => {
    const six = run({ system: "a100-attacc" });
    const two = run({ system: "a100-attacc", hardware: { fabrics: { attention: { numLinks: 2 } } } });
    const bwOnly = run({ system: "a100-attacc", hardware: { fabrics: { attention: { transfers: "bandwidth-only" } } } });
    assert.ok(two.attentionLinkBandwidthSec > 2.9 * six.attentionLinkBandwidthSec && two.attentionLinkBandwidthSec < 3.1 * six.attentionLinkBandwidthSec);
    assert.ok(bwOnly.breakdownSec.communication < six.breakdownSec.communication);
    assert.equal(bwOnly.attentionLinkBandwidthSec, six.attentionLinkBandwidthSec, "bandwidth-only drops the latency, not the bytes");
  });

  test("a switch topology with in-switch reduction runs, and is cheaper than the ring at decode sizes", () => {
    const ring = run({ system: "gpu-only" });
    const sw = run({ system: "gpu-only", hardware: { fabrics: { gpuGpu: { topology: "switch", collective: { algorithm: "in-switch" } } } } });
    assert.ok(sw.breakdownSec.communication < ring.breakdownSec.communication);
  });
});

describe("profiles", () => {
  test("attacc-toolchain applies each of its choices, and a run's own assumption overrides one of them", () => {
    const c = ctxOf({ system: "attacc-only", profile: "attacc-toolchain" });
    const p = PROFILES.get("attacc-toolchain");
    assert.deepEqual(c.assumptions, p.assumptions);
    assert.deepEqual([c.spec.fabrics.attention!.numLinks, c.spec.fabrics.attention!.transfers], [2, "bandwidth-only"]);
    assert.deepEqual([c.spec.fabrics.pimPim!.transfers, c.spec.fabrics.pimPim!.collective.algorithm], ["bandwidth-only", "bandwidth-only"]);
    const o = ctxOf({ system: "attacc-only", profile: "attacc-toolchain", assumptions: { gpuStaticPower: true } });
    assert.equal(o.assumptions.gpuStaticPower, true);
    // the resolved config records the profile's values, and rerunning it gives the same result
    const r = run({ system: "attacc-only", profile: "attacc-toolchain" });
    assert.equal(run({ ...r.config } as Record<string, unknown>).latencySec, r.latencySec);
  });
});
