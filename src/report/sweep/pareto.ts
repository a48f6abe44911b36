import { join, resolve } from "node:path";
import { UserError } from "../../core/errors.ts";
import { writeOutputFile, writeOutputFolder } from "../../node/output.ts";
import { readJournal } from "../../node/sweep-files.ts";
import type { Cell } from "../../sweep/metrics.ts";
import { designColumnsOf, dominates, paretoGroups, parseObjective, type DesignGroup, type Objective } from "../../sweep/pareto.ts";
import { ParetoSection } from "../../sweep/spec.ts";
import { toCsv } from "../csv-out.ts";
import { mdTable } from "../figures/types.ts";
import { markdownToHtml } from "../html.ts";
import { renderChart } from "../plot.ts";
import { metricColumns, readSweepOutput, sweptColumns } from "./merge.ts";
import { paretoChart } from "./pareto-chart.ts";
import { titleWithUnit } from "./units.ts";

export interface ParetoReportOptions {
  dir: string;
  x?: string;
  y?: string;
  z?: string;
  /** swept paths aggregated over (the workload); default: the spec's pareto.over */
  over?: string[];
  outDir?: string;
}

export interface ParetoReport {
  outDir: string;
  objectives: Objective[];
  designColumns: string[];
  groups: DesignGroup[];
  markdown: string;
}

const num = (x: number): string => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(3) : x.toPrecision(4));
const cellText = (c: Cell): string => (c === null ? "" : String(c));
const pct = (r: number): string => `${r < 1 ? "-" : "+"}${Math.abs((r - 1) * 100).toFixed(1)} %`;

/**
 * `papi sweep pareto DIR`: groups the table's rows by design (the swept paths not aggregated over), aggregates the
 * objectives (geometric mean over the workload), marks the Pareto front, and writes pareto.csv (every design),
 * pareto.svg/png (the figure, references highlighted) and pareto.md/html: generated text placing each named reference
 * against the front. All numbers in the text come from the table. The folder (default DIR/pareto) is written whole
 * and replaces only a new, empty or earlier papi Pareto folder (src/node/output.ts).
 */
export async function paretoReport(o: ParetoReportOptions): Promise<ParetoReport> {
  const { meta } = readSweepOutput(o.dir);
  const rows = readJournal(o.dir)!.rows.sort((a, b) => (a.index as number) - (b.index as number));
  const specPareto = ParetoSection.parse((meta.spec as { pareto?: unknown }).pareto ?? {});
  const swept = sweptColumns(meta);
  const metrics = metricColumns(meta);
  const pick = (flag: string, given: string | undefined, dflt: string | undefined) => {
    const v = given ?? dflt;
    if (v === undefined) throw new UserError(`sweep pareto: give ${flag} (a metric column: ${metrics.join(", ")})`);
    return parseObjective(v, metrics, flag);
  };
  const objectives = [pick("--x", o.x, specPareto.x), pick("--y", o.y, specPareto.y)];
  const zText = o.z ?? specPareto.z;
  if (zText !== undefined) objectives.push(parseObjective(zText, metrics, "--z"));
  const over = o.over ?? specPareto.over;
  const designColumns = designColumnsOf(swept, over, o.over ? "--over" : "pareto.over");
  for (const [name, ref] of Object.entries(specPareto.references)) {
    for (const k of Object.keys(ref)) if (!designColumns.includes(k)) throw new UserError(`pareto.references.${name}: "${k}" is not a design column (${designColumns.join(", ")})`);
  }
  const groups = paretoGroups(rows, { objectives, designColumns, references: specPareto.references });
  const given = o.outDir ?? join(o.dir, "pareto");
  const outDir = resolve(given);

  const objNames = objectives.map((ob) => ob.column + (ob.sense === "max" ? " (max)" : ""));
  const tableRows = groups.map((g) => ({
    ...g.design,
    ...Object.fromEntries(objectives.map((ob, k) => [ob.column, g.feasible ? g.values[k] : null])),
    rows: g.rows,
    feasible: g.feasible,
    front: g.onFront,
    reference: g.references.join(" "),
    reason: g.reason,
  }));
  const feasible = groups.filter((g) => g.feasible);
  const number = frontNumbers(groups);
  const chartRows = feasible.map((g) => ({
    ...Object.fromEntries(objectives.map((ob, k) => [ob.column, g.values[k]])),
    front: g.onFront,
    reference: g.references.join(" "),
    label: number.has(g) ? String(number.get(g)) : "",
  }));
  const aggregated = (over ?? []).length > 0 ? ", geometric mean" : "";
  const axisTitle = (ob: Objective) => `${titleWithUnit(ob.column)}${aggregated}${ob.sense === "max" ? " (higher is better)" : ""}`;
  const spec = paretoChart({
    title: `${meta.name}: Pareto front of ${objNames.slice(0, 2).join(" vs ")}`,
    subtitle: [
      `${feasible.length} feasible of ${groups.length} designs${over.length > 0 ? `; objectives are geometric means over ${over.join(", ")}` : ""}`,
      `black = the front${number.size > 0 ? ", numbered as in pareto.md" : ""}; red = references`,
    ],
    x: objectives[0].column,
    y: objectives[1].column,
    z: objectives[2]?.column,
    xTitle: axisTitle(objectives[0]),
    yTitle: axisTitle(objectives[1]),
    zTitle: objectives[2] ? axisTitle(objectives[2]) : undefined,
    rows: chartRows,
  });
  const markdown = paretoMarkdown(meta.name, groups, objectives, designColumns, over, rows.length);
  await writeOutputFolder(given, "pareto", async (stage) => {
    writeOutputFile(join(stage, "pareto.csv"), toCsv(tableRows));
    await renderChart(spec, join(stage, "pareto"));
    writeOutputFile(join(stage, "pareto.md"), markdown);
    writeOutputFile(join(stage, "pareto.html"), markdownToHtml(markdown, `${meta.name}: Pareto front`));
  });
  return { outDir, objectives, designColumns, groups, markdown };
}

/** ASSUMPTION: up to 20 numbered front points stay legible on a 500 x 300 figure; a longer front is drawn unnumbered. */
export const MAX_NUMBERED_FRONT = 20;

/** Front designs numbered 1.. in order of the first objective (the figure's labels and pareto.md's "#"); none if too many. */
export function frontNumbers(groups: readonly DesignGroup[]): Map<DesignGroup, number> {
  const front = groups.filter((g) => g.feasible && g.onFront).sort((a, b) => a.values[0] - b.values[0]);
  return new Map(front.length > MAX_NUMBERED_FRONT ? [] : front.map((g, i) => [g, i + 1]));
}

/** The generated report: front table, constraint tally, and each reference against the front (all from the table). */
export function paretoMarkdown(name: string, groups: DesignGroup[], objectives: Objective[], designColumns: string[], over: readonly string[], numRows: number): string {
  const feasible = groups.filter((g) => g.feasible);
  const front = feasible.filter((g) => g.onFront);
  const lines: string[] = [`# ${name}: Pareto front`, ""];
  lines.push(
    `${numRows} points, ${groups.length} designs (rows grouped by ${designColumns.join(", ")}${over.length ? `; objectives are geometric means over ${over.join(", ")}` : ""}). ` +
      `${feasible.length} designs are feasible; ${front.length} are Pareto-optimal in ${objectives.map((o) => `${o.column} (${o.sense === "max" ? "higher" : "lower"} is better)`).join(", ")}.`,
    "",
  );
  const tally = new Map<string, number>();
  for (const g of groups) if (!g.feasible) tally.set(g.reason.split(":")[0], (tally.get(g.reason.split(":")[0]) ?? 0) + 1);
  if (tally.size > 0) lines.push(`Infeasible designs by first violated constraint: ${[...tally].map(([k, v]) => `${k} ${v}`).join(", ")}.`, "");
  const number = frontNumbers(groups);
  const sorted = [...front].sort((a, b) => a.values[0] - b.values[0]);
  const head = [...(number.size > 0 ? ["#"] : []), ...designColumns, ...objectives.map((o) => titleWithUnit(o.column)), "reference"];
  const body = sorted.map((g) => [...(number.size > 0 ? [String(number.get(g))] : []), ...designColumns.map((c) => cellText(g.design[c])), ...g.values.map(num), g.references.join(" ")]);
  lines.push("## The front", "", mdTable(head, body), "");
  const refNames = [...new Set(groups.flatMap((g) => g.references))];
  if (refNames.length > 0) lines.push("## Reference points", "");
  for (const ref of refNames) {
    for (const g of groups.filter((x) => x.references.includes(ref))) lines.push(referenceText(ref, g, feasible, objectives, designColumns), "");
  }
  return lines.join("\n");
}

function referenceText(ref: string, g: DesignGroup, feasible: DesignGroup[], objectives: Objective[], designColumns: string[]): string {
  const where = designColumns.map((c) => `${c}=${cellText(g.design[c])}`).join(", ");
  if (!g.feasible) return `**${ref}** (${where}) is **infeasible** under papi's model: ${g.reason}.`;
  const signed = (x: DesignGroup) => x.values.map((v, k) => (objectives[k].sense === "max" ? -v : v));
  const ranks = objectives.map((_, k) => 1 + feasible.filter((x) => signed(x)[k] < signed(g)[k]).length);
  const rankText = objectives.map((ob, k) => `${ob.column} ${num(g.values[k])} (rank ${ranks[k]} of ${feasible.length})`).join(", ");
  if (g.onFront) return `**${ref}** (${where}) is **on the Pareto front**: no feasible design is at least as good in every objective and better in one. ${rankText}.`;
  const by = feasible.filter((x) => x.onFront && dominates(signed(x), signed(g)));
  // the dominating design with the largest gain (product of the ratios, objectives weighed alike)
  const gain = (x: DesignGroup) => x.values.reduce((p, v, k) => p * (objectives[k].sense === "max" ? g.values[k] / v : v / g.values[k]), 1);
  const best = [...by].sort((a, b) => gain(a) - gain(b))[0];
  const diff = designColumns.filter((c) => best.design[c] !== g.design[c]).map((c) => `${c} ${cellText(g.design[c])} -> ${cellText(best.design[c])}`);
  const deltas = objectives.map((ob, k) => `${ob.column} ${pct(best.values[k] / g.values[k])}`).join(", ");
  return (
    `**${ref}** (${where}) is **not Pareto-optimal** under papi's model: ${by.length} front design${by.length === 1 ? "" : "s"} dominate${by.length === 1 ? "s" : ""} it. ${rankText}. ` +
    `The largest gain comes from changing ${diff.join(", ")}: ${deltas}.`
  );
}
