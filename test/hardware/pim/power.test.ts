import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../../src/core/errors.ts";
import { pimFcCost } from "../../../src/hardware/pim/fc-cost.ts";
import { pimEnergyBreakdownAtReuse, pimStackPowerWatts } from "../../../src/hardware/pim/power.ts";
import { PIM_DESIGNS, resolvePimDesign } from "../../../src/hardware/pim/presets.ts";

const reuses = [1, 2, 4, 8, 16, 32, 64];

test("energy fractions add up to 1 and the DRAM-access share falls as reuse grows", () => {
  for (const name of ["attacc", "2p1b", "fc-pim"]) {
    let prev = Infinity;
    for (const r of reuses) {
      const e = pimEnergyBreakdownAtReuse(PIM_DESIGNS[name], r);
      const f = e.fractions;
      assert.ok(Math.abs(f.dramAccess + f.transfer + f.compute + f.background - 1) < 1e-12);
      assert.ok(f.dramAccess < prev, `${name} reuse ${r}`);
      prev = f.dramAccess;
    }
  }
});

test("at reuse 1 DRAM access dominates (> 90 %), and it is a minority by reuse 64 (paper: 96.7 % and 33.1 %)", () => {
  const d = PIM_DESIGNS["fc-pim"];
  assert.ok(pimEnergyBreakdownAtReuse(d, 1).fractions.dramAccess > 0.9);
  assert.ok(pimEnergyBreakdownAtReuse(d, 64).fractions.dramAccess < 0.5);
});

test("FPU-peak power falls with reuse and grows with FPUs per bank; the DRAM-fed power stays below it", () => {
  for (const r of reuses) {
    const p1 = pimStackPowerWatts(PIM_DESIGNS.attacc, r);
    const p2 = pimStackPowerWatts(PIM_DESIGNS["2p1b"], r);
    const p4 = pimStackPowerWatts(PIM_DESIGNS["fc-pim"], r);
    assert.ok(p4.fpuPeakWatts > p2.fpuPeakWatts && p2.fpuPeakWatts > p1.fpuPeakWatts * 0.7, `reuse ${r}`);
    for (const p of [p1, p2, p4]) {
      assert.ok(p.watts <= p.fpuPeakWatts * (1 + 1e-9), `${p.design} ${r}`);
      assert.equal(p.withinBudget, p.watts <= p.budgetWatts);
      assert.equal(p.budgetWatts, 116);
    }
  }
  let prev = Infinity;
  for (const r of reuses) {
    const w = pimStackPowerWatts(PIM_DESIGNS["fc-pim"], r).fpuPeakWatts;
    assert.ok(w < prev);
    prev = w;
  }
});

test("the budget is a parameter: a design's own budget or an explicit one", () => {
  const d = resolvePimDesign({ ...PIM_DESIGNS["fc-pim"], powerBudgetWattsPerStack: 10 });
  assert.equal(pimStackPowerWatts(d, 1).withinBudget, false);
  assert.equal(pimStackPowerWatts(PIM_DESIGNS["fc-pim"], 1, { budgetWatts: 1000 }).fpuPeakWithinBudget, true);
  assert.throws(() => pimStackPowerWatts(d, 0), UserError);
  assert.throws(() => pimStackPowerWatts(d, 1, { budgetWatts: -5 }), /power budget/);
});

test("the simulated power follows the semantics' timing; the energy per weight read does not", () => {
  const cm = PIM_DESIGNS.attacc;
  const dc = resolvePimDesign({ ...cm, computeSemantics: "decoupled-clock" });
  // reuse 1: one MAC command per column either way, and the 666 MHz step (1.5 ns) hides under 6 tCK: identical
  assert.equal(pimStackPowerWatts(cm, 1).watts, pimStackPowerWatts(dc, 1).watts);
  // reuse 16: column-matched issues 16 commands per column (16 x 4.6 ns) where the decoupled FPU needs 16 x 1.5 ns,
  // so the same energy (less the refresh share) is spread over about 3x the time
  const w = (d: typeof cm) => pimStackPowerWatts(d, 16).watts;
  assert.ok(w(dc) / w(cm) > 2.5 && w(dc) / w(cm) < 3.2, String(w(dc) / w(cm)));
  const e = (d: typeof cm) => pimEnergyBreakdownAtReuse(d, 16).joulesPerMac.dramAccess;
  assert.equal(e(cm), e(dc));
});

test("energy per MAC: the parts add up to the total, and the total x MACs is the FC call's energy", () => {
  for (const r of [1, 4]) {
    const e = pimEnergyBreakdownAtReuse(PIM_DESIGNS.attacc, r);
    const j = e.joulesPerMac;
    assert.ok(Math.abs(j.dramAccess + j.transfer + j.compute + j.background - j.total) <= 1e-12 * j.total);
    // the reference call is m = reuse tokens x 8192 x 8192 weights on one stack: r x 2^26 MACs
    const macs = r * 8192 * 8192;
    const fc = pimFcCost(PIM_DESIGNS.attacc, { m: r, k: 8192, n: 8192, numStacks: 1 });
    assert.ok(Math.abs(j.total * macs - fc.energyJoules) <= 1e-12 * fc.energyJoules);
    // a MAC costs at least its own compute energy and well under a nanojoule
    assert.ok(j.total >= PIM_DESIGNS.attacc.energy.macJoules && j.total < 1e-9, String(j.total));
  }
});

test("static power adds watt for watt to the FPU-peak power", () => {
  // FPU-peak power = peak MACs/s x dynamic J per MAC + (background + refresh) W; 10 W of background power moves
  // only the static term (the dynamic energy per MAC and the peak rate do not depend on it)
  for (const r of [1, 16]) {
    const base = pimStackPowerWatts(PIM_DESIGNS["fc-pim"], r);
    const hot = pimStackPowerWatts(resolvePimDesign({ preset: "fc-pim", energy: { backgroundPowerWattsPerStack: 10 } }), r);
    assert.ok(Math.abs(hot.fpuPeakWatts - base.fpuPeakWatts - 10) < 1e-9, `reuse ${r}: ${hot.fpuPeakWatts} vs ${base.fpuPeakWatts}`);
    assert.ok(base.fpuPeakWatts > 0);
  }
});
