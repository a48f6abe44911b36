import { test } from "node:test";
import assert from "node:assert/strict";
import { structuralSection } from "../../src/report/report-structural.ts";
import type { StructuralStudy } from "../../src/report/sensitivity-structural-study.ts";

const keys = ["fig8.speedupVs.a100-attacc", "fig8.energyEfficiencyVs.attacc-only", "fig11.speedup", "bounds.fcOnly", "bounds.fcPimAlone"];
const h = (x: number) => Object.fromEntries(keys.map((k, i) => [k, x + i]));
const study: StructuralStudy = {
  keys,
  base: h(1),
  rows: [{
    choice: "FC layout", description: "how weights are split", override: "hardware.fcPim.fcMapping",
    values: [{ label: "n-split", source: "AttAcc", setups: true, headlines: h(1) }, { label: "k-split", source: "papi", setups: false, headlines: h(2) }],
  }],
};
const md = structuralSection(study, "papi");

test("the structural table: the paper's numbers, the profile's (bold), then each alternative", () => {
  assert.ok(md.includes([
    "| choice | switched to | speedup vs A100+AttAcc | energy eff. vs AttAcc-only | Fig. 11 decode speedup | FC-only bound | FC-PIM-alone bound |",
    "|---|---|---:|---:|---:|---:|---:|",
    "| paper |  | 1.80x | 1.15x |  |  |  |",
    "| profile papi |  | **1.00x** | **2.00x** | **3.00x** | **4.00x** | **5.00x** |",
    "| FC layout | k-split | 2.00x | 3.00x | 4.00x | 5.00x | 6.00x |",
  ].join("\n")), md);
  // the profile's own value is the bold row, not repeated
  assert.ok(!md.includes("| FC layout | n-split |"));
});

test("each choice's values with their sources, the profile's marked", () => {
  assert.ok(md.startsWith("Structural choices: each choice of the papi profile switched"));
  assert.ok(md.endsWith("- **FC layout** (how weights are split; `hardware.fcPim.fcMapping`): **n-split** (the profile's): AttAcc; k-split: papi."), md);
});
