import type { Command } from "commander";
import { SYSTEM_PRESETS } from "../../systems/presets.ts";
import { printJson } from "../args.ts";

export function registerSystems(program: Command): void {
  program
    .command("systems")
    .description("list the system presets")
    .option("--json", "print JSON")
    .action((o: { json?: boolean }) => {
      if (o.json) return printJson(SYSTEM_PRESETS);
      for (const s of Object.values(SYSTEM_PRESETS)) {
        const fc = s.fcStacks.design ?? "hbm3";
        const attn = s.attnStacks.numStacks > 0 ? `${s.attnStacks.numStacks} x ${s.attnStacks.design}` : "GPU";
        process.stdout.write(`${s.name.padEnd(14)} GPUs ${s.gpu.numGpus}  FC stacks ${s.fcStacks.numStacks} x ${fc}  attention ${attn}  FC on ${s.fcUnits.join("|")}\n  ${s.description}\n`);
      }
    });
}
