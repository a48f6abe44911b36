import type { Row } from "../charts.ts";
import { stackedBarChart } from "../charts.ts";
import { systemLabel } from "./fig8.ts";
import { fmt, mdTable, type FigureContext, type FigureOutput } from "./types.ts";

const PART_LABEL = { fc: "FC", attention: "attention", communication: "communication", other: "other (norms, activations, host)" } as const;

/** Short names of the parts for the labels of thin segments. */
const SHORT_NAME: Record<string, string> = Object.fromEntries(Object.entries(PART_LABEL).map(([k, v]) => [v, k]));

/** Fig. 12: per-token decode time breakdown, LLaMA-65B, batch 4, speculation 4: AttAcc-only vs PIM-only PAPI. */
export function fig12(ctx: FigureContext): FigureOutput {
  const point = { model: "llama-65b", batch: 4, spec: 4 };
  const a = ctx.exp.run({ system: "attacc-only", ...point }, ctx.protocol);
  const p = ctx.exp.run({ system: "pim-only-papi", ...point }, ctx.protocol);
  const rows: Row[] = [];
  const chartRows: Row[] = [];
  for (const r of [a, p]) {
    for (const part of ["fc", "attention", "communication", "other"] as const) {
      rows.push({ system: r.system, systemLabel: systemLabel(r.system), part, msPerToken: r.perTokenSec[part] * 1e3 });
      chartRows.push({ system: systemLabel(r.system), part: PART_LABEL[part], msPerToken: r.perTokenSec[part] * 1e3 });
    }
  }
  const decode = p.breakdownSec.fc + p.breakdownSec.attention + p.breakdownSec.communication + p.breakdownSec.other;
  const s = {
    fcSpeedup: a.breakdownSec.fc / p.breakdownSec.fc,
    attentionSlowdown: p.breakdownSec.attention / a.breakdownSec.attention,
    communicationShare: p.breakdownSec.communication / decode,
  };
  return {
    id: "fig12",
    title: "Fig. 12: per-token time breakdown, AttAcc-only vs PIM-only PAPI (LLaMA-65B, B4, S4)",
    charts: [{
      name: "fig12",
      spec: stackedBarChart({
        rows: chartRows, x: "system", stack: "part", y: "msPerToken", title: "Fig. 12: decode time per generated token", subtitle: "LLaMA-65B, batch 4, speculation length 4",
        xTitle: "system", yTitle: "decode time per token (ms)", stackTitle: "time spent in", segmentLabel: (v) => `${v >= 0.01 ? v.toFixed(3) : v.toPrecision(2)} ms`,
        outsideLabelName: (label) => SHORT_NAME[label] ?? label,
      }),
      caption: "Decode time per generated token split into FC, attention, communication and other (norms, activations, host).",
    }],
    tables: [{ name: "fig12", rows }],
    markdown: mdTable(["metric", "value"], [
      ["FC speedup (AttAcc-only FC / PIM-only PAPI FC)", `${fmt(s.fcSpeedup)}x`],
      ["attention slowdown (PIM-only PAPI / AttAcc-only)", `${fmt(s.attentionSlowdown)}x`],
      ["communication share of PIM-only PAPI decode time", `${fmt(s.communicationShare * 100, 1)} %`],
    ]),
    summary: { fig12: s },
  };
}
