import type { Command } from "commander";
import { parsePositiveInt } from "../args.ts";
import { err, formatTable, out, printJson } from "../io.ts";

/**
 * `papi sweep SPEC.yaml`: design-space exploration (grid, zip, random; constraints; metrics as columns), one
 * `papi run` per point, sharded for job arrays and resumable. Subcommands: `merge` joins shard outputs, `pareto`
 * draws the front, `plot` draws one metric against swept paths. Registration only: the implementations load when a command runs.
 */
export function registerSweep(program: Command): void {
  const sweep = program
    .command("sweep")
    .description("run a design-space sweep from a spec (grid/zip/random over config paths, constraints, metrics); subcommands: merge, pareto, plot")
    .argument("<spec>", "sweep spec (YAML or JSON): base run config, grid, zip, random, constraints, metrics, pareto")
    .option("--out <dir>", "output folder: results.csv, results.parquet, sweep.json, points.jsonl", "sweep-out")
    .option("--jobs <n>", "worker threads, 1-1024 (default: the CPUs this process may use; more than that is clamped to it with a notice; 1 = this thread)")
    .option("--shard <I/N>", "run only shard I of N (points with index mod N = I), for job arrays")
    .option("--resume", "skip the points the output folder already holds")
    .option("--json", "print the summary as JSON")
    .action(async (specPath: string, o: { out: string; jobs?: string; shard?: string; resume?: boolean; json?: boolean }) => {
      const { parseShard } = await import("../../sweep/expand.ts");
      const shard = o.shard === undefined ? undefined : parseShard(o.shard);
      const jobs = o.jobs === undefined ? undefined : parsePositiveInt("--jobs", o.jobs, 1024);
      const { runSweep } = await import("../../report/sweep/run.ts");
      const s = await runSweep({ specPath, outDir: o.out, jobs, shard, resume: o.resume === true, progress: !o.json, onNotice: (t) => err(t + "\n") });
      if (o.json) return printJson(s);
      out(
        `papi sweep${o.shard === undefined ? "" : ` ${s.shard}`}: ${s.numShardPoints} of ${s.numPoints} points (${s.numRun} run, ${s.numResumed} resumed; ${s.numOk} ok, ${s.numInfeasible} infeasible) ` +
          `in ${s.wallSec.toFixed(1)} s (${s.pointsPerSec.toFixed(1)} points/s) -> ${s.outDir}\n`,
      );
    });

  sweep
    .command("merge")
    .description("join shard outputs of one spec; checks every point is there exactly once and lists what is missing")
    .argument("<dirs...>", "shard output folders")
    .option("--out <dir>", "merged output folder", "sweep-merged")
    .action(async (dirs: string[], o: { out: string }) => {
      const { mergeSweepOutputs } = await import("../../report/sweep/merge.ts");
      const r = mergeSweepOutputs(dirs, o.out);
      out(`papi sweep merge: ${r.numPoints} points from ${r.numShards} shard folders -> ${r.outDir}\n`);
    });

  sweep
    .command("pareto")
    .description("Pareto-optimal designs of a sweep (objectives aggregated over the workload paths) as a table and an SVG/PNG figure")
    .argument("<dir>", "sweep output folder (or a merged one)")
    .option("--x <metric>", "first objective (minimized; append :max to maximize)")
    .option("--y <metric>", "second objective")
    .option("--z <metric>", "third objective (optional)")
    .option("--over <paths>", "comma-separated swept paths that form the workload (geometric mean over them); default: the spec's pareto.over")
    .option("--out <dir>", "where pareto.csv/svg/png/md/html go (default: DIR/pareto)")
    .option("--json", "print the designs as JSON")
    .action(async (dir: string, o: { x?: string; y?: string; z?: string; over?: string; out?: string; json?: boolean }) => {
      const { paretoReport } = await import("../../report/sweep/pareto.ts");
      const over = o.over === undefined ? undefined : o.over.split(",").map((s) => s.trim()).filter((s) => s !== "");
      const r = await paretoReport({ dir, x: o.x, y: o.y, z: o.z, over, outDir: o.out });
      if (o.json) return printJson({ objectives: r.objectives, designColumns: r.designColumns, designs: r.groups });
      const front = r.groups.filter((g) => g.onFront).sort((a, b) => a.values[0] - b.values[0]);
      const fmt = (x: number) => x.toPrecision(4);
      out(
        formatTable(
          [...r.designColumns, ...r.objectives.map((ob) => ob.column), "reference"],
          front.map((g) => [...r.designColumns.map((c) => String(g.design[c] ?? "")), ...g.values.map(fmt), g.references.join(" ")]),
        ) + `${front.length} Pareto-optimal of ${r.groups.filter((g) => g.feasible).length} feasible designs (${r.groups.length} in all) -> ${r.outDir}/pareto.{csv,svg,png,md,html}\n`,
      );
    });

  sweep
    .command("plot")
    .description("one metric of a sweep against swept paths: line, bars, points or a heatmap as the data fit; SVG, PNG and the CSV behind it")
    .argument("<dir>", "sweep output folder (or a merged one)")
    .requiredOption("--x <path>", "swept path (or a metric) along the x axis")
    .requiredOption("--y <metric>", "metric column on the y axis (units from its name)")
    .option("--color <path>", "swept path drawn as series (colour); with more than 10 values, the rows of a heatmap")
    .option("--facet <path>", "swept path with one panel per value")
    .option("--mark <mark>", "auto (line for numeric x, bars for categories, points when several rows share an x, heatmap for many colours), line, point, bar, heatmap", "auto")
    .option("--out <file-or-dir>", "NAME.svg|png|csv (all three are written side by side, replacing files of those names) or a plot folder: new, empty or one papi wrote (default: DIR/plots/)")
    .option("--json", "print what was written as JSON")
    .action(async (dir: string, o: { x: string; y: string; color?: string; facet?: string; mark: string; out?: string; json?: boolean }) => {
      const { sweepPlot } = await import("../../report/sweep/plot.ts");
      const r = await sweepPlot({ dir, x: o.x, y: o.y, color: o.color, facet: o.facet, mark: o.mark, out: o.out });
      if (o.json) return printJson(r);
      out(`papi sweep plot: ${r.mark}, ${r.numDrawn} of ${r.numPoints} points (${r.caption.join("; ")}) -> ${r.svgPath.replace(/\.svg$/, "")}.{svg,png,csv}\n`);
    });
}
