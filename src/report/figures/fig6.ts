import type { Row } from "../charts.ts";
import { scatterChart } from "../charts.ts";
import { decodeKernels } from "../../models/kernels.ts";
import { resolveModel } from "../../models/registry.ts";
import { fmt, type FigureContext, type FigureOutput } from "./types.ts";

/** Fig. 6: the scheduler's estimate RLP x TLP versus the actual FC arithmetic intensity (GPT-3 66B). */
export function fig6(_ctx: FigureContext): FigureOutput {
  const model = resolveModel("gpt3-66b");
  const rows: Row[] = [];
  let worst = 0;
  for (const rlp of [1, 2, 4, 8, 16, 32, 64, 128]) {
    for (const tlp of [1, 2, 4, 8]) {
      const fc = decodeKernels(model, { rlp, tlp, contextLens: Array(rlp).fill(512) }).filter((k) => k.kind === "fc" && k.perLayer);
      const flops = fc.reduce((s, k) => s + k.flops, 0);
      const bytes = fc.reduce((s, k) => s + k.bytesRead + k.bytesWritten, 0);
      const actual = flops / bytes;
      const estimate = rlp * tlp;
      worst = Math.max(worst, Math.abs(actual / estimate - 1));
      rows.push({ rlp, tlp, estimate, actual, series: `TLP ${tlp}` });
    }
  }
  return {
    id: "fig6",
    title: "Fig. 6: estimated (RLP x TLP) vs actual FC arithmetic intensity (GPT-3 66B)",
    charts: [{
      name: "fig6",
      spec: scatterChart({ rows, x: "estimate", y: "actual", series: "series", seriesTitle: "speculation", title: "Fig. 6: RLP x TLP tracks FC arithmetic intensity", subtitle: "GPT-3 66B, all FC kernels of one layer, RLP 1–128; dashed line: y = x", xTitle: "scheduler's estimate RLP x TLP (log)", yTitle: "actual FC arithmetic intensity, FLOP/byte (log)", logX: true, logY: true }),
      caption: "The scheduler's one-multiply estimate against the arithmetic intensity computed from the kernels' FLOPs and bytes; the line is y = x.",
    }],
    tables: [{ name: "fig6", rows }],
    markdown: `Largest relative gap between estimate and actual over RLP 1..128 x TLP 1..8: ${fmt(worst * 100, 1)} % (it grows at large RLP x TLP, where activations stop being negligible next to the weights).`,
  };
}
