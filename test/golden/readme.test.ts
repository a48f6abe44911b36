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

test("the README's results table is the golden run's Fig. 8 (both compute semantics)", () => {
  const rows: Record<string, string[]> = {};
  for (const line of results.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length === 7) rows[cells[0]] = cells;
  }
  const o = g.otherComputeSemantics;
  for (const [label, b] of [["A100+AttAcc", "a100-attacc"], ["A100+HBM-PIM", "a100-hbmpim"], ["AttAcc-only", "attacc-only"]]) {
    const r = rows[label];
    assert.ok(r, label);
    assert.deepEqual([r[2], r[3], r[5], r[6]], [x(g.fig8.speedupVs[b]), x(o.fig8.speedupVs[b]), x(g.fig8.energyEfficiencyVs[b]), x(o.fig8.energyEfficiencyVs[b])], label);
  }
});

test("the README's sentences about the mechanisms quote the golden run", () => {
  const m = g.mechanisms.systems;
  const alphas = Object.values(g.mechanisms.papiAlpha as Record<string, number>);
  for (const s of [
    `alpha (the first crossover: ${Math.min(...alphas)}-${Math.max(...alphas)} tokens per iteration)`,
    `in ${pct(1 - m.papi.fcOnGpuShare)} of its decode iterations`,
    `is ${pct(m.papi.gpuStaticEnergyShare)} of\nPAPI's energy and ${pct(m["a100-attacc"].gpuStaticEnergyShare)} of A100+AttAcc's`,
    `take ${pct(m.papi.latencyShare.communication)} of\nPAPI's latency and ${pct(m["attacc-only"].latencyShare.communication)} of AttAcc-only's`,
    `(${x(g.otherComputeSemantics.fig8.speedupVs["attacc-only"])})`,
  ]) assert.ok(results.replace(/\s+/g, " ").includes(s.replace(/\s+/g, " ")), s);
});
