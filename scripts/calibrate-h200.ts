// Fits the h200-sxm preset's efficiency, bandwidth and overhead parameters on data/measurements/h200
// (fc, attn, layer) with src/systems/fit-gpu.ts: pattern search over fixed grids from a fixed start,
// objective = per-file mean squared log error, summed. Deterministic.
//   node --import tsx scripts/calibrate-h200.ts                        fit on all rows, compare with the preset
//   node --import tsx scripts/calibrate-h200.ts --fit-models llama-65b  fit on these models, predict the rest
// (npm run calibrate:h200 -- --fit-models llama-65b). The leave-one-model-out view of the same code is
// `papi validate gpu --leave-one-model-out`.
import { fileURLToPath } from "node:url";
import { GPU_PRESETS } from "../src/hardware/gpu/presets.ts";
import { GPU_FIT_PARAMETERS, fitGpu, modeledGemmFlopsPerSec } from "../src/systems/fit-gpu.ts";
import { fitAndHoldOut } from "../src/systems/gpu-held-out.ts";
import { evaluateGpu } from "../src/systems/validate-gpu.ts";
import { loadGpuMeasurements } from "../src/node/gpu-measurements.ts";
import { formatFitValue, formatHeldOutFold, readGemmCeiling } from "../src/cli/actions/validate-held-out.ts";
import { UserError } from "../src/core/errors.ts";

function main(argv: string[]): void {
  const dir = fileURLToPath(new URL("../data/measurements/h200", import.meta.url));
  const data = loadGpuMeasurements(dir);
  const ceiling = readGemmCeiling(dir);
  const preset = GPU_PRESETS["h200-sxm"];
  const at = argv.indexOf("--fit-models");
  const unknown = argv.filter((a, i) => a !== "--fit-models" && !(at >= 0 && i === at + 1));
  if (unknown.length > 0) throw new UserError(`unknown argument ${unknown[0]}; usage: calibrate-h200.ts [--fit-models a,b]`);
  if (at >= 0) {
    const models = (argv[at + 1] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
    process.stdout.write(formatHeldOutFold(fitAndHoldOut(preset, data, models, ceiling), preset, 8));
    return;
  }
  const fit = fitGpu(preset, data, ceiling);
  const best = fit.spec;
  const tflops = modeledGemmFlopsPerSec(best, ceiling) / 1e12;
  console.log(`8192^3 GEMM: model ${tflops.toFixed(1)} TFLOPS (measured ${(ceiling.flopsPerSec / 1e12).toFixed(1)})`);
  console.log(`objective ${fit.objective.toFixed(6)} after ${fit.numSweeps} sweeps and ${fit.numPairMoves} pair moves`);
  console.log("fitted h200-sxm parameters:");
  for (const key of [...GPU_FIT_PARAMETERS.map((p) => p.key), "attentionGraphOverheadSec" as const]) {
    const same = best[key] === preset[key];
    console.log(`  ${key}: ${formatFitValue(key, best[key])}${same ? "" : `   (preset has ${formatFitValue(key, preset[key])})`}`);
  }
  const v = evaluateGpu(best, data);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  for (const f of ["fc", "attn", "layer"] as const) {
    console.log(`${f}: rows ${v[f].rows}, median ${pct(v[f].medianAbsRelErr)}, max ${pct(v[f].maxAbsRelErr)}`);
  }
  const worst = [...v.rows].sort((a, b) => Math.abs(b.relErr) - Math.abs(a.relErr)).slice(0, 8);
  console.log("worst rows:");
  for (const r of worst) {
    console.log(`  ${r.file}:${r.line} ${r.label}: measured ${(r.measuredSec * 1e6).toFixed(1)} us, predicted ${(r.predictedSec * 1e6).toFixed(1)} us (${pct(r.relErr)})`);
  }
}

try {
  main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  process.stderr.write(`calibrate-h200: ${e.message}\n`);
  process.exit(2);
}
