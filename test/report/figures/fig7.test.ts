import { test } from "node:test";
import assert from "node:assert/strict";
import { Experiments } from "../../../src/report/experiments.ts";
import { fig7 } from "../../../src/report/figures/fig7.ts";
import { pimEnergyBreakdownAtReuse, pimStackPowerWatts } from "../../../src/hardware/pim/power.ts";
import { setupPimDesign } from "../../../src/report/setup.ts";

const exp = new Experiments("dolly-creative", 1);
const f = fig7({ exp, protocol: "all-batches" });
const [energy, power] = f.tables.map((t) => t.rows);
const fcPim = setupPimDesign(exp.setup, "fcPim", "fc-pim");

test("fig7's energy table: the FC-PIM breakdown at reuse 1 and 64, shares summing to 1", () => {
  assert.deepEqual(energy.map((r) => `${r.reuse} ${r.part}`), ["dramAccess", "transfer", "compute", "background"].flatMap((p) => [p]).map((p) => `reuse 1 ${p}`).concat(["dramAccess", "transfer", "compute", "background"].map((p) => `reuse 64 ${p}`)));
  for (const reuse of [1, 64]) {
    const rows = energy.filter((r) => r.reuse === `reuse ${reuse}`);
    assert.ok(Math.abs(rows.reduce((s, r) => s + Number(r.share), 0) - 1) < 1e-12);
    const e = pimEnergyBreakdownAtReuse(fcPim, reuse);
    assert.equal(rows[0].pjPerMac, e.joulesPerMac.dramAccess * 1e12);
    assert.equal(rows[2].share, e.fractions.compute);
  }
  assert.deepEqual(energy.slice(0, 4).map((r) => r.partLabel), ["DRAM access", "transfer", "computation", "background"]);
  // reuse amortizes the DRAM reads: their share falls
  assert.ok(Number(energy[0].share) > Number(energy[4].share));
  const pct = (x: unknown) => (Number(x) * 100).toFixed(1);
  assert.ok(f.markdown.startsWith(`DRAM access is ${pct(energy[0].share)} % of FC-PIM energy at reuse 1 and ${pct(energy[4].share)} % at reuse 64`));
});

test("fig7's power table: two modes per design and reuse 1..64, plus the budget line", () => {
  assert.equal(power.length, 3 * 7 * 2 + 7);
  assert.deepEqual([...new Set(power.map((r) => r.designLabel))], ["1P1B (AttAcc)", "2P1B", "4P1B (FC-PIM)", "power budget"]);
  const budget = power.filter((r) => r.design === "budget");
  assert.deepEqual(budget.map((r) => r.reuse), [1, 2, 4, 8, 16, 32, 64]);
  const p8 = pimStackPowerWatts(fcPim, 8);
  assert.ok(budget.every((r) => r.watts === p8.budgetWatts));
  assert.equal(power.find((r) => r.design === "fc-pim" && r.reuse === 8 && r.mode === "all FPUs busy")!.watts, p8.fpuPeakWatts);
  assert.equal(power.find((r) => r.design === "fc-pim" && r.reuse === 8 && r.mode === "as simulated")!.watts, p8.watts);
  // the markdown table: one row per design, a ✗ exactly where every-FPU-busy power exceeds the budget
  const line = f.markdown.split("\n").find((l) => l.startsWith("| 4P1B (FC-PIM) |"))!;
  const cells = line.split("|").slice(2, -1).map((c) => c.trim());
  assert.equal(cells.length, 7);
  const busy = power.filter((r) => r.design === "fc-pim" && r.mode === "all FPUs busy");
  cells.forEach((c, i) => assert.equal(c, `${Number(busy[i].watts).toFixed(0)}${Number(busy[i].watts) <= p8.budgetWatts ? "" : " ✗"}`));
  assert.ok(cells.some((c) => c.endsWith("✗")) && cells.some((c) => !c.endsWith("✗")), "4P1B fits the budget only at high reuse");
});

test("fig7's text names the highest simulated power and whether it is within the budget", () => {
  const simulated = power.filter((r) => r.mode === "as simulated");
  const top = simulated.reduce((a, r) => (Number(r.watts) > Number(a.watts) ? r : a));
  const budget = Number(power.find((r) => r.design === "budget")!.watts);
  assert.ok(f.markdown.includes(`peaks at ${Number(top.watts).toFixed(0)} W per stack (${top.designLabel}, reuse ${top.reuse}), ${Number(top.watts) <= budget ? "within" : "over"} the ${budget.toFixed(0)} W budget`), f.markdown);
  assert.match(f.markdown, new RegExp(`${fcPim.computeSemantics} MAC semantics`));
});

test("fig7's charts: energy shares stacked to 100 % with percent labels, power on log-log axes against the budget", () => {
  const [energyChart, powerChart] = f.charts;
  const e = JSON.stringify(energyChart.spec);
  assert.ok(e.includes('"stack":"normalize"'), "shares stacked to 100 %");
  // the DRAM segment at reuse 1 is labelled inside with its share; thin segments outside as "name: share"
  const pct = (x: unknown) => `${(Number(x) * 100).toFixed(1)} %`;
  assert.ok(e.includes(`"__t":"${pct(energy[0].share)}"`));
  assert.ok(e.includes(`"__t":"transfer: ${pct(energy[1].share)}"`));
  const reuse64 = (part: string) => Number(energy.find((r) => r.reuse === "reuse 64" && r.part === part)!.share);
  assert.equal(energyChart.caption.includes("reuse makes computation, not DRAM access, the main cost"), reuse64("compute") > reuse64("dramAccess"));
  const p = powerChart.spec as unknown as { layer: { encoding: Record<string, { scale?: { type?: string }; axis?: { values?: number[] }; datum?: number; value?: string }> }[] };
  const line = p.layer[0].encoding;
  assert.equal(line.x.scale?.type, "log");
  assert.equal(line.y.scale?.type, "log");
  assert.deepEqual(line.x.axis?.values, [1, 2, 4, 8, 16, 32, 64]);
  const budget = Number(power.find((r) => r.design === "budget")!.watts);
  const rule = p.layer.find((l) => l.encoding.y?.datum !== undefined && l.encoding.text === undefined)!;
  assert.equal(rule.encoding.y.datum, budget);
  assert.ok(JSON.stringify(p).includes(`"power budget ${budget.toFixed(0)} W"`));
});

test("fig7's markdown table: a header of reuse 1..64 over one row per design", () => {
  assert.ok(f.markdown.includes("| design | reuse 1 | reuse 2 | reuse 4 | reuse 8 | reuse 16 | reuse 32 | reuse 64 |\n|---|---:|"));
});

test("fig7 under decoupled-clock semantics describes one MAC command per column", async () => {
  const { PAPER_SETUP, withComputeSemantics } = await import("../../../src/report/setup.ts");
  const other = fig7({ exp: new Experiments("dolly-creative", 1, withComputeSemantics(PAPER_SETUP, "decoupled-clock")), protocol: "all-batches" });
  assert.match(other.markdown, /decoupled-clock MAC semantics \(one MAC command per column; the x FPUs of y banks cycle through its tokens/);
  assert.match(f.markdown, /column-matched MAC semantics \(ceil\(y·reuse\/x\) MAC commands per column/);
});

test("fig7's caption says reuse makes computation the main cost only when it does", async () => {
  const { PAPER_SETUP } = await import("../../../src/report/setup.ts");
  // MACs 1000x cheaper than the FC-PIM preset's: DRAM access stays the largest share at reuse 64
  const macJoules = setupPimDesign(PAPER_SETUP, "fcPim", "fc-pim").energy.macJoules / 1000;
  const cheap = fig7({ exp: new Experiments("dolly-creative", 1, { ...PAPER_SETUP, hardware: { fcPim: { energy: { macJoules } } } }), protocol: "all-batches" });
  const rows = cheap.tables[0].rows.filter((r) => r.reuse === "reuse 64");
  const share = (p: string) => Number(rows.find((r) => r.part === p)!.share);
  assert.ok(share("compute") < share("dramAccess"));
  assert.equal(cheap.charts[0].caption, "Share of PIM energy spent on DRAM access, transfers, computation and background power at reuse 1 and 64.");
});
