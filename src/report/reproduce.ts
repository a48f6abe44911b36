import { join, resolve } from "node:path";
import { checkOutputFolder, writeOutputFile, writeOutputFolder } from "../node/output.ts";
import { ChartCache } from "../node/chart-cache.ts";
import { WorkerPool } from "../node/worker-pool.ts";
import { writeCsv } from "./csv-out.ts";
import { Experiments, type Protocol } from "./experiments.ts";
import { markdownToHtml } from "./html.ts";
import { renderChart } from "./plot.ts";
import { makeProgress } from "./progress.ts";
import { FIGURES } from "./figures/index.ts";
import { headlinesOf, headlinesSummary, type HeadlinesWithPoints } from "./semantics.ts";
import { metricOf, sensitivityStudy, sensitivityWorkerUrl, startSensitivityRuns, type SensitivityStudy } from "./sensitivity.ts";
import { runHeadlinesTask, type HeadlinesAnswer, type HeadlinesTask } from "./sensitivity-worker.ts";
import { buildReportMarkdown } from "./report-md.ts";
import { boundsCsvRows } from "./report-profiles.ts";
import {
  PAPER_SETUP, REPORT_SYSTEMS, mainComputeSemantics, mainProfile, otherComputeSemantics, otherProfile, setupChanges, setupDevices, withComputeSemantics, withProfile,
  type ReportSetup,
} from "./setup.ts";
import type { Comparison, FigureId, FigureOutput } from "./figures/types.ts";

export interface ReproduceOptions {
  figures: FigureId[];
  outDir: string;
  protocol: Protocol;
  seed: number;
  trace: string;
  progress: boolean;
  /** Skip the sensitivity study (it reruns the Fig. 8 grid per parameter value). */
  sensitivity: boolean;
  /** The design under study (default: the paper's setup); see setup.ts. */
  setup?: ReportSetup;
  /** A folder of rendered charts by content hash (src/node/chart-cache.ts): unchanged charts are copied from it. */
  chartCacheDir?: string;
}

export interface ReproduceResult {
  summary: Record<string, unknown>;
  comparisons: Comparison[];
  /** the study (undefined when skipped or without Fig. 8) */
  sensitivity?: SensitivityStudy;
  outDir: string;
  wallSec: number;
  runs: number;
}

/** Figures whose headline numbers are also computed under the other compute semantics and the other profile. */
const SEMANTICS_FIGURES: readonly FigureId[] = ["fig4", "fig8", "fig10", "fig11", "fig12"];

/**
 * Regenerates the requested figures: runs the experiments, writes SVG + PNG + CSV per figure and report.md /
 * report.html, all into a staging folder that replaces `outDir` only when everything succeeded (and only if `outDir`
 * is new, empty or an earlier reproduction: src/node/output.ts). The headline numbers are computed under both PIM
 * compute semantics (the main figures use the setup's, column-matched by default) and under both assumption
 * profiles (the setup's, papi by default, and the other); every system of every figure gets the setup
 * (`papi reproduce --config/--set/--profile`).
 */
export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const t0 = performance.now();
  const setup = o.setup ?? PAPER_SETUP;
  const withStudy = o.sensitivity && o.figures.includes("fig8");
  const withOther = o.figures.some((f) => SEMANTICS_FIGURES.includes(f));
  const exp = new Experiments(o.trace, o.seed, setup);
  // The trace is read (and checked) up front, whether or not a figure drawn uses it: a bad --trace is an error
  // before anything is written or started. The rows stay in the run cache for the figures that use them.
  exp.requestsFor("all-batches", 1);
  const bar = makeProgress(o.figures.length + (withStudy ? 1 : 0) + (withOther ? 2 : 0), "papi reproduce", o.progress);
  const semantics = mainComputeSemantics(setup);
  const other = otherComputeSemantics(semantics);
  const profile = mainProfile(setup);
  const otherP = otherProfile(profile);
  let result: ReproduceResult | undefined;
  // both outputs are checked before either is written: a refused --out creates no chart cache
  checkOutputFolder(o.outDir, "reproduce");
  const chartCache = o.chartCacheDir === undefined ? undefined : ChartCache.open(o.chartCacheDir);
  // The worker threads start first, so their start-up overlaps the Fig. 8 runs the study needs.
  const pool = withStudy || withOther ? new WorkerPool(sensitivityWorkerUrl()) : undefined;
  try {
    await writeOutputFolder(o.outDir, "reproduce", async (stage) => {
      // The headlines under the other semantics and the other profile need only the setup: the workers take them
      // first (batches run in posting order), while this thread computes and draws the figures.
      const otherTasks: HeadlinesTask[] = [withComputeSemantics(setup, other), withProfile(setup, otherP)].map((s) => ({ trace: o.trace, seed: o.seed, protocol: o.protocol, setup: s, figures: o.figures }));
      const othersBatch = withOther ? pool!.submit<HeadlinesTask, HeadlinesAnswer>(otherTasks) : undefined;
      othersBatch?.results.catch(() => {}); // awaited below: a worker's failure before then is not an unhandled rejection
      // The sensitivity reruns only need the configuration and the Fig. 8 numbers we miss, so they start now, on
      // worker threads that take their tasks themselves, and overlap with the figures computed here.
      const study = withStudy ? startSensitivityRuns(exp, o.protocol, o.figures.includes("fig11"), pool) : undefined;
      if (!withOther && study !== undefined && study.tasks.length + study.structuralTasks.length === 0) void pool?.close();
      const outputs: FigureOutput[] = [];
      for (const id of o.figures) {
        const f = await FIGURES[id]({ exp, protocol: o.protocol });
        for (const c of f.charts) await renderChart(c.spec, join(stage, c.name), chartCache);
        for (const t of f.tables) writeCsv(join(stage, `${t.name}.csv`), t.rows);
        outputs.push(f);
        bar.tick(1, `${id} (${exp.runs} runs)`);
      }
      const main = headlinesOf(exp, o.protocol, o.figures);
      // the main profile under each compute semantics, and the main semantics under each profile
      const headlines: HeadlinesWithPoints[] = [main];
      const profiles: HeadlinesWithPoints[] = [main];
      // what no worker has started yet runs here (the other setups' headlines, then the study's reruns), so this
      // thread does not wait while work is left; which thread ran what changes no answer
      // Stryker disable next-line all: which thread runs a task changes no answer, only when it is ready
      othersBatch?.help(runHeadlinesTask);
      study?.help();
      // every run once, as one cache shared by the setups would count them (the others' runs were made on workers)
      const otherRunKeys: string[] = [];
      const runCount = () => new Set([...exp.runKeys(), ...otherRunKeys]).size;
      if (othersBatch) {
        const [bySemantics, byProfile] = await othersBatch.results;
        otherRunKeys.push(...bySemantics.runKeys);
        headlines.push(bySemantics.headlines);
        bar.tick(1, `${other} semantics (${runCount()} runs)`);
        otherRunKeys.push(...byProfile.runKeys);
        profiles.push(byProfile.headlines);
        bar.tick(1, `profile ${otherP} (${runCount()} runs)`);
      }
      const fig8Of = (hs: readonly HeadlinesWithPoints[], name: (h: HeadlinesWithPoints) => string, key: string) =>
        Object.fromEntries(hs.filter((h) => h.fig8).map((h) => [name(h), metricOf(h.fig8!, key)]));
      const comparisons = outputs.flatMap((f) => f.comparisons ?? []).map((c) => ({
        ...c,
        oursBySemantics: fig8Of(headlines, (h) => h.computeSemantics, c.key),
        oursByProfile: fig8Of(profiles, (h) => h.profile, c.key),
      }));
      const byProtocol = (key: string) => comparisons.find((c) => c.key === key)?.oursByProtocol;
      const sensitivity = study ? await sensitivityStudy(exp, o.protocol, byProtocol, study) : undefined;
      if (study) bar.tick(1, "sensitivity");
      const changes = setupChanges(setup);
      const devices = setupDevices(setup, REPORT_SYSTEMS);
      const summary: Record<string, unknown> = {
        setup: { changes, devices },
        computeSemantics: semantics,
        profile,
        ...Object.assign({}, ...outputs.map((f) => f.summary ?? {})),
      };
      if (main.claims.length > 0) summary.claims = main.claims;
      if (main.mechanisms) summary.mechanisms = main.mechanisms;
      if (main.bounds) summary.bounds = main.bounds;
      if (headlines[1]) summary.otherComputeSemantics = headlinesSummary(headlines[1]);
      if (profiles[1]) summary.otherProfile = headlinesSummary(profiles[1]);
      if (sensitivity) summary.sensitivity = sensitivity;
      if (main.boundsPerPoint) writeCsv(join(stage, "bounds.csv"), boundsCsvRows(profiles));
      const md = buildReportMarkdown({
        outputs, comparisons, headlines, profiles, sensitivity, setup, changes, devices, protocol: o.protocol, trace: o.trace, seed: o.seed, runs: runCount(),
      });
      writeOutputFile(join(stage, "report.md"), md);
      writeOutputFile(join(stage, "report.html"), markdownToHtml(md, "papi: reproduction of PAPI (ASPLOS 2025)"));
      writeOutputFile(join(stage, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
      result = { summary, comparisons, sensitivity, outDir: resolve(o.outDir), wallSec: 0, runs: runCount() };
    });
  } finally {
    bar.stop();
    await pool?.close();
  }
  return { ...result!, wallSec: (performance.now() - t0) / 1e3 };
}
