import type { Row } from "../charts.ts";
import { lineChart, stackedBarChart } from "../charts.ts";
import { pimEnergyBreakdownAtReuse, pimStackPowerWatts } from "../../hardware/pim/power.ts";
import { POWER_STUDY_DESIGNS } from "../../hardware/pim/presets.ts";
import { pimMacSpacingClocks } from "../../hardware/pim/timing.ts";
import { designLabel } from "../labels.ts";
import { setupPimDesign } from "../setup.ts";
import { fmt, mdTable, type FigureContext, type FigureOutput } from "./types.ts";

const REUSE = [1, 2, 4, 8, 16, 32, 64];
/** Who uses each power-study design (chart legend: xPyB of the design as resolved, then this). */
const DESIGN_ROLE: Record<string, string> = { attacc: " (AttAcc)", "2p1b": "", "fc-pim": " (FC-PIM)" };
/**
 * The designs of Fig. 7, all resolved as FC designs (`hardware.fcPim`, setup.ts): the figure is about weight reuse in
 * FC kernels; 1P1B and 4P1B are the FC stacks of AttAcc-only and PAPI, 2P1B the design between them.
 */
export const FIG7_DESIGNS = POWER_STUDY_DESIGNS.map((design) => ({ design, role: "fcPim" as const }));

/** Fig. 7: PIM energy breakdown at reuse 1 and 64, and power per stack versus reuse for 1P1B/2P1B/4P1B. */
export function fig7(ctx: FigureContext): FigureOutput {
  const design = (name: string) => setupPimDesign(ctx.exp.setup, "fcPim", name);
  const fcPim = design("fc-pim");
  const breakdown: Row[] = [];
  const parts = ["dramAccess", "transfer", "compute", "background"] as const;
  const label = { dramAccess: "DRAM access", transfer: "transfer", compute: "computation", background: "background" };
  for (const reuse of [1, 64]) {
    const e = pimEnergyBreakdownAtReuse(fcPim, reuse);
    for (const p of parts) breakdown.push({ reuse: `reuse ${reuse}`, part: p, partLabel: label[p], share: e.fractions[p], pjPerMac: e.joulesPerMac[p] * 1e12 });
  }
  const power: Row[] = [];
  const powerChart: Row[] = [];
  const table: string[][] = [];
  let budget = 0;
  for (const name of POWER_STUDY_DESIGNS) {
    const d = design(name);
    const label = `${designLabel(d)}${DESIGN_ROLE[name]}`;
    const cells: string[] = [];
    for (const reuse of REUSE) {
      const p = pimStackPowerWatts(d, reuse);
      budget = p.budgetWatts;
      power.push({ reuse, design: name, designLabel: label, mode: "all FPUs busy", watts: p.fpuPeakWatts });
      power.push({ reuse, design: name, designLabel: label, mode: "as simulated", watts: p.watts });
      powerChart.push({ reuse, design: label, mode: "every FPU busy every cycle", watts: p.fpuPeakWatts }, { reuse, design: label, mode: "as the timing model runs it", watts: p.watts });
      cells.push(`${fmt(p.fpuPeakWatts, 0)}${p.fpuPeakWithinBudget ? "" : " ✗"}`);
    }
    table.push([label, ...cells]);
  }
  for (const reuse of REUSE) power.push({ reuse, design: "budget", designLabel: "power budget", mode: "budget", watts: budget });
  const spacing = pimMacSpacingClocks(fcPim);
  const simulated = powerChart.filter((r) => r.mode === "as the timing model runs it");
  const top = simulated.reduce((a, r) => (Number(r.watts) > Number(a.watts) ? r : a), simulated[0]);
  const peak = { watts: Number(top.watts), label: String(top.design), reuse: Number(top.reuse) };
  const dram1 = breakdown.find((r) => r.reuse === "reuse 1" && r.part === "dramAccess")!.share as number;
  const dram64 = breakdown.find((r) => r.reuse === "reuse 64" && r.part === "dramAccess")!.share as number;
  const compute64 = breakdown.find((r) => r.reuse === "reuse 64" && r.part === "compute")!.share as number;
  return {
    id: "fig7",
    title: "Fig. 7: PIM energy breakdown and power versus reuse",
    charts: [
      {
        name: "fig7-energy",
        spec: stackedBarChart({
          rows: breakdown, x: "reuse", stack: "partLabel", y: "share", title: `Fig. 7a: FC-PIM (${designLabel(fcPim)}) energy breakdown`, subtitle: "8192 x 8192 FC on one stack (paper: DRAM access 96.7 % at reuse 1, 33.1 % at 64)",
          xTitle: "weight reuse (RLP x TLP)", yTitle: "share of PIM energy", stackTitle: "energy spent on", normalize: true, segmentLabel: (_v, f) => `${(f * 100).toFixed(1)} %`,
          outsideLabelName: (label) => label,
        }),
        // Stryker disable next-line EqualityOperator: two energy shares computed from different terms are never exactly equal
        caption: `Share of PIM energy spent on DRAM access, transfers, computation and background power at reuse 1 and 64${compute64 > dram64 ? ": reuse makes computation, not DRAM access, the main cost" : ""}.`,
      },
      {
        name: "fig7-power",
        spec: lineChart({
          rows: powerChart, x: "reuse", y: "watts", series: "design", seriesTitle: "PIM design", dash: "mode", dashTitle: "FPU activity",
          title: "Fig. 7b: power per HBM3-PIM stack vs weight reuse", subtitle: "more FPUs per bank fit the power budget only once each weight read is reused",
          // log y: the as-simulated curves (3-30 W) would otherwise lie on top of each other near 0
          xTitle: "weight reuse, RLP x TLP (log)", yTitle: "power per stack (W, log)", logX: true, logY: true, xTicks: REUSE, refLines: [{ y: budget, label: `power budget ${fmt(budget, 0)} W` }],
        }),
        caption: "Stack power if every FPU ran every clock (solid; the paper's framing) and as the timing model actually schedules them (dashed), against the per-stack budget.",
      },
    ],
    tables: [{ name: "fig7-energy", rows: breakdown }, { name: "fig7-power", rows: power }],
    markdown: [
      `DRAM access is ${fmt(dram1 * 100, 1)} % of FC-PIM energy at reuse 1 and ${fmt(dram64 * 100, 1)} % at reuse 64 (paper: 96.7 % and 33.1 %).`,
      "",
      `As simulated: ${fcPim.computeSemantics} MAC semantics (${fcPim.computeSemantics === "column-matched"
        ? "ceil(y·reuse/x) MAC commands per column for x FPUs per y banks"
        : "one MAC command per column; the x FPUs of y banks cycle through its tokens at the FPU clock"}, ${spacing} tCK apart), ` +
        `FC layout "${fcPim.fcMapping}". A column is read once and held while its tokens are processed, so reuse cuts the DRAM ` +
        `energy per MAC. The simulated power peaks at ${fmt(peak.watts, 0)} W per stack (${peak.label}, reuse ${peak.reuse}), ` +
        `${peak.watts <= budget ? "within" : "over"} the ${fmt(budget, 0)} W budget; the every-FPU-busy framing below (MAC steps at the FPU clock) is the paper's.`,
      "",
      `Power per stack with every FPU busy (W; ✗ = over the ${fmt(budget, 0)} W budget):`,
      "",
      mdTable(["design", ...REUSE.map((r) => `reuse ${r}`)], table),
    ].join("\n"),
  };
}
