import { test } from "node:test";
import assert from "node:assert/strict";
import { pimAttentionCost } from "../../src/hardware/pim/cost.ts";
import { pimConsts } from "../../src/hardware/pim/timing.ts";
import type { PimDesign } from "../../src/hardware/pim/schema.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { attentionIterationCost } from "../../src/systems/attention-cost.ts";
import { decodeBatch } from "../../src/systems/batch.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { roleDevices } from "../../src/systems/devices.ts";
import { fcLayersCost } from "../../src/systems/fc-cost.ts";
import { idlePowerByUnit, staticEnergyJoules, staticPowerWatts } from "../../src/systems/static-power.ts";

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
const llama = MODEL_PRESETS["llama-65b"];
const tenWatts = { energy: { backgroundPowerWattsPerStack: 10 } };
const idle = (d: PimDesign) => d.energy.backgroundPowerWattsPerStack + pimConsts(d).refreshWattsPerStack;

test("every device's static power: 6 GPUs x 60 W; 90 PIM stacks x (background + refresh)", () => {
  const ctx = buildSystem("papi", llama, { fcPim: tenWatts, attnPim: tenWatts });
  const d = roleDevices(ctx.spec);
  const p = staticPowerWatts(ctx);
  assert.equal(p.gpuWatts, 6 * 60);
  close(p.pimWatts, 30 * idle(d.fcPim!) + 60 * idle(d.attnPim!));
  assert.ok(idle(d.fcPim!) > 10); // 10 W background + refresh
  const e = staticEnergyJoules(ctx, 2);
  close(e.pimJoules, 2 * p.pimWatts);
  // per unit: the GPUs, the FC-PIM stacks, the attention stacks
  assert.deepEqual(idlePowerByUnit(ctx).map((u) => [u.unit, u.isProcessor]), [["gpu", true], ["fc-pim", false], ["attn-pim", false]]);
  // a baseline has no PIM FC stacks (its plain HBM is in the GPUs' static power); gpu-only has no PIM at all
  assert.equal(staticPowerWatts(buildSystem("gpu-only", llama)).pimWatts, 0);
  close(staticPowerWatts(buildSystem("a100-attacc", llama)).pimWatts, 60 * idle(roleDevices(buildSystem("a100-attacc", llama).spec).attnPim!));
});

test("the assumptions switch static power off: gpuStaticPower false leaves no GPU watts, pimRefreshEnergy false no refresh", () => {
  const off = buildSystem("papi", llama, { fcPim: tenWatts, attnPim: tenWatts }, {}, { assumptions: { gpuStaticPower: false, pimRefreshEnergy: false } });
  const p = staticPowerWatts(off);
  assert.equal(p.gpuWatts, 0);
  assert.equal(p.pimWatts, 90 * 10, "background stays: only refresh is switched off");
  // the attacc-toolchain profile counts neither (AttAcc models no static power), with the stacks' default 0 W background
  const attacc = staticPowerWatts(buildSystem("papi", llama, {}, {}, { profile: "attacc-toolchain" }));
  assert.deepEqual([attacc.gpuWatts, attacc.pimWatts], [0, 0]);
});

test("kernel energies are dynamic: background power changes static energy only (no double count)", () => {
  const quiet = buildSystem("pim-only-papi", llama);
  const loud = buildSystem("pim-only-papi", llama, { fcPim: tenWatts, attnPim: tenWatts });
  close(fcLayersCost(loud, "fc-pim", 16).fc.energyJoules, fcLayersCost(quiet, "fc-pim", 16).fc.energyJoules, 1e-12);
  const batch = decodeBatch([50, 60], 2);
  close(attentionIterationCost(loud, batch, "fc-pim").attention.energyJoules, attentionIterationCost(quiet, batch, "fc-pim").attention.energyJoules, 1e-12);
  // while the standalone PIM kernel still reports its background share
  const k = pimAttentionCost(roleDevices(loud.spec).attnPim!, { numHeads: 64, headDim: 128, contextLens: [50, 60], tlp: 2, numStacks: 60 });
  assert.ok(k.energyBreakdownJoules.background >= 10 * 60 * k.timeSec);
});
