import type { Row } from "../charts.ts";
import { lineChart, stackedBarChart } from "../charts.ts";
import { pimEnergyBreakdownAtReuse, pimStackPowerWatts } from "../../hardware/pim/power.ts";
import { POWER_STUDY_DESIGNS, resolvePimDesign } from "../../hardware/pim/presets.ts";
import { pimMacSpacingClocks } from "../../hardware/pim/timing.ts";
import { fmt, mdTable, type FigureContext, type FigureOutput } from "./types.ts";

const REUSE = [1, 2, 4, 8, 16, 32, 64];
/** The paper's names for the power-study designs (chart legend only; CSVs keep the preset names). */
const DESIGN_LABEL: Record<string, string> = { attacc: "1P1B (AttAcc)", "2p1b": "2P1B", "fc-pim": "4P1B (FC-PIM)" };

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
  const powerChart: Row[] = [];
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
      const design = DESIGN_LABEL[d.name] ?? d.name;
      powerChart.push({ reuse, design, mode: "every FPU busy every cycle", watts: p.fpuPeakWatts }, { reuse, design, mode: "as the timing model runs it", watts: p.watts });
      cells.push(`${fmt(p.fpuPeakWatts, 0)}${p.fpuPeakWithinBudget ? "" : " ✗"}`);
    }
    table.push([DESIGN_LABEL[d.name] ?? d.name, ...cells]);
  }
  for (const reuse of REUSE) power.push({ reuse, design: "power budget", watts: budget });
  const spacing = pimMacSpacingClocks(fcPim);
  const dram1 = breakdown.find((r) => r.reuse === "reuse 1" && r.part === "DRAM access")!.share as number;
  const dram64 = breakdown.find((r) => r.reuse === "reuse 64" && r.part === "DRAM access")!.share as number;
  return {
    id: "fig7",
    title: "Fig. 7: PIM energy breakdown and power versus reuse",
    charts: [
      {
        name: "fig7-energy",
        spec: stackedBarChart({
          rows: breakdown, x: "reuse", stack: "part", y: "share", title: "Fig. 7a: FC-PIM energy breakdown", subtitle: "8192 x 8192 FC on one stack (paper: DRAM access 96.7 % at reuse 1, 33.1 % at 64)",
          xTitle: "weight reuse (RLP x TLP)", yTitle: "share of PIM energy", stackTitle: "energy spent on", normalize: true, segmentLabel: (_v, f) => `${(f * 100).toFixed(1)} %`,
        }),
        caption: "Share of PIM energy spent on DRAM access, transfers, computation and background power at reuse 1 and 64: reuse makes computation, not DRAM access, the main cost.",
      },
      {
        name: "fig7-power",
        spec: lineChart({
          rows: powerChart, x: "reuse", y: "watts", series: "design", seriesTitle: "PIM design", dash: "mode", dashTitle: "FPU activity",
          title: "Fig. 7b: power per HBM3-PIM stack vs weight reuse", subtitle: "more FPUs per bank fit the power budget only once each weight read is reused",
          xTitle: "weight reuse, RLP x TLP (log)", yTitle: "power per stack (W)", logX: true, xTicks: REUSE, refLines: [{ y: budget, label: `power budget ${fmt(budget, 0)} W` }],
        }),
        caption: "Stack power if every FPU ran every clock (solid; the paper's framing) and as the timing model actually schedules them (dashed), against the per-stack budget.",
      },
    ],
    tables: [{ name: "fig7-energy", rows: breakdown }, { name: "fig7-power", rows: power }],
    markdown: [
      `DRAM access is ${fmt(dram1 * 100, 1)} % of FC-PIM energy at reuse 1 and ${fmt(dram64 * 100, 1)} % at reuse 64 (paper: 96.7 % and 33.1 %).`,
      "",
      `As simulated: ${fcPim.computeSemantics} MAC semantics (ceil(y·reuse/x) MAC commands per column for x FPUs per y banks, ` +
        `${spacing} tCK apart), FC layout "${fcPim.fcMapping}". A column is read once and held while its tokens cycle, so reuse ` +
        "cuts the DRAM energy per MAC, but every extra token costs a MAC command at the same spacing: the simulated power stays " +
        "far below the budget, and only the every-FPU-busy framing below (MAC steps at the FPU clock) reaches it.",
      "",
      `Power per stack with every FPU busy (W; ✗ = over the ${fmt(budget, 0)} W budget):`,
      "",
      mdTable(["design", ...REUSE.map((r) => `reuse ${r}`)], table),
    ].join("\n"),
  };
}
