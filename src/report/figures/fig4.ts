import type { Row } from "../charts.ts";
import { lineChart } from "../charts.ts";
import { gpuGemmCost } from "../../hardware/gpu/cost.ts";
import { resolveGpu } from "../../hardware/gpu/presets.ts";
import { pimFcCost } from "../../hardware/pim/cost.ts";
import { resolvePimDesign } from "../../hardware/pim/presets.ts";
import { fcShapesPerLayer } from "../../models/kernels.ts";
import { resolveModel } from "../../models/registry.ts";
import { dtypeBytes } from "../../models/schema.ts";
import type { FigureContext, FigureOutput } from "./types.ts";

/** Stacks behind one A100 in the paper's systems (5 x 16 GB = 80 GB). */
const STACKS_PER_GPU = 5;
/** The paper's Fig. 4: the 1P1B/1P2B designs are faster than the A100 at RLP x TLP = 1x8 and 4x2 and slower at 16x1. */
const PAPER_CROSSOVER = "between 8 (PIM faster at 1x8 and 4x2) and 16 (GPU faster at 16x1) for the 1P1B/1P2B designs";
const DEVICES = [
  { label: "A100", kind: "gpu" },
  { label: "Samsung HBM-PIM (1P2B)", kind: "hbm-pim" },
  { label: "AttAcc (1P1B)", kind: "attacc" },
  { label: "FC-PIM (4P1B)", kind: "fc-pim" },
] as const;

/**
 * Fig. 4: latency of one decoder layer's FC kernels (QKV, projection, FFN) of LLaMA-65B on one A100 versus on
 * the 5 HBM stacks that would be its memory, built as PIM, normalized to the A100, over (batch, speculation).
 */
export function fig4(_ctx: FigureContext): FigureOutput {
  const gpu = resolveGpu("a100-hbm3");
  const model = resolveModel("llama-65b");
  const b = dtypeBytes(model);
  const rows: Row[] = [];
  const timeOn = (kind: string, tokens: number): number =>
    fcShapesPerLayer(model, tokens).reduce((s, f) => {
      const c = kind === "gpu"
        ? gpuGemmCost(gpu, { m: f.m, k: f.k, n: f.n, dtypeBytes: b })
        : pimFcCost(resolvePimDesign(kind), { m: f.m, k: f.k, n: f.n, numStacks: STACKS_PER_GPU, dtypeBytes: b });
      return s + c.timeSec * f.numInstances;
    }, 0);
  const crossings: string[] = [];
  for (const batch of [1, 4, 16, 64]) {
    for (const spec of [1, 2, 4, 8]) {
      const tokens = batch * spec;
      const a100 = timeOn("gpu", tokens);
      for (const d of DEVICES) {
        const t = timeOn(d.kind, tokens);
        rows.push({ batch, spec, tokens, point: `B${batch} S${spec}`, device: d.label, latencySec: t, normalizedToA100: t / a100 });
      }
    }
  }
  // the largest RLP x TLP of the grid at which the design is at least as fast as the A100
  const crossoverTokens: Record<string, number> = { attacc: 0, "hbm-pim": 0, "fc-pim": 0 };
  for (const d of DEVICES.slice(1)) {
    const atLeastAsFast = rows.filter((r) => r.device === d.label && Number(r.normalizedToA100) <= 1).map((r) => Number(r.tokens));
    crossoverTokens[d.kind] = atLeastAsFast.length ? Math.max(...atLeastAsFast) : 0;
    const design = resolvePimDesign(d.kind);
    crossings.push(`${d.label}: at least as fast as the A100 up to ${crossoverTokens[d.kind]} tokens per iteration (${design.computeSemantics} MAC semantics)`);
  }
  return {
    id: "fig4",
    title: "Fig. 4: FC kernel latency on PIM normalized to the A100 (LLaMA-65B, one layer)",
    charts: [{
      name: "fig4",
      spec: lineChart({
        rows: rows.map((r) => ({ ...r })), x: "tokens", y: "normalizedToA100", series: "device", seriesTitle: "FC runs on",
        title: "Fig. 4: FC latency normalized to A100", subtitle: "FC kernels of one LLaMA-65B layer; each device has 5 HBM3 stacks; below 1 = faster than the A100",
        xTitle: "tokens per iteration, RLP x TLP (log)", yTitle: "latency / A100 latency (log)", logX: true, logY: true,
        xTicks: [...new Set(rows.map((r) => Number(r.tokens)))].sort((p, q) => p - q),
      }),
      caption: "FC latency of PIM designs relative to an A100 whose memory is the same 5 stacks (the A100 line is 1); PIM wins at low RLP x TLP and loses as it grows.",
    }],
    tables: [{ name: "fig4", rows }],
    markdown: crossings.map((c) => `- ${c}`).join("\n") +
      `\n\nPaper: the crossover lies ${PAPER_CROSSOVER}.` +
      `\n\nPoints: batch {1, 4, 16, 64} x speculation {1, 2, 4, 8}; points with equal RLP x TLP coincide (FC cost depends only on the token count).`,
    summary: { fig4: { crossoverTokens } },
  };
}
