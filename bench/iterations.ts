/**
 * Decode iterations per second of one configuration, at steady state, in its own process (so no other benchmark's
 * JIT state or memo tables affect it): `node --import tsx bench/iterations.ts SYSTEM BATCH SPEC [REPS]`. Prints JSON.
 *
 * Warm-up runs until the JIT has settled: at least 5 runs, then until the median of the last 3 run times is within 3 %
 * of the 3 before them (at most 40 runs); then REPS (default 15) measured runs. One run serves the whole Dolly
 * creative-writing trace (709 requests) in consecutive static batches, LLaMA-65B; iterations/s = decode iterations
 * of the run / its wall time (the thread is the only one the process runs).
 */
import { runOnce } from "../src/serving/run.ts";
import { loadTrace } from "../src/node/traces.ts";
import { median } from "./lib.ts";

const [system = "papi", batchText = "16", specText = "4", repsText = "15"] = process.argv.slice(2);
const cfg = { system, model: "llama-65b", trace: "dolly-creative", batch: Number(batchText), spec: Number(specText) };
const requests = loadTrace("dolly-creative").requests;
const once = (): { sec: number; iterations: number } => {
  const t0 = performance.now();
  const r = runOnce(cfg, { requests });
  return { sec: (performance.now() - t0) / 1e3, iterations: r.iterations };
};

const warm: number[] = [];
while (warm.length < 40) {
  warm.push(once().sec);
  if (warm.length >= 6 && Math.abs(median(warm.slice(-3)) / median(warm.slice(-6, -3)) - 1) < 0.03) break;
}
const runs = Array.from({ length: Number(repsText) }, once);
const rates = runs.map((r) => r.iterations / r.sec);
process.stdout.write(JSON.stringify({ system, batch: cfg.batch, spec: cfg.spec, iterationsPerRun: runs[0].iterations, warmupRuns: warm.length, reps: runs.length, bestPerSec: Math.max(...rates), medianPerSec: median(rates) }) + "\n");
