import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ensureDir, writeFileAtomic } from "../core/atomic-write.ts";
import { UserError } from "../core/errors.ts";
import { writeCsv } from "./csv-out.ts";
import { checkClaims } from "./claims.ts";
import { Experiments, type Protocol } from "./experiments.ts";
import { markdownToHtml } from "./html.ts";
import { renderChart } from "./plot.ts";
import { makeProgress } from "./progress.ts";
import { FIGURES } from "./figures/index.ts";
import { sensitivityStudy, startSensitivityRuns, type SensitivityResult } from "./sensitivity.ts";
import { buildReportMarkdown } from "./report-md.ts";
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
}

export interface ReproduceResult {
  summary: Record<string, unknown>;
  comparisons: Comparison[];
  sensitivity: SensitivityResult[];
  outDir: string;
  wallSec: number;
  runs: number;
}

/**
 * The output folder is replaced as a whole at the end, so it must be new, empty, or an earlier papi output
 * (never `--out .` or a folder of the user's files).
 */
function checkReplaceable(outDir: string, given: string): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new UserError(`--out ${given}: exists and is not a folder`);
  const entries = readdirSync(outDir);
  const earlierPapi = entries.includes("summary.json") && entries.includes("report.md");
  if (entries.length > 0 && !earlierPapi) {
    throw new UserError(`--out ${given}: folder exists and is not an earlier papi reproduce output; choose a new or empty folder`);
  }
}

/**
 * Regenerates the requested figures: runs the experiments, writes SVG + PNG + CSV per figure and report.md /
 * report.html, all into a staging folder that replaces `outDir` only when everything succeeded.
 */
export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const t0 = performance.now();
  const outDir = resolve(o.outDir);
  const stage = `${outDir}.staging-${process.pid}`;
  checkReplaceable(outDir, o.outDir);
  rmSync(stage, { recursive: true, force: true });
  ensureDir(dirname(outDir));
  try {
    mkdirSync(stage);
  } catch (e) {
    throw new UserError(`--out ${o.outDir}: cannot create the output folder (${(e as NodeJS.ErrnoException).code})`);
  }
  const bar = makeProgress(o.figures.length + (o.sensitivity && o.figures.includes("fig8") ? 1 : 0), "papi reproduce", o.progress);
  const exp = new Experiments(o.trace, o.seed);
  // The sensitivity reruns only need the configuration, so they start now, on worker threads, and overlap
  // with the figures computed here.
  const study = o.sensitivity && o.figures.includes("fig8") ? startSensitivityRuns(o.trace, o.seed, o.protocol) : undefined;
  try {
    const outputs: FigureOutput[] = [];
    for (const id of o.figures) {
      const f = await FIGURES[id]({ exp, protocol: o.protocol });
      for (const c of f.charts) await renderChart(c.spec, join(stage, c.name));
      for (const t of f.tables) writeCsv(join(stage, `${t.name}.csv`), t.rows);
      outputs.push(f);
      bar.tick(1, `${id} (${exp.runs} runs)`);
    }
    const comparisons = outputs.flatMap((f) => f.comparisons ?? []);
    const claims = checkClaims(exp, o.protocol, o.figures);
    const sensitivity = study ? await sensitivityStudy(exp, o.protocol, comparisons, study) : [];
    if (study) bar.tick(1, "sensitivity");
    const summary: Record<string, unknown> = Object.assign({}, ...outputs.map((f) => f.summary ?? {}));
    const wallSec = (performance.now() - t0) / 1e3;
    if (claims.length > 0) summary.claims = claims;
    const md = buildReportMarkdown({ outputs, comparisons, claims, sensitivity, protocol: o.protocol, trace: o.trace, seed: o.seed, runs: exp.runs, wallSec });
    writeFileAtomic(join(stage, "report.md"), md);
    writeFileAtomic(join(stage, "report.html"), markdownToHtml(md, "papi: reproduction of PAPI (ASPLOS 2025)"));
    writeFileAtomic(join(stage, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
    // Swap the finished folder in; an earlier result is removed only now.
    if (existsSync(outDir)) {
      const old = `${outDir}.old-${process.pid}`;
      renameSync(outDir, old);
      renameSync(stage, outDir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(stage, outDir);
    }
    return { summary, comparisons, sensitivity, outDir, wallSec: (performance.now() - t0) / 1e3, runs: exp.runs };
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  } finally {
    bar.stop();
  }
}
