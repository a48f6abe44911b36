import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { resolveGpu } from "../../hardware/gpu/presets.ts";
import { gpuForMeasurements, validateGpu } from "../../systems/validate-gpu.ts";
import { evaluatePim } from "../../systems/validate-pim.ts";
import { printJson } from "../args.ts";
import { formatTable } from "./kernels.ts";
import { SHIPPED_PIM_REFERENCE, loadPimReference } from "./validate-pim-reference.ts";

/** The measurements shipped with papi, found from this file rather than the working directory. */
export const SHIPPED_H200_MEASUREMENTS = fileURLToPath(new URL("../../../data/measurements/h200", import.meta.url));

export function registerValidate(program: Command): void {
  const validate = program.command("validate").description("check device models against real measurements");
  validate
    .command("gpu")
    .description("predict measured GPU kernel and layer times (fc.csv, attn.csv, layer.csv) and report the errors")
    .option("--measurements <dir>", "folder with fc.csv, attn.csv, layer.csv, meta.json", SHIPPED_H200_MEASUREMENTS)
    .option("--gpu <preset>", "GPU preset (default: from meta.json's device)")
    .option("--json", 'print {"fc": {...}, "attn": {...}, "layer": {...}}')
    .action((o: { measurements: string; gpu?: string; json?: boolean }) => {
      const gpu = o.gpu !== undefined ? resolveGpu(o.gpu) : gpuForMeasurements(o.measurements);
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
    });  validate
    .command("pim")
    .description("predict cycle-level PIM references (attention.csv, fc.csv: Ramulator 2.0 runs of AttAcc's HBM3-PIM) and report the errors")
    .option("--reference <dir>", "folder with attention.csv and fc.csv", SHIPPED_PIM_REFERENCE)
    .option("--json", 'print {"attention": {...}, "fc": {...}}')
    .action((o: { reference: string; json?: boolean }) => {
      const v = evaluatePim(loadPimReference(o.reference));
      if (o.json) return printJson({ attention: v.attention, fc: v.fc });
      const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
      process.stdout.write(`PIM model vs ${o.reference} (cycle-level references; relative error of the time)\n`);
      const summary = (["attention", "fc"] as const).map((f) => [`${f}.csv`, String(v[f].rows), pct(v[f].medianAbsRelErr), pct(v[f].maxAbsRelErr)]);
      process.stdout.write(formatTable(["file", "rows", "median |err|", "max |err|"], summary));
      process.stdout.write("rows:\n");
      const us = (s: number) => `${(s * 1e6).toFixed(3)} us`;
      const detail = v.rows.map((r) => [`${r.file}.csv:${r.line}`, r.label, us(r.referenceSec), us(r.predictedSec), pct(r.relErr)]);
      process.stdout.write(formatTable(["row", "what", "reference", "predicted", "error"], detail));
    });
}
