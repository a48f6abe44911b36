import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GOLDEN_FILE } from "./golden.ts";

// The README's results are typed from a report; this keeps them equal to the golden run (test/golden), so a change
// of the numbers that updates the golden file but not the README fails here.
const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
const results = readme.slice(readme.indexOf("## Results"), readme.indexOf("PIM model against cycle-level references"));
const g = JSON.parse(readFileSync(GOLDEN_FILE, "utf8"));
const x = (v: number) => `${v.toFixed(2)}×`;
const pct = (v: number) => `${(v * 100).toFixed(0)} %`;

test("the README's results table is the golden run's Fig. 8 (both profiles, both compute semantics)", () => {
  const rows: Record<string, string[]> = {};
  for (const line of results.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length === 9) rows[cells[0]] = cells;
  }
  const p = g.otherProfile;
  const o = g.otherComputeSemantics;
  assert.equal(p.profile, "attacc-toolchain");
  for (const [label, b] of [["A100+AttAcc", "a100-attacc"], ["A100+HBM-PIM", "a100-hbmpim"], ["AttAcc-only", "attacc-only"]]) {
    const r = rows[label];
    assert.ok(r, label);
    assert.deepEqual(
      [r[2], r[3], r[4], r[6], r[7], r[8]],
      [
        x(g.fig8.speedupVs[b]), x(p.fig8.speedupVs[b]), x(o.fig8.speedupVs[b]),
        x(g.fig8.energyEfficiencyVs[b]), x(p.fig8.energyEfficiencyVs[b]), x(o.fig8.energyEfficiencyVs[b]),
      ],
      label,
    );
  }
});

test("the README's sentences about the mechanisms quote the golden run", () => {
  const m = g.mechanisms.systems;
  const p = g.otherProfile;
  const alphas = Object.values(g.mechanisms.papiAlpha as Record<string, number>);
  for (const s of [
    `alpha (the first crossover:\n${Math.min(...alphas)}-${Math.max(...alphas)} tokens per iteration)`,
    `in ${pct(1 - m.papi.fcOnGpuShare)} of its decode iterations`,
    `is ${pct(m.papi.gpuStaticEnergyShare)} of PAPI's energy and ${pct(m["a100-attacc"].gpuStaticEnergyShare)} of A100+AttAcc's`,
    `pulls the ratio toward 1 (${x(g.fig8.energyEfficiencyVs["a100-attacc"])})`,
    `it is ${x(p.fig8.energyEfficiencyVs["a100-attacc"])}, closer to the paper's 3.4×`,
    `take ${pct(m.papi.latencyShare.communication)} of PAPI's latency and\n${pct(m["attacc-only"].latencyShare.communication)} of AttAcc-only's`,
    `communication falls to ${pct(p.mechanisms.systems["attacc-only"].latencyShare.communication)} of its latency`,
    `so the ratio falls to ${x(p.fig8.speedupVs["attacc-only"])}`,
    `PAPI would be ${x(g.bounds.fcOnly.mean)} faster on average (${x(g.bounds.fcOnly.min)}\nto ${x(g.bounds.fcOnly.max)}`,
    `FC-PIM alone gives at most ${x(g.bounds.fcPimAlone.mean)} (${x(p.bounds.fcPimAlone.mean)} under`,
    `(${x(g.otherComputeSemantics.fig8.speedupVs["attacc-only"])})`,
  ]) assert.ok(results.replace(/\s+/g, " ").includes(s.replace(/\s+/g, " ")), s);
  // the FC-only bound is a property of FC alone: the README says it holds under both profiles
  assert.equal(x(p.bounds.fcOnly.mean), x(g.bounds.fcOnly.mean));
});
