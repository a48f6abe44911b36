import type { Row } from "../charts.ts";
import { groupedBarChart, lineChart } from "../charts.ts";
import { arithmeticMean, fig8Grid } from "../experiments.ts";
import { runOnce } from "../../serving/run.ts";
import { loadTrace } from "../../node/traces.ts";
import { applySetup } from "../setup.ts";
import { systemLabel, withModelLabels } from "./fig8.ts";
import { fmt, mdTable, type FigureContext, type FigureOutput } from "./types.ts";

const ALPHA_POINTS = [{ batch: 4, spec: 4 }, { batch: 16, spec: 2 }, { batch: 64, spec: 1 }];
const ALPHAS = [0, 2, 4, 8, 16, 32, 64, 128, 256, 1e6];
/** Azure conversation requests replayed with their real arrival times (the first hour's first requests). */
export const AZURE_REQUESTS = 1000;

/** Beyond the paper: PAPI vs the oracle, sensitivity to alpha, continuous batching with TTFT/TPOT. */
export function extra(ctx: FigureContext): FigureOutput {
  // 1. PAPI vs the per-iteration oracle over the Fig. 8 grid.
  const oracleRows: Row[] = [];
  for (const { model, batch, spec } of fig8Grid()) {
    const p = ctx.exp.run({ system: "papi", model, batch, spec }, ctx.protocol);
    const o = ctx.exp.run({ system: "papi", model, batch, spec, scheduler: "oracle" }, ctx.protocol);
    oracleRows.push({ model, point: `B${batch} S${spec}`, alpha: p.alpha ?? -1, papiOverOracle: p.latencySec / o.latencySec });
  }
  const gap = oracleRows.map((r) => Number(r.papiOverOracle));

  // 2. Sensitivity to alpha (LLaMA-65B): latency relative to the calibrated alpha.
  const alphaRows: Row[] = [];
  const alphaChart: Row[] = [];
  for (const pt of ALPHA_POINTS) {
    const cal = ctx.exp.run({ system: "papi", model: "llama-65b", ...pt }, ctx.protocol);
    for (const alpha of ALPHAS) {
      const r = ctx.exp.run({ system: "papi", model: "llama-65b", ...pt, alpha }, ctx.protocol);
      alphaRows.push({ point: `B${pt.batch} S${pt.spec}`, alpha: Math.max(alpha, 0.5), latencyVsCalibrated: r.latencySec / cal.latencySec });
      alphaChart.push({ point: `B${pt.batch} S${pt.spec}`, alpha: alpha === 0 ? "0 (GPU)" : alpha >= 1e6 ? "∞ (PIM)" : String(alpha), latencyVsCalibrated: r.latencySec / cal.latencySec });
    }
  }

  // 3. Continuous batching on the Azure conversation trace (real arrivals), LLaMA-65B, up to 64 in flight.
  const requests = loadTrace("azure-conv", { numRequests: AZURE_REQUESTS }).requests;
  const contRows: Row[] = [];
  for (const system of ["a100-attacc", "attacc-only", "papi"]) {
    for (const spec of [1, 4]) {
      const r = runOnce(applySetup({ system, model: "llama-65b", trace: "azure-conv", batching: "continuous", batch: 64, spec, seed: ctx.exp.seed }, ctx.exp.setup), { requests });
      contRows.push({
        system, systemLabel: systemLabel(system), spec, tokensPerSec: r.tokensPerSec,
        ttftP50Sec: r.ttftSec.p50, ttftP99Sec: r.ttftSec.p99, tpotP50Ms: r.tpotSec.p50 * 1e3, tpotP99Ms: r.tpotSec.p99 * 1e3,
        fcOnGpuShare: r.iterations ? r.fcOnGpuIterations / r.iterations : 0, energyJoules: r.energyJoules,
      });
    }
  }
  const oracle = oracleGap(oracleRows);
  return {
    id: "extra",
    title: "Beyond the paper: oracle gap, alpha sensitivity, continuous batching",
    charts: [
      ...oracle.charts,
      {
        name: "extra-alpha",
        spec: lineChart({
          rows: alphaChart, x: "alpha", y: "latencyVsCalibrated", series: "point", seriesTitle: "batch B, speculation S", xOrdinal: true, yZero: false,
          title: "Sensitivity to alpha (LLaMA-65B)", subtitle: "FC runs on the GPU when RLP x TLP > alpha; 1 = latency at the calibrated alpha",
          xTitle: "alpha (0: FC always on the GPU; ∞: always on FC-PIM)", yTitle: "latency / latency at calibrated alpha", refLines: [{ y: 1, label: "calibrated" }],
        }),
        caption: "Latency as alpha moves away from the calibrated crossover; alpha 0 = always GPU, 1e6 = always FC-PIM.",
      },
    ],
    tables: [{ name: "extra-oracle", rows: oracleRows }, { name: "extra-alpha", rows: alphaRows }, { name: "extra-continuous", rows: contRows }],
    markdown: [
      oracle.text,
      "",
      `Continuous batching, Azure conversation trace (first ${AZURE_REQUESTS} requests, real arrival times), LLaMA-65B, at most 64 requests in flight:`,
      "",
      mdTable(["system", "spec", "tokens/s", "TTFT p50 (s)", "TTFT p99 (s)", "TPOT p50 (ms)", "TPOT p99 (ms)", "FC on GPU"],
        contRows.map((r) => [String(r.systemLabel), String(r.spec), fmt(Number(r.tokensPerSec), 0), fmt(Number(r.ttftP50Sec), 3), fmt(Number(r.ttftP99Sec), 3), fmt(Number(r.tpotP50Ms), 1), fmt(Number(r.tpotP99Ms), 1), `${fmt(Number(r.fcOnGpuShare) * 100, 0)} %`])),
    ].join("\n"),
    summary: { extra: { papiOverOracleMean: arithmeticMean(gap), papiOverOracleMax: Math.max(...gap) } },
  };
}

/**
 * The oracle-gap part of the section: a chart of PAPI's latency over the oracle's per point, or, when every bar
 * would be 0 (PAPI as fast as the oracle everywhere), no chart and one sentence saying so. Rows: model, point,
 * papiOverOracle.
 */
export function oracleGap(oracleRows: readonly Row[]): { charts: FigureOutput["charts"]; text: string } {
  const gap = oracleRows.map((r) => Number(r.papiOverOracle));
  const mean = fmt((arithmeticMean(gap) - 1) * 100, 2);
  const worst = fmt((Math.max(...gap) - 1) * 100, 2);
  if (gap.every((g) => g === 1)) {
    return {
      charts: [],
      text: `PAPI's latency equals the per-iteration oracle's (which picks the faster FC unit at every iteration) at all ${gap.length} Fig. 8 points: PAPI's single threshold picks an FC unit as fast as the oracle's at every iteration of every run, so the chart of the gap (every bar 0 %) is left out; the numbers are in extra-oracle.csv.`,
    };
  }
  return {
    charts: [{
      name: "extra-oracle",
      spec: groupedBarChart({
        rows: withModelLabels(oracleRows).map((r) => ({ ...r, slowerPercent: (Number(r.papiOverOracle) - 1) * 100 })), x: "point", group: "model", y: "slowerPercent",
        title: "PAPI latency over the per-iteration oracle", subtitle: `mean ${mean} %, worst ${worst} %; 0 = PAPI picks the faster FC unit at every iteration`,
        xTitle: "batch size B, speculation length S", yTitle: "PAPI slower than oracle (%)", yMaxAtLeast: 1,
      }),
      caption: "How far PAPI's single-threshold rule is from a per-iteration oracle that picks the faster FC unit (latency / oracle latency - 1, in percent).",
    }],
    text: `PAPI is on average ${mean} % slower than the per-iteration oracle (worst point ${worst} %).`,
  };
}
