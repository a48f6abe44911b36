import type { IterationRecord, RequestRecord } from "../serving/recorder.ts";
import { asSpec, SCHEMA } from "./chart-parts.ts";
import type { VegaLiteSpec } from "./plot.ts";

/**
 * Charts of one run (the run folder's index.html; the browser explorer draws the same specs): the scheduler at
 * work (RLP x TLP per iteration, coloured by where FC ran, with alpha as a line), the time split, and TTFT/TPOT.
 * Pure: specs only.
 */

/** At most this many iteration points per chart (every k-th iteration beyond it), to keep pages light. */
export const MAX_CHART_POINTS = 2000;

export function sampleEvery<T>(rows: readonly T[], max = MAX_CHART_POINTS): T[] {
  if (rows.length <= max) return [...rows];
  const k = Math.ceil(rows.length / max);
  return rows.filter((_, i) => i % k === 0);
}

/** RLP x TLP of every iteration, coloured by the unit that ran FC, with the threshold alpha. */
export function schedulerChart(iterations: readonly IterationRecord[], alpha: number | null, title: string): VegaLiteSpec {
  const values = sampleEvery(iterations).map((r) => ({ iteration: r.iteration, tokens: r.rlp * r.tlp, rlp: r.rlp, tlp: r.tlp, fc: r.fcUnit === "gpu" ? "GPU" : "FC-PIM" }));
  const layer: object[] = [
    {
      data: { values },
      mark: { type: "point", filled: true, size: 14, opacity: 0.8 },
      encoding: {
        x: { field: "iteration", type: "quantitative", title: "decode iteration" },
        y: { field: "tokens", type: "quantitative", title: "tokens per iteration, RLP x TLP" },
        color: { field: "fc", type: "nominal", title: "FC ran on", scale: { domain: ["GPU", "FC-PIM"] } },
        tooltip: [{ field: "iteration" }, { field: "rlp" }, { field: "tlp" }, { field: "fc" }],
      },
    },
  ];
  if (alpha !== null && Number.isFinite(alpha)) {
    layer.push({
      data: { values: [{ alpha }] },
      mark: { type: "rule", color: "#444444", strokeDash: [6, 4] },
      encoding: { y: { field: "alpha", type: "quantitative" } },
    });
    layer.push({
      data: { values: [{ alpha, label: `alpha = ${alpha}` }] },
      mark: { type: "text", align: "right", dy: -6, x: "width", color: "#444444" },
      encoding: { y: { field: "alpha", type: "quantitative" }, text: { field: "label" } },
    });
  }
  return asSpec({ $schema: SCHEMA, title: { text: title, subtitle: "each point is one iteration; FC runs on the GPU when RLP x TLP > alpha" }, width: 560, height: 280, layer });
}

/** Time per iteration split by phase, over the run (stacked area). */
export function iterationTimeChart(iterations: readonly IterationRecord[], title: string): VegaLiteSpec {
  const values = sampleEvery(iterations).flatMap((r) => [
    { iteration: r.iteration, phase: "FC", ms: r.fcSec * 1e3 },
    { iteration: r.iteration, phase: "attention", ms: r.attentionSec * 1e3 },
    { iteration: r.iteration, phase: "communication", ms: r.communicationSec * 1e3 },
    { iteration: r.iteration, phase: "other", ms: r.otherSec * 1e3 },
  ]);
  return asSpec({
    $schema: SCHEMA,
    title: { text: title },
    width: 560,
    height: 240,
    data: { values },
    mark: { type: "area" },
    encoding: {
      x: { field: "iteration", type: "quantitative", title: "decode iteration" },
      y: { field: "ms", type: "quantitative", stack: "zero", title: "time per iteration (ms)" },
      color: { field: "phase", type: "nominal", scale: { domain: ["FC", "attention", "communication", "other"] }, title: "phase" },
    },
  });
}

/** Distribution of a per-request latency (TTFT or TPOT), as a histogram. */
export function latencyHistogram(requests: readonly RequestRecord[], field: "ttftSec" | "tpotSec", title: string): VegaLiteSpec {
  const scale = field === "ttftSec" ? 1 : 1e3;
  const values = requests.filter((r) => field === "ttftSec" || r.outputTokens > 1).map((r) => ({ v: r[field] * scale }));
  return asSpec({
    $schema: SCHEMA,
    title: { text: title },
    width: 270,
    height: 200,
    data: { values },
    mark: { type: "bar", color: "#4c78a8" },
    encoding: {
      x: { field: "v", type: "quantitative", bin: { maxbins: 30 }, title: field === "ttftSec" ? "TTFT (s)" : "TPOT (ms)" },
      y: { aggregate: "count", type: "quantitative", title: "requests" },
    },
  });
}
