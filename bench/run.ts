/**
 * `npm run bench`: the numbers of the README's speed table (issue 19's targets), measured the way a user meets them,
 * and printed as a markdown table the README can take verbatim.
 *
 * - Every command runs as a child process (`node bin/papi.mjs ...`), timed by GNU time: wall, CPU (user + system,
 *   every thread) and peak RSS. One unrecorded warm-up run first (OS file cache), then several runs; the table gives
 *   the median and the best. Other jobs on the machine slow the wall time most: compare CPU time when it is loaded
 *   (the load average before and after is printed under the table).
 * - Decode iterations/s: bench/iterations.ts in its own process, warmed up until the JIT settles (5 to 40 runs),
 *   then 15 runs.
 * - The explorer: bench/explorer.ts in Chromium (skipped without one).
 * Flags: --quick (fewer runs, for a smoke test), --only=startup,iterations,run1m,sweep,reproduce,explorer.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { explorerBench } from "./explorer.ts";
import { BIN, HAS_GNU_TIME, best, fmt, load, machine, markdownTable, median, meets, sampleNode, stat, type Row } from "./lib.ts";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const want = (section: string) => only === undefined || only.includes(section);
const reps = (full: number, short: number) => (quick ? short : full);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "papi-bench-"));
const rows: Row[] = [];
const loadBefore = load();
const started = new Date();
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

try {
  if (want("startup")) {
    log("start-up");
    const n = reps(15, 5);
    const bare = stat(sampleNode(["-e", ""], n), "cpuSec");
    const version = stat(sampleNode([BIN, "--version"], n), "cpuSec");
    // papi run's start-up: the smallest run (one request of one token), so loading and setting up is all it does
    const run = stat(sampleNode([BIN, "run", "--trace", "fixed:1:1", "--requests", "1", "--batch", "1", "--json"], n), "cpuSec");
    rows.push({ what: "start-up: bare `node -e ''`, CPU", median: `${fmt(bare.median, 3)} s`, best: `${fmt(bare.best, 3)} s` });
    rows.push({ what: "start-up: `papi --version`, CPU", median: `${fmt(version.median, 3)} s`, best: `${fmt(version.best, 3)} s` });
    rows.push({
      what: "start-up: `papi run` (one request of one token), CPU, and x bare node",
      median: `${fmt(run.median, 3)} s (${fmt(run.median / bare.median, 1)}x)`,
      best: `${fmt(run.best, 3)} s (${fmt(run.best / bare.best, 1)}x)`,
      target: "< 3x bare node",
      met: meets(run.median / bare.median, "<", 3),
    });
  }

  if (want("iterations")) {
    for (const [system, batch, spec, target] of [["papi", 16, 4, 6e6], ["papi", 4, 1, undefined]] as const) {
      log(`decode iterations/s, ${system} batch ${batch} spec ${spec}`);
      const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./iterations.ts", import.meta.url)), system, String(batch), String(spec), String(reps(15, 5))], { encoding: "utf8", cwd: ROOT });
      if (r.status !== 0) throw new Error(r.stderr);
      const j = JSON.parse(r.stdout) as { medianPerSec: number; bestPerSec: number; iterationsPerRun: number; warmupRuns: number };
      rows.push({
        what: `decode iterations/s on one core: LLaMA-65B on \`${system}\`, batch ${batch}, spec ${spec} (Dolly, ${j.iterationsPerRun} iterations per run, after ${j.warmupRuns} warm-up runs)`,
        median: `${fmt(j.medianPerSec / 1e6, 2)} M`,
        best: `${fmt(j.bestPerSec / 1e6, 2)} M`,
        ...(target === undefined ? {} : { target: `>= ${target / 1e6} M`, met: meets(j.medianPerSec, ">", target - 1) }),
      });
    }
  }

  if (want("run1m")) {
    log("1M-request continuous run");
    const s = sampleNode([BIN, "run", "--trace", "lognormal:512:256", "--requests", "1000000", "--batching", "continuous", "--batch", "64", "--json"], reps(3, 1));
    const cpu = stat(s, "cpuSec");
    const mem = stat(s, "maxRssMiB");
    rows.push({ what: "1M requests, continuous batching (`papi run --trace lognormal:512:256 --requests 1000000 --batching continuous --batch 64`), CPU", median: `${fmt(cpu.median, 1)} s`, best: `${fmt(cpu.best, 1)} s`, target: "< 6 s", met: meets(cpu.median, "<", 6) });
    rows.push({ what: "same, peak memory", median: `${fmt(mem.median, 0)} MiB`, best: `${fmt(mem.best, 0)} MiB`, target: "< 400 MiB", met: meets(mem.median, "<", 400) });
  }

  if (want("sweep")) {
    log("design-space sweep");
    const spec = join(ROOT, "examples", "pim-design-space.yaml");
    const s = sampleNode([BIN, "sweep", spec, "--out", join(tmp, "sweep"), "--json"], reps(3, 1), 0);
    const cpu = stat(s, "cpuSec");
    const wall = stat(s, "wallSec");
    const mem = stat(s, "maxRssMiB");
    rows.push({ what: "design-space study, 9,720 points (`papi sweep examples/pim-design-space.yaml`, all cores), CPU", median: `${fmt(cpu.median, 1)} s`, best: `${fmt(cpu.best, 1)} s`, target: "< 20 s", met: meets(cpu.median, "<", 20) });
    rows.push({ what: "same, wall time and points/s", median: `${fmt(wall.median, 1)} s (${fmt(9720 / wall.median, 0)}/s)`, best: `${fmt(wall.best, 1)} s (${fmt(9720 / wall.best, 0)}/s)` });
    rows.push({ what: "same, peak memory (the process and its worker threads)", median: `${fmt(mem.median, 0)} MiB`, best: `${fmt(mem.best, 0)} MiB`, target: "< 600 MiB", met: meets(mem.median, "<", 600) });
  }

  if (want("reproduce")) {
    log("papi reproduce, charts rendered");
    const out = join(tmp, "reproduce");
    const cold = sampleNode([BIN, "reproduce", "--out", out], reps(3, 1), 0);
    log("papi reproduce, charts from the cache (npm start's --chart-cache, after one run)");
    const cache = join(tmp, "chart-cache");
    const warm = sampleNode([BIN, "reproduce", "--out", out, "--chart-cache", cache], reps(3, 1), 1);
    for (const [label, s] of [["every chart rendered", cold], ["charts from the chart cache of an earlier run (`npm start`)", warm]] as const) {
      const wall = stat(s, "wallSec");
      const cpu = stat(s, "cpuSec");
      rows.push({ what: `\`papi reproduce\` (every figure under both profiles and both semantics, the sensitivity study on worker threads), ${label}: wall`, median: `${fmt(wall.median, 1)} s`, best: `${fmt(wall.best, 1)} s`, target: "< 5 s", met: meets(wall.median, "<", 5) });
      rows.push({ what: "same, CPU (every thread)", median: `${fmt(cpu.median, 1)} s`, best: `${fmt(cpu.best, 1)} s` });
    }
  }

  if (want("explorer")) {
    log("explorer in Chromium");
    const e = await explorerBench(quick);
    if (typeof e === "string") rows.push({ what: "explorer", median: e, best: "" });
    else {
      rows.push({ what: "explorer: page load to the first result on screen, wall", median: `${fmt(median(e.loadMs), 0)} ms`, best: `${fmt(best(e.loadMs), 0)} ms` });
      rows.push({ what: `explorer: batch size changed to the new result on screen (worker simulation included), ${e.controlToScreenMs.length} changes`, median: `${fmt(median(e.controlToScreenMs), 0)} ms`, best: `${fmt(best(e.controlToScreenMs), 0)} ms`, target: "< 150 ms", met: meets(median(e.controlToScreenMs), "<", 150) });
      rows.push({ what: "explorer: worker time of one Fig. 8 point (6 systems x 709 requests)", median: `${fmt(median(e.fig8PointMs), 0)} ms`, best: `${fmt(best(e.fig8PointMs), 0)} ms` });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\`npm run bench\`${quick ? " --quick" : ""} on ${machine()}, ${started.toISOString().slice(0, 10)}; load average (1, 5, 15 min) ${loadBefore} before, ${load()} after${HAS_GNU_TIME ? "" : "; no /usr/bin/time, so no CPU or memory figures"}.\n`);
console.log(markdownTable(rows));
