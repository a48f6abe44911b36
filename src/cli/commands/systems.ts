import type { Command } from "commander";
import { out, printJson } from "../io.ts";

export function registerSystems(program: Command): void {
  program
    .command("systems")
    .description("list the system presets (descriptions; what --json prints is valid as `system:` in a run config)")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }) => {
      const { SYSTEM_PRESETS } = await import("../../systems/presets.ts");
      if (o.json) return printJson(SYSTEM_PRESETS);
      const name = (v: unknown) => (typeof v === "string" ? v : v === null ? "plain HBM" : "custom");
      for (const s of Object.values(SYSTEM_PRESETS)) {
        const fc = s.fcStacks.design === null ? name(s.fcStacks.hbm) : name(s.fcStacks.design);
        const attn = s.attnStacks.numStacks > 0 ? `${s.attnStacks.numStacks} x ${name(s.attnStacks.design)}` : "GPU";
        const gpu = s.gpu.numGpus > 0 ? `${s.gpu.numGpus} x ${name(s.gpu.device)}` : "none";
        out(`${s.name.padEnd(14)} GPUs ${gpu}  FC stacks ${s.fcStacks.numStacks} x ${fc}  attention ${attn}  FC on ${s.fcUnits.join("|")}\n  ${s.description}\n`);
      }
    });
}
