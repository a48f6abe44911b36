import type { IterationRecord, RequestRecord } from "../serving/recorder.ts";
import type { RunResult } from "../serving/run.ts";
import { groupedBarChart, lineChart, stackedBarChart } from "./charts.ts";
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

/** Energy kinds in the order the chart stacks them. */
const ENERGY_KINDS = ["compute", "dram", "transfer", "static", "refresh"] as const;

/**
 * Where the run's energy went: one bar per device group (each unit of the system by its name, every link, the draft
 * model), stacked by kind (compute, DRAM, transfer, static, refresh), in joules. The bars sum to the run's energy.
 * `totalInTitle: false` leaves the run's total out of the title: the explorer shows it beside the chart, and a title
 * that changes with every result would make the page compile and draw a new chart for each control change instead of
 * updating the drawn one's data (src/web/chart.tsx).
 */
export function energyByDeviceChart(r: Pick<RunResult, "energyByDevice" | "energyJoules">, title: string, totalInTitle = true): VegaLiteSpec {
  const rows = Object.entries(r.energyByDevice)
    .filter(([, d]) => d.total > 0)
    .flatMap(([device, d]) => ENERGY_KINDS.map((kind) => ({ device, kind, joules: d[kind] })));
  return stackedBarChart({
    title: totalInTitle ? `${title} (${r.energyJoules.toPrecision(4)} J in all)` : title,
    rows,
    x: "device",
    stack: "kind",
    y: "joules",
    xTitle: "device group",
    yTitle: "energy, J",
    stackTitle: "kind",
    segmentLabel: (v, f) => (f >= 0.08 ? `${v.toPrecision(3)} J` : ""),
  });
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

/** Shares of the latency and of the energy of one run, by part (two normalized stacked bars). */
export function splitChart(r: Pick<RunResult, "breakdownSec" | "breakdownJoules" | "prefillSec" | "idleSec">, title: string): VegaLiteSpec {
  const t = r.breakdownSec;
  const e = r.breakdownJoules;
  const rows = [
    ...(
      [["prefill", r.prefillSec], ["FC", t.fc], ["attention", t.attention], ["communication", t.communication], ["other", t.other], ["idle", r.idleSec]] as const
    ).map(([part, v]) => ({ quantity: "latency", part, value: v })),
    ...(
      [["prefill", e.prefill], ["FC", e.fc], ["attention", e.attention], ["communication", e.communication], ["other", e.other], ["static", e.static]] as const
    ).map(([part, v]) => ({ quantity: "energy", part, value: v })),
  ];
  const spec = stackedBarChart({ rows, x: "quantity", stack: "part", y: "value", normalize: true, title, xTitle: "", yTitle: "share", stackTitle: "part", segmentLabel: (_v, f) => `${Math.round(f * 100)}%` });
  return asSpec({ ...spec, width: 260, height: 170 });
}

/** The Fig. 8 column: each system's speedup and energy efficiency over A100+AttAcc at one workload point. */
export function systemsChart(rows: readonly { label: string; speedupVsA100Attacc: number; energyEfficiencyVsA100Attacc: number }[], title: string, subtitle: string): VegaLiteSpec {
  const ok = rows.filter((r) => Number.isFinite(r.speedupVsA100Attacc) && Number.isFinite(r.energyEfficiencyVsA100Attacc));
  const values = ok.flatMap((r) => [
    { system: r.label, metric: "speedup", value: r.speedupVsA100Attacc },
    { system: r.label, metric: "energy efficiency", value: r.energyEfficiencyVsA100Attacc },
  ]);
  return groupedBarChart({ rows: values, x: "system", group: "metric", y: "value", title, subtitle, xTitle: "system", yTitle: "x over A100+AttAcc", groupTitle: "metric", refLine: 1, height: 260 });
}

/** Stack power of a PIM design against its budget over the reuse levels of the paper's power study. */
export function pimPowerChart(power: readonly { reuse: number; watts: number; fpuPeakWatts: number }[], budgetWatts: number, title: string): VegaLiteSpec {
  const rows = power.flatMap((p) => [
    { reuse: p.reuse, watts: p.watts, power: "as simulated (FPUs fed at the column rate)" },
    { reuse: p.reuse, watts: p.fpuPeakWatts, power: "all FPUs busy every clock" },
  ]);
  return lineChart({ rows, x: "reuse", y: "watts", series: "power", logX: true, xTitle: "reuse (tokens per weight read, RLP x TLP)", yTitle: "power per stack (W)", title, refLines: [{ y: budgetWatts, label: `budget ${budgetWatts} W` }] });
}
