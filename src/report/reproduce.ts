import { join, resolve } from "node:path";
import { writeFileAtomic, writeFolderAtomically } from "../node/output.ts";
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
 * Regenerates the requested figures: runs the experiments, writes SVG + PNG + CSV per figure and report.md /
 * report.html, all into a staging folder that replaces `outDir` only when everything succeeded.
 */
export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const t0 = performance.now();
  const bar = makeProgress(o.figures.length + (o.sensitivity && o.figures.includes("fig8") ? 1 : 0), "papi reproduce", o.progress);
  const exp = new Experiments(o.trace, o.seed);
  let result: ReproduceResult | undefined;
  try {
    await writeFolderAtomically(o.outDir, o.outDir, (e) => e.includes("summary.json") && e.includes("report.md"), async (stage) => {
      // The sensitivity reruns only need the configuration, so they start now, on worker threads, and overlap
      // with the figures computed here.
      const study = o.sensitivity && o.figures.includes("fig8") ? startSensitivityRuns(o.trace, o.seed, o.protocol) : undefined;
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
      result = { summary, comparisons, sensitivity, outDir: resolve(o.outDir), wallSec: 0, runs: exp.runs };
    });
  } finally {
    bar.stop();
  }
  return { ...result!, wallSec: (performance.now() - t0) / 1e3 };
}
