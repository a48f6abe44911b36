import type { Row } from "../charts.ts";
import { rooflineChart, type RooflineLabel, type RooflinePoint } from "../charts.ts";
import { gpuAttentionCost, gpuGemmCost } from "../../hardware/gpu/cost.ts";
import { resolveModel } from "../../models/registry.ts";
import { decodeKernels, fcShapesPerLayer } from "../../models/kernels.ts";
import { dtypeBytes, headDim, numKvHeads } from "../../models/schema.ts";
import { gpuLabel } from "../labels.ts";
import { setupGpu } from "../setup.ts";
import { fmt, type FigureContext, type FigureOutput } from "./types.ts";

/** ASSUMPTION: the paper's Fig. 2 does not give the context length; 1,024 tokens of KV per request. */
export const FIG2_CONTEXT = 1024;
/** The paper's Fig. 2 GPU (A100 80 GB); a setup's `hardware.gpu` replaces or patches it. */
export const FIG2_GPU = "a100-80gb";
const BATCHES = [4, 8, 16, 32, 64, 128];
const SPEC_BATCH = 32;
const SPECS = [2, 4, 6, 8];
const BATCH_SWEEP_SPEC = 8;

/**
 * Label placement. FC points B16, S6, B32, B64, B128 sit within 110 px of each other just under the roof: B16's
 * label goes to its left, S6's centred under it, and B32..B128's below-right (above, the roof line would run through
 * them). Other batch-sweep points are labelled above, spec-sweep points below; a spec-sweep point that coincides with
 * a batch-sweep point (the same RLP and TLP, or for FC the same RLP x TLP) is not labelled twice.
 * test/report/figures/fig2.test.ts checks on the rendered SVG that no label overlaps another label or a point.
 */
function labelOf(kind: "fc" | "attention", sweep: "batch" | "spec", rlp: number, tlp: number): RooflineLabel {
  if (sweep === "batch") return kind !== "fc" ? "above" : rlp === 16 ? "left" : rlp >= 32 ? "below" : "above";
  const coincides = kind === "fc" ? BATCHES.some((b) => b * BATCH_SWEEP_SPEC === rlp * tlp) : BATCHES.includes(rlp) && tlp === BATCH_SWEEP_SPEC;
  if (coincides) return "none";
  return kind === "fc" ? "under" : "below";
}

/** Fig. 2: roofline of OPT-30B decoding on one GPU (the paper's A100): FC and attention points as RLP and TLP vary. */
export function fig2(ctx: FigureContext): FigureOutput {
  const gpu = setupGpu(ctx.exp.setup, FIG2_GPU);
  const name = gpuLabel(gpu.name);
  const model = resolveModel("opt-30b");
  const b = dtypeBytes(model);
  const points: RooflinePoint[] = [];
  const rows: Row[] = [];
  const add = (rlp: number, tlp: number, sweep: "batch" | "spec") => {
    const kernels = decodeKernels(model, { rlp, tlp, contextLens: Array(rlp).fill(FIG2_CONTEXT) }).filter((k) => k.perLayer);
    for (const kind of ["fc", "attention"] as const) {
      const ks = kernels.filter((k) => k.kind === kind);
      const flops = ks.reduce((s, k) => s + k.flops, 0);
      const bytes = ks.reduce((s, k) => s + k.bytesRead + k.bytesWritten, 0);
      const timeSec = kind === "fc"
        ? fcShapesPerLayer(model, rlp * tlp).reduce((s, f) => s + f.numInstances * gpuGemmCost(gpu, { m: f.m, k: f.k, n: f.n, dtypeBytes: b }).timeSec, 0)
        : gpuAttentionCost(gpu, { numRequests: rlp, numHeads: model.num_attention_heads, numKvHeads: numKvHeads(model), headDim: headDim(model), tlp, totalContextTokens: rlp * FIG2_CONTEXT, dtypeBytes: b }).timeSec;
      const group = `${kind === "fc" ? "FC" : "attention"}, ${sweep} sweep`;
      points.push({ name: sweep === "batch" ? `B${rlp}` : `S${tlp}`, ai: flops / bytes, flopsPerSec: flops / timeSec, group, label: labelOf(kind, sweep, rlp, tlp) });
      rows.push({ kind, sweep: `${sweep} sweep`, gpu: gpu.name, gpuLabel: name, rlp, tlp, flopsPerLayer: flops, bytesPerLayer: bytes, arithmeticIntensity: flops / bytes, achievedFlopsPerSec: flops / timeSec });
    }
  };
  for (const rlp of BATCHES) add(rlp, BATCH_SWEEP_SPEC, "batch");
  for (const tlp of SPECS) add(SPEC_BATCH, tlp, "spec");
  const coincident = SPECS.flatMap((tlp) => {
    const fcTwin = BATCHES.find((b) => b * BATCH_SWEEP_SPEC === SPEC_BATCH * tlp);
    return [
      ...(fcTwin !== undefined ? [`FC S${tlp} = B${fcTwin}`] : []),
      ...(tlp === BATCH_SWEEP_SPEC && BATCHES.includes(SPEC_BATCH) ? [`attention S${tlp} = B${SPEC_BATCH}`] : []),
    ];
  });
  const fcAi = rows.filter((r) => r.kind === "fc").map((r) => Number(r.arithmeticIntensity));
  const atAi = rows.filter((r) => r.kind === "attention").map((r) => Number(r.arithmeticIntensity));
  return {
    id: "fig2",
    title: "Fig. 2: roofline of OPT-30B decoding on one GPU",
    charts: [{
      name: "fig2",
      spec: rooflineChart({
        points, peakFlopsPerSec: gpu.peakFp16FlopsPerSec, bandwidthBytesPerSec: gpu.hbmBandwidthBytesPerSec,
        title: `Fig. 2: OPT-30B decode kernels on ${name}`,
        subtitle: [
          `batch B ${BATCHES[0]}–${BATCHES[BATCHES.length - 1]} at speculation ${BATCH_SWEEP_SPEC}; speculation S ${SPECS[0]}–${SPECS[SPECS.length - 1]} at batch ${SPEC_BATCH}; context ${FIG2_CONTEXT} tokens`,
          `unlabelled: ${coincident.join(", ")} (same point: labelled once)`,
        ],
        roofLabel: `${name} roof`, groupTitle: "kernel, sweep",
      }),
      caption: "Achieved throughput (papi's GPU model) versus arithmetic intensity, one decoder layer. FC moves up the memory-bound slope and past the ridge as RLP x TLP grows; attention stays memory-bound (its intensity does not grow with batch size).",
    }],
    tables: [{ name: "fig2", rows }],
    markdown: `FC arithmetic intensity spans ${fmt(Math.min(...fcAi), 1)}–${fmt(Math.max(...fcAi), 1)} FLOP/B (ridge of the ${name}: ${fmt(gpu.peakFp16FlopsPerSec / gpu.hbmBandwidthBytesPerSec, 0)} FLOP/B); attention stays at ${fmt(Math.min(...atAi), 1)}–${fmt(Math.max(...atAi), 1)} FLOP/B, memory-bound at every batch size (paper: about 7 FLOP/B at speculation 8).`,
  };
}
