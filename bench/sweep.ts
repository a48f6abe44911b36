/**
 * Sweep benchmarks (never timed tests), run by `npm run bench`:
 * 1. overhead per point: the sweep machinery (expansion, config parse, hashing, constraints, metrics, rows) on top of
 *    the runs themselves, measured in one thread as (sweep time - time of the same runs through runOnce) / run time;
 * 2. points per second of Fig. 8-sized points (a full Dolly creative-writing trace in consecutive static batches,
 *    as `papi reproduce`'s default protocol runs one grid point) with the machine's cores;
 * 3. the wall time of the shipped design-space study (examples/pim-design-space.yaml) as a user runs it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { runOnce } from "../src/serving/run.ts";
import { nodeLoader } from "../src/node/loader.ts";
import { expand, pointConfig, pointValues } from "../src/sweep/expand.ts";
import { evaluatePoint, makeEnv, prepareSweep } from "../src/sweep/prepare.ts";
import { parseSweepSpec } from "../src/sweep/spec.ts";

const BIN = fileURLToPath(new URL("../bin/papi.mjs", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "papi-bench-sweep-"));

// 1. overhead: the Fig. 8 grid's PAPI points (3 models x 3 batches x 3 specs), one batch each, over 4 FC-PIM designs
const spec = parseSweepSpec({
  base: { system: "papi", trace: "dolly-creative" },
  grid: { "hardware.fcPim.numFpus": [1, 2, 4], model: ["llama-65b", "gpt3-66b", "gpt3-175b"], spec: [1, 2, 4] },
  zip: [{ batch: [4, 16, 64], requests: [4, 16, 64] }],
});
const prep = prepareSweep(spec, spec.base as Record<string, unknown>);
const loader = nodeLoader();
const n = expand(spec).numPoints;
const configs = Array.from({ length: n }, (_, i) => pointConfig(prep.base, pointValues(prep.expansion, i), i));
for (const c of configs) runOnce(c, { loader }); // warm contexts, alpha calibration, memo tables, JIT
const env = makeEnv(loader);
for (let i = 0; i < n; i++) evaluatePoint(prep, i, env);
let runSec = Infinity;
let sweepSec = Infinity;
for (let rep = 0; rep < 5; rep++) {
  let t0 = performance.now();
  for (const c of configs) runOnce(c, { loader });
  runSec = Math.min(runSec, (performance.now() - t0) / 1e3);
  t0 = performance.now();
  for (let i = 0; i < n; i++) evaluatePoint(prep, i, env);
  sweepSec = Math.min(sweepSec, (performance.now() - t0) / 1e3);
}
console.log(`sweep overhead per point: ${(((sweepSec - runSec) / runSec) * 100).toFixed(1)} % of its simulation time (${n} warm points: runs ${(runSec / n * 1e3).toFixed(2)} ms, sweep ${(sweepSec / n * 1e3).toFixed(2)} ms per point)`);

// 2. Fig. 8-sized points through the CLI (child process, all cores)
const fig8 = join(tmp, "fig8.yaml");
writeFileSync(fig8, "base: { system: papi, trace: dolly-creative }\ngrid:\n  model: [llama-65b, gpt3-66b, gpt3-175b]\n  batch: [4, 16, 64]\n  spec: [1, 2, 4]\n  hardware.links.attention: [pcie5, cxl]\n");
function timeSweep(path: string, out: string): { sec: number; points: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, "sweep", path, "--out", out, "--json"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return { sec: (performance.now() - t0) / 1e3, points: JSON.parse(r.stdout).numPoints };
}
const f = timeSweep(fig8, join(tmp, "fig8"));
console.log(`Fig. 8-sized points (whole trace, consecutive static batches): ${f.points} in ${f.sec.toFixed(1)} s = ${(f.points / f.sec).toFixed(1)} points/s on ${availableParallelism()} cores (process start included)`);

// 3. the design-space study
const study = timeSweep(fileURLToPath(new URL("../examples/pim-design-space.yaml", import.meta.url)), join(tmp, "study"));
console.log(`design-space study: ${study.points} points in ${study.sec.toFixed(1)} s on ${availableParallelism()} cores (${(study.points / study.sec).toFixed(0)} points/s)`);
rmSync(tmp, { recursive: true, force: true });
