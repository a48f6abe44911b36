import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { formatTable, out, printJson } from "../io.ts";

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
    .action(async (o: { measurements: string; gpu?: string; json?: boolean; leaveOneModelOut?: boolean }) => {
      const { resolveGpu } = await import("../../hardware/gpu/presets.ts");
      const { gpuForMeasurements, loadGpuMeasurements, validateGpu } = await import("../../node/gpu-measurements.ts");
      const gpu = o.gpu !== undefined ? resolveGpu(o.gpu, undefined, "--gpu") : gpuForMeasurements(o.measurements);
      if (o.leaveOneModelOut) {
        const { leaveOneModelOut } = await import("../../systems/gpu-held-out.ts");
        const { formatHeldOutFold, heldOutFoldJson, readGemmCeiling } = await import("../actions/validate-held-out.ts");
        const folds = leaveOneModelOut(gpu, loadGpuMeasurements(o.measurements), readGemmCeiling(o.measurements));
        if (o.json) return printJson({ gpu: gpu.name, folds: folds.map(heldOutFoldJson) });
        out(
          `Leave-one-model-out: ${gpu.name}'s fitted parameters refitted on all models but one (objective: per-file mean squared\n` +
            `log error, summed), then the held-out model's rows predicted (relative error of the median time)\n`,
        );
        for (const f of folds) out("\n" + formatHeldOutFold(f, gpu));
        return;
      }
      const v = validateGpu(o.measurements, gpu);
      if (o.json) return printJson({ fc: v.fc, attn: v.attn, layer: v.layer });
      const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
      out(`GPU model ${v.gpu} vs ${o.measurements} (relative error of the median time)\n`);
      const rows = (["fc", "attn", "layer"] as const).map((f) => [`${f}.csv`, String(v[f].rows), pct(v[f].medianAbsRelErr), pct(v[f].maxAbsRelErr)]);
      out(formatTable(["file", "rows", "median |err|", "max |err|"], rows));
      const worst = [...v.rows].sort((a, b) => Math.abs(b.relErr) - Math.abs(a.relErr)).slice(0, 5);
      out("worst rows:\n");
      const w = worst.map((r) => [`${r.file}.csv:${r.line}`, r.label, `${(r.measuredSec * 1e6).toFixed(1)} us`, `${(r.predictedSec * 1e6).toFixed(1)} us`, pct(r.relErr)]);
      out(formatTable(["row", "what", "measured", "predicted", "error"], w));
    });
}
