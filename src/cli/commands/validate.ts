import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { resolveGpu } from "../../hardware/gpu/presets.ts";
import type { GpuSpec } from "../../hardware/gpu/schema.ts";
import { leaveOneModelOut } from "../../systems/gpu-held-out.ts";
import { gpuForMeasurements, loadGpuMeasurements, validateGpu } from "../../systems/validate-gpu.ts";
import { printJson } from "../args.ts";
import { formatTable } from "./kernels.ts";
import { formatHeldOutFold, heldOutFoldJson, readGemmCeiling } from "./validate-held-out.ts";

/** The measurements shipped with papi, found from this file rather than the working directory. */
export const SHIPPED_H200_MEASUREMENTS = fileURLToPath(new URL("../../../data/measurements/h200", import.meta.url));

export function registerValidate(program: Command): void {
  const validate = program.command("validate").description("check device models against real measurements");
  validate
    .command("gpu")
    .description("predict measured GPU kernel and layer times (fc.csv, attn.csv, layer.csv) and report the errors")
    .option("--measurements <dir>", "folder with fc.csv, attn.csv, layer.csv, meta.json", SHIPPED_H200_MEASUREMENTS)
    .option("--gpu <preset>", "GPU preset (default: from meta.json's device)")
    .option("--leave-one-model-out", "refit the preset's fitted parameters on all models but one and predict that one, for each model")
    .option("--json", 'print {"fc": {...}, "attn": {...}, "layer": {...}} (with --leave-one-model-out: {"gpu", "folds": [...]})')
    .action((o: { measurements: string; gpu?: string; json?: boolean; leaveOneModelOut?: boolean }) => {
      const gpu = o.gpu !== undefined ? resolveGpu(o.gpu) : gpuForMeasurements(o.measurements);
      if (o.leaveOneModelOut) return leaveOneModelOutCommand(o.measurements, gpu, o.json === true);
      const v = validateGpu(o.measurements, gpu);
      if (o.json) return printJson({ fc: v.fc, attn: v.attn, layer: v.layer });
      const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
      process.stdout.write(`GPU model ${v.gpu} vs ${o.measurements} (relative error of the median time)\n`);
      const rows = (["fc", "attn", "layer"] as const).map((f) => [`${f}.csv`, String(v[f].rows), pct(v[f].medianAbsRelErr), pct(v[f].maxAbsRelErr)]);
      process.stdout.write(formatTable(["file", "rows", "median |err|", "max |err|"], rows));
      const worst = [...v.rows].sort((a, b) => Math.abs(b.relErr) - Math.abs(a.relErr)).slice(0, 5);
      process.stdout.write("worst rows:\n");
      const w = worst.map((r) => [`${r.file}.csv:${r.line}`, r.label, `${(r.measuredSec * 1e6).toFixed(1)} us`, `${(r.predictedSec * 1e6).toFixed(1)} us`, pct(r.relErr)]);
      process.stdout.write(formatTable(["row", "what", "measured", "predicted", "error"], w));
    });
}

function leaveOneModelOutCommand(dir: string, gpu: GpuSpec, json: boolean): void {
  const data = loadGpuMeasurements(dir);
  const folds = leaveOneModelOut(gpu, data, readGemmCeiling(dir));
  if (json) return printJson({ gpu: gpu.name, folds: folds.map(heldOutFoldJson) });
  process.stdout.write(
    `Leave-one-model-out: ${gpu.name}'s fitted parameters refitted on all models but one (objective: per-file mean squared\n` +
      `log error, summed), then the held-out model's rows predicted (relative error of the median time)\n`,
  );
  for (const f of folds) process.stdout.write("\n" + formatHeldOutFold(f, gpu));
}
