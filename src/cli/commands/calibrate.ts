import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { calibrateAlpha } from "../../scheduling/calibrate.ts";
import { parseRunConfig, systemOf } from "../../serving/run.ts";
import { parsePositiveInt, printJson } from "../args.ts";
import { addSystemFlags, rawRunConfig } from "./run.ts";

export function registerCalibrate(program: Command): void {
  addSystemFlags(program.command("calibrate").description("find PAPI's threshold alpha by the offline FC sweep (GPU vs FC-PIM)"))
    .option("--max-tokens <n>", "sweep RLP x TLP from 1 to this", "512")
    .option("--sweep", "also print the sweep")
    .option("--json", "print JSON")
    .action((o: Record<string, string | boolean | undefined>) => {
      const cfg = parseRunConfig(rawRunConfig(o));
      const ctx = systemOf(cfg);
      if (!(ctx.spec.fcUnits.includes("gpu") && ctx.spec.fcUnits.includes("pim"))) {
        throw new UserError(`system ${ctx.spec.name} runs FC on ${ctx.spec.fcUnits.join(", ")} only; alpha needs both GPU and FC-PIM (try --system papi)`);
      }
      const c = calibrateAlpha(ctx, parsePositiveInt("--max-tokens", String(o.maxTokens)));
      if (o.json) {
        printJson({ system: ctx.spec.name, model: ctx.model.name, alpha: c.alpha, ...(o.sweep ? { sweep: c.sweep } : {}) });
        return;
      }
      process.stdout.write(`alpha = ${c.alpha} for ${ctx.spec.name} / ${ctx.model.name}: FC runs on FC-PIM while RLP x TLP <= ${c.alpha}, on the GPUs above\n`);
      if (o.sweep) {
        process.stdout.write("tokens  gpu_ms    pim_ms\n");
        for (const s of c.sweep) process.stdout.write(`${String(s.numTokens).padStart(6)}  ${(s.gpuSec * 1e3).toFixed(3).padStart(8)}  ${(s.pimSec * 1e3).toFixed(3).padStart(8)}\n`);
      }
    });
}
