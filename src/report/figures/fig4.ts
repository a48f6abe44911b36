import type { Row } from "../charts.ts";
import { lineChart } from "../charts.ts";
import { gpuGemmCost } from "../../hardware/gpu/cost.ts";
import { pimFcCost } from "../../hardware/pim/cost.ts";
import { fcShapesPerLayer } from "../../models/kernels.ts";
import { resolveModel } from "../../models/registry.ts";
import { dtypeBytes } from "../../models/schema.ts";
import { designLabel, gpuLabel } from "../labels.ts";
import { presetDevices, setupGpu, setupPimDesign } from "../setup.ts";
import type { FigureContext, FigureOutput } from "./types.ts";

/** The paper's Fig. 4: the 1P1B/1P2B designs are faster than the A100 at RLP x TLP = 1x8 and 4x2 and slower at 16x1. */
const PAPER_CROSSOVER = "between 8 (PIM faster at 1x8 and 4x2) and 16 (GPU faster at 16x1) for the 1P1B/1P2B designs";
/** The GPU of Fig. 4: the systems' A100 (HBM3), as the setup changes it. */
export const FIG4_GPU = "a100-hbm3";
/**
 * The PIM designs of Fig. 4, each resolved in the role it plays in the systems (setup.ts `setupPimDesign`): FC-PIM
 * and AttAcc's 1P1B run FC in PAPI and AttAcc-only (`hardware.fcPim`); Samsung HBM-PIM only serves attention in
 * A100+HBM-PIM (`hardware.attnPim`).
 */
export const FIG4_DESIGNS = [
  { design: "hbm-pim", role: "attnPim", label: "Samsung HBM-PIM" },
  { design: "attacc", role: "fcPim", label: "AttAcc" },
  { design: "fc-pim", role: "fcPim", label: "FC-PIM" },
] as const;

/**
 * Fig. 4: latency of one decoder layer's FC kernels (QKV, projection, FFN) of LLaMA-65B on one GPU versus on the
 * HBM stacks that would be its memory (5 in the paper's systems: 30 FC stacks over 6 GPUs), built as PIM,
 * normalized to the GPU, over (batch, speculation).
 */
export function fig4(ctx: FigureContext): FigureOutput {
  const setup = ctx.exp.setup;
  const gpu = setupGpu(setup, FIG4_GPU);
  const papi = presetDevices("papi");
  const stacksPerGpu = Math.max(1, Math.round((setup.fcStacks ?? papi.numFcStacks) / Math.max(1, setup.gpus ?? papi.numGpus)));
  const designs = FIG4_DESIGNS.map((d) => {
    const spec = setupPimDesign(setup, d.role, d.design);
    return { ...d, spec, label: `${d.label} (${designLabel(spec)})` };
  });
  const model = resolveModel("llama-65b");
  const b = dtypeBytes(model);
  const gpuName = gpuLabel(gpu.name);
  const rows: Row[] = [];
  const devices = [{ id: FIG4_GPU, label: gpuName, time: (tokens: number) => layerFcSec(tokens, (f) => gpuGemmCost(gpu, { ...f, dtypeBytes: b }).timeSec) }, ...designs.map((d) => ({
    id: d.design, label: d.label, time: (tokens: number) => layerFcSec(tokens, (f) => pimFcCost(d.spec, { ...f, numStacks: stacksPerGpu, dtypeBytes: b }).timeSec),
  }))];
  function layerFcSec(tokens: number, cost: (f: { m: number; k: number; n: number }) => number): number {
    return fcShapesPerLayer(model, tokens).reduce((s, f) => s + cost({ m: f.m, k: f.k, n: f.n }) * f.numInstances, 0);
  }
  for (const batch of [1, 4, 16, 64]) {
    for (const spec of [1, 2, 4, 8]) {
      const tokens = batch * spec;
      const ref = devices[0].time(tokens);
      for (const d of devices) {
        const t = d.time(tokens);
        rows.push({ batch, spec, tokens, point: `B${batch} S${spec}`, device: d.id, deviceLabel: d.label, latencySec: t, normalizedToGpu: t / ref });
      }
    }
  }
  // the largest RLP x TLP of the grid at which the design is at least as fast as the GPU
  const crossoverTokens: Record<string, number> = {};
  const crossings: string[] = [];
  for (const d of designs) {
    const atLeastAsFast = rows.filter((r) => r.device === d.design && Number(r.normalizedToGpu) <= 1).map((r) => Number(r.tokens));
    crossoverTokens[d.design] = atLeastAsFast.length ? Math.max(...atLeastAsFast) : 0;
    crossings.push(`${d.label}: at least as fast as the ${gpuName} up to ${crossoverTokens[d.design]} tokens per iteration (${d.spec.computeSemantics} MAC semantics)`);
  }
  return {
    id: "fig4",
    title: "Fig. 4: FC kernel latency on PIM normalized to the GPU (LLaMA-65B, one layer)",
    charts: [{
      name: "fig4",
      spec: lineChart({
        rows: rows.map((r) => ({ ...r })), x: "tokens", y: "normalizedToGpu", series: "deviceLabel", seriesTitle: "FC runs on",
        title: `Fig. 4: FC latency normalized to ${gpuName}`, subtitle: `FC kernels of one LLaMA-65B layer; each PIM device has ${stacksPerGpu} HBM stacks; below 1 = faster than the ${gpuName}`,
        xTitle: "tokens per iteration, RLP x TLP (log)", yTitle: `latency / ${gpuName} latency (log)`, logX: true, logY: true,
        xTicks: [...new Set(rows.map((r) => Number(r.tokens)))].sort((p, q) => p - q),
      }),
      caption: `FC latency of PIM designs relative to the ${gpuName} whose memory is the same ${stacksPerGpu} stacks (the ${gpuName} line is 1); PIM wins at low RLP x TLP and loses as it grows.`,
    }],
    tables: [{ name: "fig4", rows }],
    markdown: crossings.map((c) => `- ${c}`).join("\n") +
      `\n\nPaper: the crossover lies ${PAPER_CROSSOVER}.` +
      `\n\nPoints: batch {1, 4, 16, 64} x speculation {1, 2, 4, 8}; points with equal RLP x TLP coincide (FC cost depends only on the token count).`,
    summary: { fig4: { crossoverTokens } },
  };
}
