import type { Row } from "../charts.ts";
import { groupedBarChart } from "../charts.ts";
import { FIG8_BASELINES, PROTOCOLS, arithmeticMean, fig8Grid, geometricMean, type Experiments, type PointSpec, type Protocol } from "../experiments.ts";
import { ATTACC_SEMANTICS, withAttaccSemantics } from "../attacc-semantics.ts";
import { PAPER_STATED } from "../paper.ts";
import type { RunResult } from "../../serving/run.ts";
import { fmt, mdTable, type Comparison, type FigureContext, type FigureOutput } from "./types.ts";

const SYSTEMS = ["a100-attacc", "a100-hbmpim", "attacc-only", "papi"] as const;
export const FIG8_SYSTEMS = SYSTEMS;
import { systemLabel, withModelLabels } from "../labels.ts";

export { modelLabel, systemLabel, withModelLabels } from "../labels.ts";

export interface Fig8Summary {
  speedupVs: Record<string, number>;
  energyEfficiencyVs: Record<string, number>;
  geomean: { speedupVs: Record<string, number>; energyEfficiencyVs: Record<string, number> };
}

/** What the Fig. 8 aggregation needs from one run. */
export type PointResult = Pick<RunResult, "latencySec" | "energyJoules" | "iterations" | "fcOnGpuIterations">;

/** Per-point ratios of each baseline to PAPI, averaged over the 27 points (arithmetic and geometric). */
export function fig8Summary(
  exp: Experiments,
  protocol: Protocol,
  runPoint: (p: PointSpec) => PointResult = (p) => exp.run(p, protocol),
  systems: readonly string[] = SYSTEMS,
): { summary: Fig8Summary; rows: Row[] } {
  const rows: Row[] = [];
  const speed: Record<string, number[]> = {};
  const energy: Record<string, number[]> = {};
  for (const { model, batch, spec } of fig8Grid()) {
    const run = (system: string) => runPoint({ system, model, batch, spec });
    const ref = run("a100-attacc");
    const papi = run("papi");
    for (const system of systems) {
      const r = run(system);
      rows.push({
        model, batch, spec, point: `B${batch} S${spec}`, system, systemLabel: systemLabel(system),
        latencySec: r.latencySec, energyJoules: r.energyJoules,
        speedupVsA100Attacc: ref.latencySec / r.latencySec,
        energyEfficiencyVsA100Attacc: ref.energyJoules / r.energyJoules,
        fcOnGpuShare: r.iterations ? r.fcOnGpuIterations / r.iterations : 0,
      });
      if (system !== "papi") {
        (speed[system] ??= []).push(r.latencySec / papi.latencySec);
        (energy[system] ??= []).push(r.energyJoules / papi.energyJoules);
      }
    }
  }
  const map = (o: Record<string, number[]>, f: (x: number[]) => number) =>
    Object.fromEntries(FIG8_BASELINES.filter((b) => o[b]).map((b) => [b, f(o[b])]));
  return {
    rows,
    summary: {
      speedupVs: map(speed, arithmeticMean),
      energyEfficiencyVs: map(energy, arithmeticMean),
      geomean: { speedupVs: map(speed, geometricMean), energyEfficiencyVs: map(energy, geometricMean) },
    },
  };
}

export function fig8(ctx: FigureContext): FigureOutput {
  const main = fig8Summary(ctx.exp, ctx.protocol);
  const others = PROTOCOLS.filter((p) => p !== ctx.protocol);
  const byProtocol = new Map<Protocol, ReturnType<typeof fig8Summary>>([[ctx.protocol, main], ...others.map((p) => [p, fig8Summary(ctx.exp, p)] as const)]);
  const comparisons: Comparison[] = PAPER_STATED.filter((s) => s.key.startsWith("fig8.")).map((s) => {
    const [, metric, baseline] = s.key.split(".");
    const pick = (x: Fig8Summary) => (metric === "speedupVs" ? x.speedupVs : x.energyEfficiencyVs)[baseline];
    return {
      key: s.key, what: s.what, paper: s.value, where: s.where, ours: pick(main.summary),
      oursByProtocol: Object.fromEntries(PROTOCOLS.map((p) => [p, pick(byProtocol.get(p)!.summary)])),
    };
  });
  const chartRows = withModelLabels(main.rows);
  const bars = { rows: chartRows, x: "point", group: "systemLabel", facet: "model", facetColumns: 1, height: 190, groupTitle: "system", xTitle: "batch size B, speculation length S", refLine: 1 };
  const charts = [
    {
      name: "fig8-speedup",
      spec: groupedBarChart({
        ...bars, y: "speedupVsA100Attacc", yTitle: "speedup (x)",
        title: "Fig. 8 (top): end-to-end speedup, normalized to A100+AttAcc", subtitle: `Dolly creative-writing, static batching, protocol ${ctx.protocol}; dashed line = 1`,
      }),
      caption: "End-to-end speedup of each system normalized to A100+AttAcc (higher is better; bars above the dashed line beat A100+AttAcc).",
    },
    {
      name: "fig8-energy",
      spec: groupedBarChart({
        ...bars, y: "energyEfficiencyVsA100Attacc", yTitle: "energy efficiency (x)",
        title: "Fig. 8 (bottom): energy efficiency, normalized to A100+AttAcc", subtitle: `Dolly creative-writing, static batching, protocol ${ctx.protocol}; dashed line = 1`,
      }),
      caption: "Energy efficiency (A100+AttAcc energy / system energy) of each system (higher is better).",
    },
  ];
  const sub = (metric: "speedupVs" | "energyEfficiencyVs") => mdTable(
    ["PAPI vs", ...PROTOCOLS.map((p) => (p === ctx.protocol ? `**${p}**` : p)), `geomean (${ctx.protocol})`],
    FIG8_BASELINES.map((b) => [
      systemLabel(b),
      ...PROTOCOLS.map((p) => `${fmt(byProtocol.get(p)!.summary[metric][b])}x`),
      `${fmt(main.summary.geomean[metric][b])}x`,
    ]),
  );
  const table = `Speedup (baseline latency / PAPI latency):\n\n${sub("speedupVs")}\n\nEnergy efficiency (baseline energy / PAPI energy):\n\n${sub("energyEfficiencyVs")}`;
  // Joint probe: the three places where papi departs from AttAcc's simulator, switched to AttAcc's semantics.
  const attacc = fig8Summary(ctx.exp, "equal-lengths", (p) => ctx.exp.run(withAttaccSemantics(p), "equal-lengths")).summary;
  const probe = [
    `Joint probe, AttAcc's simulator semantics (${ATTACC_SEMANTICS.join("; ")}), everything else as documented:`,
    "",
    mdTable(["PAPI vs", "speedup: paper", "speedup: papi", "speedup: AttAcc semantics", "energy eff.: paper", "energy eff.: papi", "energy eff.: AttAcc semantics"],
      FIG8_BASELINES.map((b) => {
        const stated = (m: string) => PAPER_STATED.find((x) => x.key === `fig8.${m}.${b}`)?.value;
        const paper = (m: string) => (stated(m) === undefined ? "—" : `${fmt(stated(m)!)}x`);
        return [systemLabel(b), paper("speedupVs"), `${fmt(main.summary.speedupVs[b])}x`, `${fmt(attacc.speedupVs[b])}x`,
          paper("energyEfficiencyVs"), `${fmt(main.summary.energyEfficiencyVs[b])}x`, `${fmt(attacc.energyEfficiencyVs[b])}x`];
      })),
  ].join("\n");
  return {
    id: "fig8",
    title: "Fig. 8: end-to-end speedup and energy efficiency (3 models x batch {4,16,64} x speculation {1,2,4})",
    charts,
    tables: [{ name: "fig8", rows: main.rows }, ...others.map((p) => ({ name: `fig8-${p}`, rows: byProtocol.get(p)!.rows }))],
    markdown: `Arithmetic means over the 27 points of per-point ratios, under each batching protocol (**bold** = the one plotted), plus the geometric mean under the plotted one.\n\n${table}\n\n${probe}`,
    summary: {
      fig8: {
        ...main.summary,
        protocol: ctx.protocol,
        otherProtocols: Object.fromEntries(others.map((p) => [p, byProtocol.get(p)!.summary])),
        attaccSemantics: attacc,
      },
    },
    comparisons,
  };
}
