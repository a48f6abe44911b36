import type { Row } from "../charts.ts";
import { rooflineChart, type RooflinePoint } from "../charts.ts";
import { resolveGpu } from "../../hardware/gpu/presets.ts";
import { gpuAttentionCost, gpuGemmCost } from "../../hardware/gpu/cost.ts";
import { resolveModel } from "../../models/registry.ts";
import { decodeKernels, fcShapesPerLayer } from "../../models/kernels.ts";
import { dtypeBytes, headDim, numKvHeads } from "../../models/schema.ts";
import { fmt, type FigureContext, type FigureOutput } from "./types.ts";

/** ASSUMPTION: the paper's Fig. 2 does not give the context length; 1,024 tokens of KV per request. */
export const FIG2_CONTEXT = 1024;

/** Fig. 2: roofline of OPT-30B decoding on one A100: FC and attention points as RLP and TLP vary. */
export function fig2(_ctx: FigureContext): FigureOutput {
  const gpu = resolveGpu("a100-80gb");
  const model = resolveModel("opt-30b");
  const b = dtypeBytes(model);
  const points: RooflinePoint[] = [];
  const rows: Row[] = [];
  const add = (rlp: number, tlp: number, sweep: string) => {
    const kernels = decodeKernels(model, { rlp, tlp, contextLens: Array(rlp).fill(FIG2_CONTEXT) }).filter((k) => k.perLayer);
    for (const kind of ["fc", "attention"] as const) {
      const ks = kernels.filter((k) => k.kind === kind);
      const flops = ks.reduce((s, k) => s + k.flops, 0);
      const bytes = ks.reduce((s, k) => s + k.bytesRead + k.bytesWritten, 0);
      const timeSec = kind === "fc"
        ? fcShapesPerLayer(model, rlp * tlp).reduce((s, f) => s + f.numInstances * gpuGemmCost(gpu, { m: f.m, k: f.k, n: f.n, dtypeBytes: b }).timeSec, 0)
        : gpuAttentionCost(gpu, { numRequests: rlp, numHeads: model.num_attention_heads, numKvHeads: numKvHeads(model), headDim: headDim(model), tlp, totalContextTokens: rlp * FIG2_CONTEXT, dtypeBytes: b }).timeSec;
      const label = `${kind === "fc" ? "FC" : "attention"}, ${sweep}`;
      points.push({ name: sweep === "batch sweep" ? `B${rlp}` : `S${tlp}`, ai: flops / bytes, flopsPerSec: flops / timeSec, group: label, labelBelow: sweep !== "batch sweep" });
      rows.push({ kind, sweep, rlp, tlp, flopsPerLayer: flops, bytesPerLayer: bytes, arithmeticIntensity: flops / bytes, achievedFlopsPerSec: flops / timeSec });
    }
  };
  for (const rlp of [4, 8, 16, 32, 64, 128]) add(rlp, 8, "batch sweep");
  for (const tlp of [2, 4, 6, 8]) add(32, tlp, "spec sweep");
  const fcAi = rows.filter((r) => r.kind === "fc").map((r) => Number(r.arithmeticIntensity));
  const atAi = rows.filter((r) => r.kind === "attention").map((r) => Number(r.arithmeticIntensity));
  return {
    id: "fig2",
    title: "Fig. 2: roofline of OPT-30B decoding on an A100",
    charts: [{
      name: "fig2",
      spec: rooflineChart({
        points, peakFlopsPerSec: gpu.peakFp16FlopsPerSec, bandwidthBytesPerSec: gpu.hbmBandwidthBytesPerSec,
        title: "Fig. 2: OPT-30B decode kernels on A100 (80 GB)", subtitle: `labels above: batch B 4–128 at speculation 8; below: speculation S 2–8 at batch 32; context ${FIG2_CONTEXT} tokens`,
        roofLabel: "A100 roof", groupTitle: "kernel, sweep",
      }),
      caption: "Achieved throughput (papi's GPU model) versus arithmetic intensity, one decoder layer. FC moves up the memory-bound slope and past the ridge as RLP x TLP grows; attention stays memory-bound (its intensity does not grow with batch size).",
    }],
    tables: [{ name: "fig2", rows }],
    markdown: `FC arithmetic intensity spans ${fmt(Math.min(...fcAi), 1)}–${fmt(Math.max(...fcAi), 1)} FLOP/B (ridge of the A100: ${fmt(gpu.peakFp16FlopsPerSec / gpu.hbmBandwidthBytesPerSec, 0)} FLOP/B); attention stays at ${fmt(Math.min(...atAi), 1)}–${fmt(Math.max(...atAi), 1)} FLOP/B, memory-bound at every batch size (paper: about 7 FLOP/B at speculation 8).`,
  };
}
