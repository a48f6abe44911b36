import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReportMarkdown } from "../../src/report/report-md.ts";
import type { FigureOutput } from "../../src/report/figures/types.ts";
import type { Headlines } from "../../src/report/semantics.ts";
import type { SensitivityStudy } from "../../src/report/sensitivity.ts";
import { PAPER_SETUP } from "../../src/report/setup.ts";

const figure = (id: string, title: string): FigureOutput => ({
  id, title, markdown: `${id} text 1.23x`,
  charts: [{ name: `${id}-a`, spec: {} as FigureOutput["charts"][0]["spec"], caption: `${id} caption` }],
  tables: [{ name: `${id}-a`, rows: [] }, { name: `${id}-b`, rows: [] }],
});
const main: Headlines = {
  computeSemantics: "column-matched", profile: "papi",
  claims: [{ claim: "PAPI is best", holds: true, evidence: "ev 1" }, { claim: "FC dominates", holds: false, evidence: "ev 2" }],
};
const input = (o: Partial<Parameters<typeof buildReportMarkdown>[0]> = {}) => ({
  outputs: [figure("fig11", "Fig. 11: speedup"), figure("fig12", "Fig. 12: breakdown")],
  comparisons: [], headlines: [main], profiles: [main], setup: PAPER_SETUP, changes: [], devices: {},
  protocol: "one-batch" as const, trace: "dolly-creative", seed: 7, runs: 42, ...o,
});

test("report.md states the trace, protocol, semantics, profile, seed and run count, and lists its sections", () => {
  const md = buildReportMarkdown(input({ headlines: [{ ...main, claims: [] }], profiles: [{ ...main, claims: [] }] }));
  assert.ok(md.startsWith("# papi: reproduction of PAPI (ASPLOS 2025)\n\n"));
  assert.ok(md.includes("Trace `dolly-creative`, main protocol `one-batch`, main PIM compute semantics `column-matched`, main assumption profile `papi`, seed 7; 42 simulated runs."));
  assert.ok(md.includes("Contents:\n\n- [Design under study](#design-under-study)\n- [Fig. 11: speedup](#fig-11-speedup)\n- [Fig. 12: breakdown](#fig-12-breakdown)\n\n"), md);
  for (const absent of ["## Paper vs papi", "## The paper's qualitative claims", "## Sensitivity", "## PIM compute semantics", "## Assumption profiles", "## Bounds"]) assert.ok(!md.includes(absent), absent);
});

test("each figure: its charts (SVG, caption, PNG link), its text and its data files", () => {
  const md = buildReportMarkdown(input());
  assert.ok(md.includes("## Fig. 11: speedup\n\n![fig11 caption](fig11-a.svg)\n\n*fig11 caption* ([PNG](fig11-a.png))\n\nfig11 text 1.23x\n\nData: [fig11-a.csv](fig11-a.csv), [fig11-b.csv](fig11-b.csv)\n"), md);
  assert.ok(md.indexOf("## Fig. 11") < md.indexOf("## Fig. 12"));
});

test("the claims table: one row per claim, holds or does not, with the evidence", () => {
  const md = buildReportMarkdown(input());
  assert.ok(md.includes("- [The paper's qualitative claims](#the-paper-s-qualitative-claims)"));
  assert.ok(md.includes([
    "| the paper says | column-matched, profile papi | evidence (column-matched, profile papi) |",
    "|---|---|---|",
    "| PAPI is best | holds | ev 1 |",
    "| FC dominates | **does not hold** | ev 2 |",
  ].join("\n")), md);
  // another semantics and another profile each get a column
  const alt: Headlines = { ...main, computeSemantics: "decoupled-clock", claims: [{ claim: "PAPI is best", holds: false, evidence: "ev 3" }] };
  const prof = { ...main, profile: "attacc-toolchain" as Headlines["profile"], claims: [main.claims[1], main.claims[0]] };
  const md2 = buildReportMarkdown(input({ headlines: [main, alt], profiles: [main, prof] }));
  assert.ok(md2.includes("| the paper says | column-matched, profile papi | decoupled-clock | profile attacc-toolchain | evidence (column-matched, profile papi) | evidence (decoupled-clock) | evidence (profile attacc-toolchain) |"), md2);
  assert.ok(md2.includes("| PAPI is best | holds | **does not hold** | **does not hold** | ev 1 | ev 3 | ev 2 |"));
  assert.ok(md2.includes("| FC dominates | **does not hold** | **does not hold** | holds | ev 2 |  | ev 1 |"));
  assert.ok(md2.includes("## PIM compute semantics side by side") && md2.includes("## Assumption profiles side by side"));
});

test("with comparisons: the paper-vs-papi table, the drivers, and pointers to the sections that exist", () => {
  const c = { key: "fig8.speedupVs.a100-attacc", what: "PAPI speedup vs A100+AttAcc", ours: 0.9, paper: 1.8, where: "§7.1" };
  const md = buildReportMarkdown(input({ comparisons: [c] }));
  assert.ok(md.includes("- [Paper vs papi](#paper-vs-papi)"));
  assert.ok(md.includes("| PAPI speedup vs A100+AttAcc | 1.80x | 0.90x | 0.50 |"), md);
  assert.ok(md.includes("What drives the differences:\n\n- **GPU model**"));
  // no bounds, semantics, profiles or sensitivity sections: nothing to point to
  assert.ok(!md.includes("See what no assumption") && !md.includes("See each semantics"));
  const alt: Headlines = { ...main, computeSemantics: "decoupled-clock" };
  const md2 = buildReportMarkdown(input({ comparisons: [c], headlines: [main, alt] }));
  assert.ok(md2.includes("See each semantics' mechanisms in [PIM compute semantics side by side](#pim-compute-semantics-side-by-side). The Fig. 8 section also runs a joint probe"), md2);
  const prof = { ...main, profile: "attacc-toolchain" as Headlines["profile"] };
  const md3 = buildReportMarkdown(input({ comparisons: [c], profiles: [main, prof] }));
  // the comparison table's columns name the other semantics and profiles
  assert.ok(md2.includes("| what | paper | papi (one-batch, column-matched, profile papi) | papi / paper | papi (decoupled-clock) |"), md2);
  assert.ok(md3.includes("| what | paper | papi (one-batch, column-matched, profile papi) | papi / paper | papi (profile attacc-toolchain) |"), md3);
  assert.ok(md3.includes("See every headline under each profile in [Assumption profiles side by side](#assumption-profiles-side-by-side). The Fig. 8"), md3);
});

test("the sensitivity section: each missed number with the parameters and structural choices tried", () => {
  const sensitivity: SensitivityStudy = {
    structural: { keys: [], base: {}, rows: [] },
    missed: [{
      key: "fig8.speedupVs.attacc-only", what: "PAPI speedup vs AttAcc-only", paper: 11.1, ours: 3.5,
      byProtocol: { "all-batches": 3.5, "one-batch": 1.75 },
      parameters: [
        { parameter: "gpu power", description: "static watts", values: [{ factor: 0.5, label: "x0.5", value: 3 }, { factor: 1, label: "x1", value: 3.5 }, { factor: 2, label: "x2", value: 4 }], closingFactor: 1.504 },
        { parameter: "links", description: "bandwidth", values: [{ factor: 1, label: "x1", value: 3.5 }], closingFactor: null },
      ],
      structural: [
        { choice: "layout", values: [{ label: "n-split", setups: true, value: 3.5 }, { label: "k-split", setups: false, value: 9.8 }], reaches: ["k-split"] },
        { choice: "refresh", values: [{ label: "on", setups: true, value: 3.5 }], reaches: [] },
      ],
    }],
  };
  const md = buildReportMarkdown(input({ sensitivity }));
  assert.ok(md.includes("- [Sensitivity: what the paper must have assumed](#sensitivity-what-the-paper-must-have-assumed)"));
  assert.ok(md.includes("For each stated number we miss by more than 15 %"));
  assert.ok(md.includes("### PAPI speedup vs AttAcc-only: paper 11.10x, papi 3.50x\n\nBatching protocol (the paper does not say which it used): all-batches 3.50x, one-batch 1.75x.\n"), md);
  assert.ok(md.includes("| parameter | values tried: PAPI's ratio | closes at |\n|---|---|---:|\n| gpu power: static watts | x0.5: 3.00 · **x1: 3.50** · x2: 4.00 | x1.5 |"), md);
  assert.ok(md.includes("| links: bandwidth | **x1: 3.50** | — |"));
  assert.ok(md.includes("| structural choice | values tried: PAPI's ratio | within 15 % |"));
  assert.ok(md.includes("| layout | **n-split: 3.50** · k-split: 9.80 | k-split |"));
  assert.ok(md.includes("| refresh | **on: 3.50** | — |"));
  // a study that misses nothing still has its (structural) section, without the per-number part
  const none = buildReportMarkdown(input({ sensitivity: { ...sensitivity, missed: [] } }));
  assert.ok(none.includes("## Sensitivity: what the paper must have assumed") && !none.includes("For each stated number"));
  const noProtocols = buildReportMarkdown(input({ sensitivity: { ...sensitivity, missed: [{ ...sensitivity.missed[0], byProtocol: undefined }] } }));
  assert.ok(!noProtocols.includes("Batching protocol (the paper"));
});
