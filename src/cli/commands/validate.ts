import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { formatTable, out, printJson } from "../io.ts";

/** The measurements shipped with papi, found from this file rather than the working directory. */
export const SHIPPED_H200_MEASUREMENTS = fileURLToPath(new URL("../../../data/measurements/h200", import.meta.url));

export function registerValidate(program: Command): void {
  const validate = program.command("validate").description("check device models against real measurements");
  validate
    .command("gpu")
    .description("predict measured GPU kernel and layer times (fc.csv, attn.csv, layer.csv) and report the errors")
    .option(
      "--measurements <dir>",
      "folder with fc.csv, attn.csv, layer.csv, meta.json (H200 layout), or laid out as Vidur's data/profiling/ (compute/<sku>/<org>/<model>/mlp.csv)",
      SHIPPED_H200_MEASUREMENTS,
    )
    .option("--vidur", "validate against the shipped Vidur profiles (data/measurements/vidur-profiles: A100, H100)")
    .option("--gpu <preset>", "GPU preset (default: from meta.json's device; Vidur: a100 -> a100-80gb, h100 -> h100-sxm)")
    .option("--leave-one-model-out", "refit the preset's fitted parameters on all models but one and predict that one, for each model")
    .option("--refit", "Vidur profiles: refit each GPU preset on all its rows and print the fitted values next to the preset's")
    .option("--json", 'print {"fc": {...}, "attn": {...}, "layer": {...}} (Vidur: {"files": [...]}; with --leave-one-model-out: {"folds": [...]}; --refit: {"refits": [...]})')
    .action(async (o: { measurements: string; vidur?: boolean; gpu?: string; json?: boolean; leaveOneModelOut?: boolean; refit?: boolean }, cmd: Command) => {
      const { isVidurLayout, SHIPPED_VIDUR_PROFILES } = await import("../../node/vidur-measurements.ts");
      if (o.vidur && cmd.getOptionValueSource("measurements") === "cli") throw new UserError("--vidur and --measurements: give one (--vidur is the shipped Vidur copy)");
      const vidurDir = o.vidur ? SHIPPED_VIDUR_PROFILES : isVidurLayout(o.measurements) ? o.measurements : undefined;
      if (vidurDir !== undefined) return validateVidurGpuCommand(vidurDir, o);
      if (o.refit) throw new UserError("--refit applies to Vidur profiles (--vidur, or --measurements laid out as Vidur's data/profiling/); the H200 fit is npm run calibrate:h200");
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
  validate
    .command("collectives")
    .description("fit and check collective models (src/fabric/collectives) against NCCL all-reduce times (Vidur's network/<node>/all_reduce.csv)")
    .option("--measurements <dir>", "folder laid out as Vidur's data/profiling/ (default: the shipped data/measurements/vidur-profiles)")
    .option("--json", 'print {"nodes": [...]}: per node, every algorithm fitted, every preset, and the fit of the other node')
    .action(async (o: { measurements?: string; json?: boolean }) => {
      const { loadVidurMeasurements, SHIPPED_VIDUR_PROFILES } = await import("../../node/vidur-measurements.ts");
      const { formatCollectives, validateVidurCollectives } = await import("../actions/validate-vidur.ts");
      const dir = o.measurements ?? SHIPPED_VIDUR_PROFILES;
      const nodes = validateVidurCollectives(loadVidurMeasurements(dir).network);
      if (o.json) return printJson({ nodes });
      out(formatCollectives(nodes, dir));
    });
  validate
    .command("pim")
    .description("predict cycle-level PIM references (attention.csv, fc.csv: Ramulator 2.0 runs of AttAcc's HBM3-PIM) and report the errors")
    .option("--reference <dir>", "folder with attention.csv and fc.csv (default: the shipped data/measurements/ramulator-attacc)")
    .option("--json", 'print {"attention": {...}, "fc": {...}}')
    .action(async (o: { reference?: string; json?: boolean }) => {
      const { SHIPPED_PIM_REFERENCE, loadPimReference } = await import("../../node/pim-reference.ts");
      const { evaluatePim } = await import("../../systems/validate-pim.ts");
      const dir = o.reference ?? SHIPPED_PIM_REFERENCE;
      const v = evaluatePim(loadPimReference(dir));
      if (o.json) return printJson({ attention: v.attention, fc: v.fc });
      const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
      out(`PIM model vs ${dir} (cycle-level references; relative error of the time)\n`);
      const summary = (["attention", "fc"] as const).map((f) => [`${f}.csv`, String(v[f].rows), pct(v[f].medianAbsRelErr), pct(v[f].maxAbsRelErr)]);
      out(formatTable(["file", "rows", "median |err|", "max |err|"], summary));
      out("rows:\n");
      const us = (s: number) => `${(s * 1e6).toFixed(3)} us`;
      const detail = v.rows.map((r) => [`${r.file}.csv:${r.line}`, r.label, us(r.referenceSec), us(r.predictedSec), pct(r.relErr)]);
      out(formatTable(["row", "what", "reference", "predicted", "error"], detail));
    });
}

/** `papi validate gpu` on a folder laid out as Vidur's data/profiling/. */
async function validateVidurGpuCommand(dir: string, o: { gpu?: string; json?: boolean; leaveOneModelOut?: boolean; refit?: boolean }): Promise<void> {
  const { loadVidurMeasurements } = await import("../../node/vidur-measurements.ts");
  const a = await import("../actions/validate-vidur.ts");
  if (o.refit && o.leaveOneModelOut) throw new UserError("--refit and --leave-one-model-out: give one");
  const files = loadVidurMeasurements(dir).compute;
  if (o.refit) {
    const refits = a.refitVidur(files, o.gpu);
    if (o.json) return printJson({ refits });
    out("Each GPU preset's efficiency and overhead parameters refitted on all its rows (src/systems/fit-vidur.ts)\n");
    for (const r of refits) out("\n" + a.formatVidurRefit(r));
    return;
  }
  if (o.leaveOneModelOut) {
    const folds = a.runVidurHeldOut(files, o.gpu);
    if (o.json) return printJson({ folds });
    out(
      `Held out: each GPU preset's efficiency and overhead parameters refitted on all models but one and the held-out model's\n` +
        `rows predicted; a GPU profiled on one model only gets the parameters fitted on another GPU (relative error of the median)\n`,
    );
    for (const f of folds) out("\n" + a.formatVidurFold(f));
    return;
  }
  const r = a.validateVidurGpu(files, o.gpu);
  if (o.json) return printJson(a.vidurGpuJson(r));
  out(a.formatVidurGpu(r, dir));
}
