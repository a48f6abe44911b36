import type { Row } from "../charts.ts";
import { groupedBarChart } from "../charts.ts";
import { FIG8_MODELS, arithmeticMean, fig8Grid } from "../experiments.ts";
import { withModelLabels } from "./fig8.ts";
import { fmt, type FigureContext, type FigureOutput } from "./types.ts";

/** Fig. 11: PIM-only PAPI versus AttAcc-only, decode time only, over the Fig. 8 grid. */
export function fig11(ctx: FigureContext): FigureOutput {
  const rows: Row[] = [];
  const all: number[] = [];
  const at = (b: number, s: number) =>
    arithmeticMean(FIG8_MODELS.map((model) => {
      const a = ctx.exp.run({ system: "attacc-only", model, batch: b, spec: s }, ctx.protocol);
      const p = ctx.exp.run({ system: "pim-only-papi", model, batch: b, spec: s }, ctx.protocol);
      return a.decodeSec / p.decodeSec;
    }));
  for (const { model, batch, spec } of fig8Grid()) {
    const a = ctx.exp.run({ system: "attacc-only", model, batch, spec }, ctx.protocol);
    const p = ctx.exp.run({ system: "pim-only-papi", model, batch, spec }, ctx.protocol);
    const speedup = a.decodeSec / p.decodeSec;
    all.push(speedup);
    rows.push({ model, batch, spec, point: `B${batch} S${spec}`, attaccOnlyDecodeSec: a.decodeSec, pimOnlyPapiDecodeSec: p.decodeSec, speedup });
  }
  const summary = { average: arithmeticMean(all), b4s1: at(4, 1), b64s4: at(64, 4) };
  return {
    id: "fig11",
    title: "Fig. 11: PIM-only PAPI vs AttAcc-only (decode only)",
    charts: [{
      name: "fig11",
      spec: groupedBarChart({ rows: withModelLabels(rows), x: "point", group: "model", y: "speedup", title: "Fig. 11: PIM-only PAPI speedup over AttAcc-only (decode)", subtitle: "decode time only; dashed line = 1 (no speedup)", xTitle: "batch size B, speculation length S", yTitle: "speedup over AttAcc-only (x)", refLine: 1 }),
      caption: "Decode-time speedup of PIM-only PAPI (FC-PIM 4P1B + Attn-PIM 1P2B) over AttAcc-only (1P1B everywhere).",
    }],
    tables: [{ name: "fig11", rows }],
    markdown: `Average speedup ${fmt(summary.average)}x; at B4 S1 ${fmt(summary.b4s1)}x; at B64 S4 ${fmt(summary.b64s4)}x (means over the three models).`,
    summary: { fig11: { speedupVsAttaccOnly: summary } },
  };
}
