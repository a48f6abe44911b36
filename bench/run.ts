/**
 * Benchmarks (never timed tests): simulated decode iterations per second on one core, and the wall time of the
 * Fig. 8 grid. Run with `npm run bench`; pass `--quick` for a shorter run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { runOnce } from "../src/serving/run.ts";
import { loadTrace } from "../src/node/traces.ts";
import { explorerBench } from "./explorer.ts";

const quick = process.argv.includes("--quick");

/** Wall time of `papi reproduce` as a user runs it (a child process, figures and report written to a temp folder). */
function reproduceSec(figures: string): number {
  const out = join(mkdtempSync(join(tmpdir(), "papi-bench-")), "out");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [fileURLToPath(new URL("../bin/papi.mjs", import.meta.url)), "reproduce", "--figures", figures, "--out", out], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const sec = (performance.now() - t0) / 1e3;
  rmSync(out, { recursive: true, force: true });
  return sec;
}

function iterationsPerSec(system: string, batch: number, spec: number): { itersPerSec: number; iterations: number } {
  const requests = loadTrace("dolly-creative").requests;
  const cfg = { system, model: "llama-65b", trace: "dolly-creative", batch, spec };
  runOnce(cfg, { requests }); // warm the memo tables and the JIT
  let iterations = 0;
  const t0 = performance.now();
  const reps = quick ? 2 : 5;
  for (let i = 0; i < reps; i++) iterations += runOnce(cfg, { requests }).iterations;
  const sec = (performance.now() - t0) / 1e3;
  return { itersPerSec: iterations / sec, iterations: iterations / reps };
}

function fig8GridSec(): { sec: number; runs: number } {
  const requests = loadTrace("dolly-creative").requests;
  const t0 = performance.now();
  let runs = 0;
  for (const model of ["llama-65b", "gpt3-66b", "gpt3-175b"]) {
    for (const system of ["a100-attacc", "a100-hbmpim", "attacc-only", "papi"]) {
      for (const batch of [4, 16, 64]) {
        for (const spec of [1, 2, 4]) {
          runOnce({ system, model, trace: "dolly-creative", batch, spec }, { requests });
          runs++;
        }
      }
    }
  }
  return { sec: (performance.now() - t0) / 1e3, runs };
}

/** Median wall time of a `papi` invocation (a child process, as a user runs it), over `reps` runs. */
function cliSec(args: string[], reps: number): number {
  const bin = fileURLToPath(new URL("../bin/papi.mjs", import.meta.url));
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    times.push((performance.now() - t0) / 1e3);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const rows: [string, string][] = [];
rows.push(["start-up: papi --version, wall time (median of 9; target < 0.3 s)", `${cliSec(["--version"], 9).toFixed(3)} s`]);
rows.push(["papi run with the built-in defaults, wall time (median of 5; target < 1 s)", `${cliSec(["run"], quick ? 3 : 5).toFixed(3)} s`]);
for (const [system, batch, spec] of [["papi", 16, 4], ["papi", 64, 1], ["papi", 4, 1], ["a100-attacc", 16, 4]] as const) {
  const r = iterationsPerSec(system, batch, spec);
  rows.push([`decode iterations/s, llama-65b on ${system}, batch ${batch}, spec ${spec} (${r.iterations} iters/run)`, r.itersPerSec.toFixed(0)]);
}
const g = fig8GridSec();
rows.push([`Fig. 8 grid wall time, ${g.runs} runs x 709 requests (cold memo)`, `${g.sec.toFixed(2)} s`]);
if (!quick) {
  rows.push(["papi reproduce --figures fig8 (with the sensitivity study), wall time", `${reproduceSec("fig8").toFixed(1)} s`]);
  rows.push(["papi reproduce --figures all, wall time", `${reproduceSec("all").toFixed(1)} s`]);
}
rows.push(...(await explorerBench(quick)));
for (const [k, v] of rows) console.log(`${k.padEnd(90)} ${v}`);
