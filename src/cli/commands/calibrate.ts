import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { parsePositiveInt } from "../args.ts";
import { out, printJson } from "../io.ts";
import { addSystemFlags, configSources } from "../run-flags.ts";

/**
 * The run config fields calibrate reads (systemOf: the system, its devices and counts, the model, the assumptions);
 * any other field set in --config or --set is refused, as it would change nothing.
 */
export const CALIBRATE_FIELDS = ["system", "model", "hardware", "gpus", "fcStacks", "attnStacks", "profile", "assumptions"] as const;

/** ASSUMPTION: sweeping beyond 65,536 tokens per iteration (batch x TLP bounds) says nothing new. */
const MAX_SWEEP_TOKENS = 65_536;

export function registerCalibrate(program: Command): void {
  addSystemFlags(program.command("calibrate").description("find PAPI's threshold alpha by the offline FC sweep (GPU vs FC-PIM)"))
    .option("--max-tokens <n>", `sweep RLP x TLP from 1 to this (<= ${MAX_SWEEP_TOKENS})`, "512")
    .option("--sweep", "also print the sweep")
    .option("--json", "print JSON")
    .action(async (o: Record<string, unknown>) => {
      const maxTokens = parsePositiveInt("--max-tokens", String(o.maxTokens), MAX_SWEEP_TOKENS);
      const { loadRunConfig, refuseUnreadFields } = await import("../../node/run-config.ts");
      const { nodeLoader } = await import("../../node/loader.ts");
      const { systemOf } = await import("../../serving/run.ts");
      const { calibrateAlpha } = await import("../../scheduling/calibrate.ts");
      const sources = configSources(o);
      refuseUnreadFields(sources, CALIBRATE_FIELDS, "calibrate");
      const { config, baseDir } = loadRunConfig(sources);
      const ctx = systemOf(config, nodeLoader(baseDir));
      if (ctx.fc.length !== 2) {
        throw new UserError(`system ${ctx.spec.name} runs FC on ${ctx.fc.map((f) => f.unit.name).join(", ")} only; alpha needs two FC units, e.g. GPU and FC-PIM (try --system papi)`);
      }
      const c = calibrateAlpha(ctx, maxTokens);
      const { assertFiniteResult } = await import("../../core/finite.ts");
      const { suspectInputs } = await import("../../serving/run.ts");
      assertFiniteResult(c, "the calibration", suspectInputs(config));
      if (o.json) {
        printJson({ system: ctx.spec.name, model: ctx.model.name, alpha: c.alpha, argminAlpha: c.argminAlpha, ...(o.sweep ? { sweep: c.sweep } : {}) });
        return;
      }
      out(`alpha = ${c.alpha} for ${ctx.spec.name} / ${ctx.model.name}: FC runs on FC-PIM while RLP x TLP <= ${c.alpha}, on the GPUs above\n`);
      if (c.argminAlpha !== c.alpha) out(`(the threshold with the least total FC time over the sweep would be ${c.argminAlpha}; papi uses the first crossover, see docs/assumptions.md)\n`);
      if (o.sweep) {
        out("tokens  gpu_ms    pim_ms\n");
        for (const s of c.sweep) out(`${String(s.numTokens).padStart(6)}  ${(s.gpuSec * 1e3).toFixed(3).padStart(8)}  ${(s.pimSec * 1e3).toFixed(3).padStart(8)}\n`);
      }
    });
}
