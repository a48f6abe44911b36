import type { Row } from "../charts.ts";
import { lineChart, stackedBarChart } from "../charts.ts";
import { pimEnergyBreakdownAtReuse, pimStackPowerWatts } from "../../hardware/pim/power.ts";
import { POWER_STUDY_DESIGNS, resolvePimDesign } from "../../hardware/pim/presets.ts";
import { fmt, mdTable, type FigureContext, type FigureOutput } from "./types.ts";

const REUSE = [1, 2, 4, 8, 16, 32, 64];

/** Fig. 7: PIM energy breakdown at reuse 1 and 64, and power per stack versus reuse for 1P1B/2P1B/4P1B. */
export function fig7(_ctx: FigureContext): FigureOutput {
  const fcPim = resolvePimDesign("fc-pim");
  const breakdown: Row[] = [];
  const parts = ["dramAccess", "transfer", "compute", "background"] as const;
  const label = { dramAccess: "DRAM access", transfer: "transfer", compute: "computation", background: "background" };
  for (const reuse of [1, 64]) {
    const e = pimEnergyBreakdownAtReuse(fcPim, reuse);
    for (const p of parts) breakdown.push({ reuse: `reuse ${reuse}`, part: label[p], share: e.fractions[p], pjPerMac: e.joulesPerMac[p] * 1e12 });
  }
  const power: Row[] = [];
  const table: string[][] = [];
  let budget = 0;
  for (const name of POWER_STUDY_DESIGNS) {
    const d = resolvePimDesign(name);
    const cells: string[] = [];
    for (const reuse of REUSE) {
      const p = pimStackPowerWatts(d, reuse);
      budget = p.budgetWatts;
      power.push({ reuse, design: `${d.name} (all FPUs busy)`, watts: p.fpuPeakWatts });
      power.push({ reuse, design: `${d.name} (as simulated)`, watts: p.watts });
      cells.push(`${fmt(p.fpuPeakWatts, 0)}${p.fpuPeakWithinBudget ? "" : " ✗"}`);
    }
    table.push([d.name, ...cells]);
  }
  for (const reuse of REUSE) power.push({ reuse, design: "power budget", watts: budget });
  const dram1 = breakdown.find((r) => r.reuse === "reuse 1" && r.part === "DRAM access")!.share as number;
  const dram64 = breakdown.find((r) => r.reuse === "reuse 64" && r.part === "DRAM access")!.share as number;
  return {
    id: "fig7",
    title: "Fig. 7: PIM energy breakdown and power versus reuse",
    charts: [
      {
        name: "fig7-energy",
        spec: stackedBarChart({ rows: breakdown, x: "reuse", stack: "part", y: "share", title: "Fig. 7a: FC-PIM energy breakdown", subtitle: "8192 x 8192 FC on one stack", xTitle: "weight reuse (RLP x TLP)", yTitle: "share of energy", normalize: true }),
        caption: "Share of PIM energy spent on DRAM access, transfers and computation at reuse 1 and 64.",
      },
      {
        name: "fig7-power",
        spec: lineChart({ rows: power, x: "reuse", y: "watts", series: "design", title: "Fig. 7b: power per stack vs reuse", xTitle: "weight reuse", yTitle: "power per stack (W)", logX: true }),
        caption: "Stack power if every FPU ran every clock (the paper's framing) and as the timing model actually schedules them, against the budget.",
      },
    ],
    tables: [{ name: "fig7-energy", rows: breakdown }, { name: "fig7-power", rows: power }],
    markdown: [
      `DRAM access is ${fmt(dram1 * 100, 1)} % of FC-PIM energy at reuse 1 and ${fmt(dram64 * 100, 1)} % at reuse 64 (paper: 96.7 % and 33.1 %).`,
      "",
      `Power per stack with every FPU busy (W; ✗ = over the ${fmt(budget, 0)} W budget):`,
      "",
      mdTable(["design", ...REUSE.map((r) => `reuse ${r}`)], table),
    ].join("\n"),
  };
}
