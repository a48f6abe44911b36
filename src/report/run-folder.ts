import { join } from "node:path";
import { stringifyYaml as toYaml } from "../node/yaml.ts";
import { writeOutputFile, writeOutputFolder } from "../node/output.ts";
import type { RunRecorder } from "../serving/recorder.ts";
import { designSummary, formatDesignChanges, type DesignUnderStudy } from "../serving/design-diff.ts";
import type { RunResult } from "../serving/run.ts";
import type { Timeline } from "../serving/timeline.ts";
import { toCsv } from "./csv-out.ts";
import { markdownToHtml } from "./html.ts";
import { renderChart } from "./plot.ts";
import { energyByDeviceChart, iterationTimeChart, latencyHistogram, schedulerChart } from "./run-charts.ts";

/** Files `papi compare` reads from a run folder (what may be replaced is decided by papi's marker, not by these). */
export const RUN_FOLDER_FILES = ["summary.json", "config.yaml"] as const;
export const isRunFolder = (entries: readonly string[]): boolean => RUN_FOLDER_FILES.every((f) => entries.includes(f));

/** The summary a run folder keeps: the result without the (separately written) resolved config. */
export function runSummary(r: RunResult): Omit<RunResult, "config"> {
  const { config: _c, ...summary } = r;
  return summary;
}

/**
 * Writes a run folder: config.yaml (every value after presets and overrides; `papi run --config config.yaml`
 * reruns it), summary.json, requests.csv (arrival, first token, finish, TTFT, TPOT, tokens), iterations.csv (RLP,
 * TLP, FC unit, time split), optional timeline.json, and index.html with the run's plots, plus papi's marker. Atomic:
 * the folder appears complete or not at all, and only a new, empty or earlier papi run folder is replaced.
 */
export async function writeRunFolder(dir: string, r: RunResult, rec: RunRecorder, timeline?: Timeline): Promise<void> {
  await writeOutputFolder(dir, "run", async (stage) => {
    const header = `# papi ${r.papiVersion}: resolved config of a run (config hash ${r.configHash}); rerun with: papi run --config config.yaml\n`;
    writeOutputFile(join(stage, "config.yaml"), header + toYaml(r.config, { lineWidth: 0 }));
    writeOutputFile(join(stage, "summary.json"), JSON.stringify(runSummary(r), null, 2) + "\n");
    writeOutputFile(join(stage, "requests.csv"), toCsv(rec.requests.slice().sort((a, b) => a.id - b.id).map((q) => ({ ...q }))));
    writeOutputFile(join(stage, "iterations.csv"), toCsv(rec.iterations.map((i) => ({ ...i }))));
    if (timeline) writeOutputFile(join(stage, "timeline.json"), timeline.toJson(`papi ${r.system} ${r.model} ${r.trace}`));
    const charts: [string, string][] = [];
    const add = async (name: string, spec: Parameters<typeof renderChart>[0], caption: string) => {
      await renderChart(spec, join(stage, name));
      charts.push([name, caption]);
    };
    if (rec.iterations.length > 0) {
      await add("energy-by-device", energyByDeviceChart(r, "Energy by device and kind"), "Joules each device group spent over the run (GPUs, FC-PIM and attention stacks, links, the draft model), by kind: compute, DRAM, transfer, static, refresh.");
      await add("scheduler", schedulerChart(rec.iterations, r.alpha, "Where FC ran, iteration by iteration"), "RLP x TLP of every decode iteration and the unit that ran FC.");
      await add("iteration-time", iterationTimeChart(rec.iterations, "Time per iteration by phase"), "FC, attention, communication and other time of each iteration.");
    }
    if (rec.requests.length > 1) {
      await add("ttft", latencyHistogram(rec.requests, "ttftSec", "Time to first token"), "TTFT of every request.");
      await add("tpot", latencyHistogram(rec.requests, "tpotSec", "Time per output token"), "TPOT of every request with more than one output token.");
    }
    writeOutputFile(join(stage, "index.html"), markdownToHtml(runPageMarkdown(r, charts), `papi run: ${r.system} / ${r.model}`));
  });
}

/** The run page (index.html) as Markdown: a table of the run's numbers and design, then its charts. */
export function runPageMarkdown(r: RunResult & { designUnderStudy?: DesignUnderStudy }, charts: readonly [string, string][]): string {
  const f = (x: number, d = 3) => x.toFixed(d);
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const d = r.designUnderStudy;
  const design: [string, string][] =
    d === undefined || d.changes.length === 0
      ? [["design under study", cell(designSummary(d, r.system, r.config.system))]]
      : formatDesignChanges(d, r.config.system).map((l, i): [string, string] => [i === 0 ? `design under study: ${d.preset} preset with` : "", `\`${cell(l)}\``]);
  const modified = d !== undefined && (d.preset === null || d.changes.length > 0) ? " (modified)" : "";
  const rows: [string, string][] = [
    ["system", r.system], ...design, ["model", r.model], ["trace", `${r.trace} (${r.numRequests} requests)`],
    ["batching", `${r.batching}, batch ${r.batch}, spec ${JSON.stringify(r.spec)}`],
    ["scheduler", `${r.scheduler}${r.alpha === null ? "" : `, alpha ${r.alpha}`}`],
    ["latency", `${f(r.latencySec)} s (prefill ${f(r.prefillSec)} s, decode ${f(r.decodeSec)} s, idle ${f(r.idleSec)} s)`],
    ["throughput", `${f(r.tokensPerSec, 1)} tokens/s`], ["energy", `${f(r.energyJoules, 1)} J (${f(r.tokensPerJoule)} tokens/J)`],
    ["iterations", `${r.iterations} (FC on GPU ${r.fcOnGpuIterations}, FC-PIM ${r.fcOnPimIterations}, ${r.fcSwitches} switches)`],
    ["TTFT p50 / p99", `${f(r.ttftSec.p50)} / ${f(r.ttftSec.p99)} s`], ["TPOT p50 / p99", `${f(r.tpotSec.p50 * 1e3)} / ${f(r.tpotSec.p99 * 1e3)} ms`],
    ["papi", `${r.papiVersion}, seed ${r.seed}, config hash ${r.configHash}`],
  ];
  const md = [`# papi run: ${r.system}${modified} / ${r.model}`, "", "| what | value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`), ""];
  for (const [name, caption] of charts) md.push(`![${caption}](${name}.svg)`, "", caption, "");
  md.push("Files: [config.yaml](config.yaml) (rerun: `papi run --config config.yaml`), [summary.json](summary.json), [requests.csv](requests.csv), [iterations.csv](iterations.csv).");
  return md.join("\n") + "\n";
}
