import { test } from "node:test";
import assert from "node:assert/strict";
import { pimAttentionCost } from "../../src/hardware/pim/cost.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { fcLayersCost } from "../../src/systems/fc-iteration.ts";
import { pimIdlePowerWattsPerStack, staticEnergyJoules, staticPowerWatts } from "../../src/systems/static-power.ts";
import { attentionIterationCost } from "../../src/systems/step-cost.ts";

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
const llama = MODEL_PRESETS["llama-65b"];
const tenWatts = { energy: { backgroundPowerWattsPerStack: 10 } };

test("every device's static power: 6 GPUs x 60 W; 90 PIM stacks x (background + refresh)", () => {
  const ctx = buildSystem("papi", llama, { fcPim: tenWatts, attnPim: tenWatts });
  const p = staticPowerWatts(ctx);
  assert.equal(p.gpuWatts, 6 * 60);
  close(p.pimWatts, 30 * pimIdlePowerWattsPerStack(ctx.fcPim!) + 60 * pimIdlePowerWattsPerStack(ctx.attnPim!));
  assert.ok(pimIdlePowerWattsPerStack(ctx.fcPim!) > 10); // 10 W background + refresh
  const e = staticEnergyJoules(ctx, 2);
  close(e.pimJoules, 2 * p.pimWatts);
  // a baseline has no PIM FC stacks (its plain HBM is in the GPUs' static power); gpu-only has no PIM at all
  assert.equal(staticPowerWatts(buildSystem("gpu-only", llama)).pimWatts, 0);
  close(staticPowerWatts(buildSystem("a100-attacc", llama)).pimWatts, 60 * pimIdlePowerWattsPerStack(buildSystem("a100-attacc", llama).attnPim!));
});

test("kernel energies are dynamic: background power changes static energy only (no double count)", () => {
  const quiet = buildSystem("pim-only-papi", llama);
  const loud = buildSystem("pim-only-papi", llama, { fcPim: tenWatts, attnPim: tenWatts });
  close(fcLayersCost(loud, "pim", 16).fc.energyJoules, fcLayersCost(quiet, "pim", 16).fc.energyJoules, 1e-12);
  const batch = { numRequests: 2, tokensPerRequest: 2, contextLens: [50, 60], totalContextTokens: 110 };
  close(attentionIterationCost(loud, batch).attention.energyJoules, attentionIterationCost(quiet, batch).attention.energyJoules, 1e-12);
  // while the standalone PIM kernel still reports its background share
  const k = pimAttentionCost(loud.attnPim!, { numHeads: 64, headDim: 128, contextLens: [50, 60], tlp: 2, numStacks: 60 });
  assert.ok(k.energyBreakdownJoules.background >= 10 * 60 * k.timeSec);
});
