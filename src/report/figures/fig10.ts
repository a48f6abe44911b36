import type { Row } from "../charts.ts";
import { lineChart } from "../charts.ts";
import { arithmeticMean } from "../experiments.ts";
import { systemLabel } from "./fig8.ts";
import { fmt, mdTable, type FigureContext, type FigureOutput } from "./types.ts";

const SYSTEMS = ["a100-attacc", "a100-hbmpim", "attacc-only", "papi"] as const;
const BASELINES = ["a100-attacc", "a100-hbmpim", "attacc-only"] as const;
export const FIG10_BATCHES = [4, 8, 16, 32, 64, 128];
export const FIG10_SPECS = [1, 2, 3, 4, 5, 6, 7, 8];

/** Fig. 10: LLaMA-65B sensitivity to batch size (speculation 1) and to speculation length (batch 4). */
export function fig10(ctx: FigureContext): FigureOutput {
  const model = "llama-65b";
  const sweep = (kind: "batch" | "spec") => {
    const rows: Row[] = [];
    const ratios: Record<string, number[]> = {};
    const points = kind === "batch" ? FIG10_BATCHES.map((b) => ({ batch: b, spec: 1 })) : FIG10_SPECS.map((s) => ({ batch: 4, spec: s }));
    for (const { batch, spec } of points) {
      const ref = ctx.exp.run({ system: "a100-attacc", model, batch, spec }, ctx.protocol);
      const papi = ctx.exp.run({ system: "papi", model, batch, spec }, ctx.protocol);
      for (const system of SYSTEMS) {
        const r = ctx.exp.run({ system, model, batch, spec }, ctx.protocol);
        rows.push({
          batch, spec, system, systemLabel: systemLabel(system), latencySec: r.latencySec,
          speedupVsA100Attacc: ref.latencySec / r.latencySec,
          fcOnGpuShare: r.iterations ? r.fcOnGpuIterations / r.iterations : 0,
        });
        if (system !== "papi") (ratios[system] ??= []).push(r.latencySec / papi.latencySec);
      }
    }
    const speedupVs = Object.fromEntries(BASELINES.map((b) => [b, arithmeticMean(ratios[b])]));
    return { rows, speedupVs };
  };
  const b = sweep("batch");
  const s = sweep("spec");
  // Whether A100+HBM-PIM's line hides under A100+AttAcc's (the paper: attention is a small share of time).
  const hidden = (rows: Row[]) => {
    const at = (sys: string) => rows.filter((r) => r.system === sys).map((r) => Number(r.speedupVsA100Attacc));
    const worst = Math.max(...at("a100-hbmpim").map((v) => Math.abs(v - 1)));
    return worst < 0.02 ? `A100+HBM-PIM lies under A100+AttAcc (within ${fmt(worst * 100, 1)} %)` : `A100+HBM-PIM differs from A100+AttAcc by up to ${fmt(worst * 100, 1)} %`;
  };
  const papiShare = (rows: Row[]) => rows.filter((r) => r.system === "papi").map((r) => `${fmt(Number(r.fcOnGpuShare) * 100, 0)} %`);
  return {
    id: "fig10",
    title: "Fig. 10: sensitivity to batch size and speculation length (LLaMA-65B)",
    charts: [
      {
        name: "fig10-batch",
        spec: lineChart({
          rows: b.rows, x: "batch", y: "speedupVsA100Attacc", series: "systemLabel", seriesTitle: "system", title: "Fig. 10a: speedup vs batch size (LLaMA-65B, speculation 1)",
          subtitle: hidden(b.rows), xTitle: "batch size, RLP (log)", yTitle: "speedup over A100+AttAcc (x)", logX: true, xTicks: FIG10_BATCHES,
        }),
        caption: "Speedup over A100+AttAcc as the batch grows from 4 to 128 at speculation length 1.",
      },
      {
        name: "fig10-spec",
        spec: lineChart({
          rows: s.rows, x: "spec", y: "speedupVsA100Attacc", series: "systemLabel", seriesTitle: "system", title: "Fig. 10b: speedup vs speculation length (LLaMA-65B, batch 4)",
          subtitle: hidden(s.rows), xTitle: "speculation length, TLP", yTitle: "speedup over A100+AttAcc (x)", xTicks: FIG10_SPECS,
        }),
        caption: "Speedup over A100+AttAcc as the speculation length grows from 1 to 8 at batch 4.",
      },
    ],
    tables: [{ name: "fig10-batch", rows: b.rows }, { name: "fig10-spec", rows: s.rows }],
    markdown: [
      "Mean over each sweep of baseline latency / PAPI latency:",
      "",
      mdTable(["sweep", ...BASELINES.map(systemLabel)], [
        ["batch 4..128, spec 1", ...BASELINES.map((x) => fmt(b.speedupVs[x]))],
        ["spec 1..8, batch 4", ...BASELINES.map((x) => fmt(s.speedupVs[x]))],
      ]),
      "",
      "Share of PAPI's decode iterations that run FC on the GPU:",
      "",
      mdTable(["sweep", "values", "FC on GPU"], [
        ["batch (speculation 1)", FIG10_BATCHES.join(", "), papiShare(b.rows).join(", ")],
        ["speculation (batch 4)", FIG10_SPECS.join(", "), papiShare(s.rows).join(", ")],
      ]),
    ].join("\n"),
    summary: { fig10: { batchSweep: { speedupVs: b.speedupVs }, specSweep: { speedupVs: { "a100-attacc": s.speedupVs["a100-attacc"], "attacc-only": s.speedupVs["attacc-only"], "a100-hbmpim": s.speedupVs["a100-hbmpim"] } } } },
  };
}
