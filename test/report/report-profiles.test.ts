import { test } from "node:test";
import assert from "node:assert/strict";
import { attaccRestGrowthFor, type Bounds, type PointBounds } from "../../src/report/bounds.ts";
import { boundsCsvRows, boundsSection, profilesSection, reachParagraphs } from "../../src/report/report-profiles.ts";
import type { HeadlinesWithPoints } from "../../src/report/semantics.ts";
import type { StructuralStudy } from "../../src/report/sensitivity-structural-study.ts";
import { PAPER_SETUP } from "../../src/report/setup.ts";

const point = (speedup: number, fcOnly: number): PointBounds => ({
  model: "llama-65b", batch: 4, spec: 1, speedup, fcOnly, premise: true,
  attaccFcPrefillSec: fcOnly, papiFcFloorSec: 1, attaccRestSec: speedup * 2 - fcOnly, papiRestSec: 1,
});

/** Headlines with the given Fig. 8 ratios and an FC-only bound of `fcOnly` (made-up numbers: the text must quote them). */
function headlines(profile: "papi" | "attacc-toolchain", speedupVs: Record<string, number>, energyEfficiencyVs: Record<string, number>, fcOnly: number): HeadlinesWithPoints {
  const pts = [point(speedupVs["attacc-only"], fcOnly), point(speedupVs["attacc-only"], fcOnly)];
  const bounds: Bounds = {
    speedup: speedupVs["attacc-only"],
    fcOnly: { mean: fcOnly, min: fcOnly, max: fcOnly + 1, premiseHolds: 2, boundHolds: 2, points: 2 },
    fcPimAlone: { mean: 1.6, min: 1, max: 2, fig11Ratio: 1.5 },
  };
  return { computeSemantics: "column-matched", profile, fig8: { speedupVs, energyEfficiencyVs, geomean: { speedupVs, energyEfficiencyVs } }, bounds, boundsPerPoint: pts, claims: [] };
}

const papi = headlines("papi", { "a100-attacc": 1.81, "a100-hbmpim": 1.5, "attacc-only": 1.7 }, { "a100-attacc": 2.1, "a100-hbmpim": 2.1, "attacc-only": 0.5 }, 3.16);
const at = headlines("attacc-toolchain", { "a100-attacc": 1.82, "a100-hbmpim": 1.5, "attacc-only": 1.1 }, { "a100-attacc": 2.8, "a100-hbmpim": 2.8, "attacc-only": 2.9 }, 3.15);
const line = (ps: string[], what: string) => ps.find((p) => p.startsWith(`**${what}**`))!;

test("a stated number reached under a profile says so; one no profile reaches names the closest and whether they bracket it", () => {
  const ps = reachParagraphs([papi, at], undefined);
  assert.equal(ps.length, 5, "one per stated number");
  assert.match(line(ps, "PAPI speedup vs A100+AttAcc"), /within 15 % under papi and attacc-toolchain/);
  const hbm = line(ps, "PAPI speedup vs A100+HBM-PIM");
  assert.match(hbm, /reached by neither profile \(papi 1\.50x, attacc-toolchain 1\.50x\); the closest is 1\.50x/);
  assert.doesNotMatch(hbm, /bracket/);
  // 0.50x and 2.90x lie on both sides of the paper's 1.15x
  assert.match(line(ps, "PAPI energy efficiency vs AttAcc-only"), /bracket it \(0\.50x to 2\.90x\)/);
});

test("the speedup over AttAcc-only against the FC-only bound: above it under every profile, with the growth it would take", () => {
  const text = line(reachParagraphs([papi, at], undefined), "PAPI speedup vs AttAcc-only");
  assert.match(text, /exceeds the FC-only bound under every profile \(papi: mean 3\.16x, at most 4\.16x at any point; attacc-toolchain: mean 3\.15x/);
  // the bound text follows the paragraph's own last sentence directly
  assert.ok(text.includes("(profile papi). It exceeds the FC-only bound"), text);
  const growth = attaccRestGrowthFor(11.1, papi.boundsPerPoint!);
  assert.ok(text.includes(`would have to grow ${growth.toFixed(1)}-fold`), text);
  assert.match(text, /FC-PIM alone .* gives at most 1\.60x under papi \(Fig\. 11 ratio 1\.50x\)/);
  // a bound above the paper's number under one profile: it no longer rules the number out
  const high = { ...at, bounds: { ...at.bounds!, fcOnly: { ...at.bounds!.fcOnly, mean: 12 } } };
  assert.match(line(reachParagraphs([papi, high], undefined), "PAPI speedup vs AttAcc-only"), /does not rule it out/);
});

test("structural switches: their span, how many reach the number, and the largest bound among them", () => {
  const headlines0 = { "fig8.speedupVs.a100-attacc": 1.81, "fig8.speedupVs.attacc-only": 1.7, "bounds.fcOnly.mean": 3.16 };
  const s: StructuralStudy = {
    keys: Object.keys(headlines0),
    base: headlines0,
    rows: [{
      choice: "GPU collectives", description: "", override: "", values: [
        { label: "ring", source: "x", setups: true, headlines: headlines0 },
        { label: "nccl-graph", source: "y", setups: false, headlines: { "fig8.speedupVs.a100-attacc": 2.2, "fig8.speedupVs.attacc-only": 2.5, "bounds.fcOnly.mean": 3.3 } },
      ],
    }],
  };
  const ps = reachParagraphs([papi, at], s);
  assert.match(line(ps, "PAPI speedup vs A100+AttAcc"), /Single structural switches from the papi profile give 2\.20x to 2\.20x\./);
  const a = line(ps, "PAPI speedup vs AttAcc-only");
  assert.match(a, /nor by any single structural switch; the closest is 2\.50x \(GPU collectives: nccl-graph\)/);
  assert.match(a, /Across the structural switches the bound is at most 3\.30x \(GPU collectives: nccl-graph\)/);
});

test("the sections and the CSV carry both profiles", () => {
  const md = boundsSection([papi, at], undefined);
  assert.match(md, /\| papi \| 1\.70x \| 3\.16x \| 3\.16x – 4\.16x \| 2 \/ 2 \| 2 \/ 2 \| 1\.50x \| 1\.60x \|/);
  assert.match(md, /\| attacc-toolchain \| 1\.10x \| 3\.15x \|/);
  const p = profilesSection([papi, at], PAPER_SETUP);
  assert.match(p, /\| `assumptions\.pimReuseReads` \| `latched` \| `per-command` \|/);
  assert.match(p, /\| Fig\. 8: PAPI speedup vs AttAcc-only \| 11\.10x \| 1\.70x \| 1\.10x \|/);
  assert.ok(p.includes("| headline | paper | profile papi | profile attacc-toolchain |\n"), p);
  assert.match(p, /\| Bound: FC-only, PAPI over AttAcc-only \(mean\) \| — \| 3\.16x \| 3\.15x \|/);
  const rows = boundsCsvRows([papi, at]);
  assert.deepEqual(rows.map((r) => r.profile), ["papi", "papi", "attacc-toolchain", "attacc-toolchain"]);
});

test("a number no profile reaches but a structural switch does: 'neither within', then the switch that reaches it", () => {
  const h = { "fig8.speedupVs.a100-hbmpim": 1.5 };
  const s: StructuralStudy = {
    keys: Object.keys(h), base: h,
    rows: [{ choice: "GPU collectives", description: "", override: "", values: [
      { label: "ring", source: "x", setups: true, headlines: h },
      { label: "nccl-graph", source: "y", setups: false, headlines: { "fig8.speedupVs.a100-hbmpim": 1.9 } },
    ] }],
  };
  assert.equal(line(reachParagraphs([papi, at], s), "PAPI speedup vs A100+HBM-PIM"),
    "**PAPI speedup vs A100+HBM-PIM** (paper 1.90x): the profiles give papi 1.50x, attacc-toolchain 1.50x, neither within 15 %. Single structural switches from the papi profile give 1.90x to 1.90x, 1 of 1 within 15 % (GPU collectives: nccl-graph: 1.90x).");
});

test("only profiles with their per-point bounds enter the bound text", () => {
  const noPoints = { ...at, boundsPerPoint: undefined };
  const text = line(reachParagraphs([papi, noPoints], undefined), "PAPI speedup vs AttAcc-only");
  assert.ok(text.includes("exceeds the FC-only bound under every profile (papi: mean 3.16x, at most 4.16x at any point):"), text);
  const none = line(reachParagraphs([{ ...papi, boundsPerPoint: undefined }, { ...noPoints, bounds: undefined }], undefined), "PAPI speedup vs AttAcc-only");
  assert.ok(!none.includes("FC-only bound"), none);
});

test("values all above the stated number do not bracket it; the bracket sentence names the 15 % reach", () => {
  const high = headlines("papi", { "a100-attacc": 1.81, "a100-hbmpim": 3, "attacc-only": 1.7 }, { "a100-attacc": 2.1, "attacc-only": 0.5 }, 3.16);
  const higher = headlines("attacc-toolchain", { "a100-attacc": 1.82, "a100-hbmpim": 3.5, "attacc-only": 1.1 }, { "a100-attacc": 2.8, "attacc-only": 2.9 }, 3.15);
  const ps = reachParagraphs([high, higher], undefined);
  const hbm = line(ps, "PAPI speedup vs A100+HBM-PIM");
  assert.match(hbm, /reached by neither profile \(papi 3\.00x, attacc-toolchain 3\.50x\); the closest is 3\.00x \(profile papi\)\.$/);
  assert.ok(line(ps, "PAPI energy efficiency vs AttAcc-only").endsWith("so some mix of these choices passes through it, but no single sourced choice lands within 15 %."));
});

test("the headline table leaves a profile's cell empty where that profile lacks the number", () => {
  const noAlone = { ...at, bounds: { ...at.bounds!, fcPimAlone: undefined } } as unknown as HeadlinesWithPoints;
  const p = profilesSection([papi, noAlone], PAPER_SETUP);
  assert.ok(p.includes("| Bound: FC-PIM alone (from the Fig. 11 runs, mean) | — | 1.60x |  |\n") || p.endsWith("| Bound: FC-PIM alone (from the Fig. 11 runs, mean) | — | 1.60x |  |"), p);
});

test("a structural value that lacks a stated number adds nothing to that number's paragraph", () => {
  const s: StructuralStudy = {
    keys: ["fig8.speedupVs.a100-attacc"], base: {},
    rows: [{ choice: "refresh", description: "", override: "", values: [
      { label: "on", source: "x", setups: true, headlines: {} },
      { label: "off", source: "y", setups: false, headlines: { "fig8.speedupVs.a100-attacc": 1.8 } },
    ] }],
  };
  const ps = reachParagraphs([papi, at], s);
  assert.doesNotMatch(line(ps, "PAPI speedup vs A100+HBM-PIM"), /structural switches from/);
  assert.match(line(ps, "PAPI speedup vs A100+AttAcc"), /Single structural switches from the papi profile give 1\.80x to 1\.80x, 1 of 1 within 15 % \(refresh: off: 1\.80x\)\./);
});

test("a profile without a stated number is left out of that number's paragraph", () => {
  const noHbm = { ...at, fig8: { ...at.fig8!, speedupVs: { "a100-attacc": 1.82, "attacc-only": 1.1 } } } as HeadlinesWithPoints;
  const hbm = line(reachParagraphs([papi, noHbm], undefined), "PAPI speedup vs A100+HBM-PIM");
  assert.match(hbm, /reached by neither profile \(papi 1\.50x\); the closest is 1\.50x \(profile papi\)\.$/);
});

test("a structural switch whose FC-only bound passes the stated number raises the bound", () => {
  const h0 = { "fig8.speedupVs.attacc-only": 1.7, "bounds.fcOnly.mean": 3.16 };
  const s: StructuralStudy = {
    keys: Object.keys(h0), base: h0,
    rows: [{ choice: "PIM-side collectives", description: "", override: "", values: [
      { label: "ring", source: "x", setups: true, headlines: h0 },
      { label: "free", source: "y", setups: false, headlines: { "fig8.speedupVs.attacc-only": 2.5, "bounds.fcOnly.mean": 12 } },
    ] }],
  };
  const a = line(reachParagraphs([papi, at], s), "PAPI speedup vs AttAcc-only");
  assert.ok(a.includes("The structural switch PIM-side collectives: free raises the bound to 12.00x. FC-PIM alone"), a);
});
