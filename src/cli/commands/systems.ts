import type { Command } from "commander";
import { out, printJson } from "../io.ts";

export function registerSystems(program: Command): void {
  program
    .command("systems")
    .description("list the system presets (descriptions; what --json prints is valid as `system:` in a run config)")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }) => {
      const { SYSTEM_PRESETS } = await import("../../systems/presets.ts");
      const { UNIT_KINDS } = await import("../../units/index.ts");
      if (o.json) return printJson(SYSTEM_PRESETS);
      const name = (v: unknown) => (typeof v === "string" ? v : isPreset(v) ? (v as { preset: string }).preset + " (modified)" : "custom");
      const isPreset = (v: unknown) => typeof v === "object" && v !== null && typeof (v as { preset?: unknown }).preset === "string";
      for (const s of Object.values(SYSTEM_PRESETS)) {
        const units = Object.entries(s.units)
          .map(([n, u]) => `${n}: ${u.count} x ${name((u as Record<string, unknown>)[Object.keys(UNIT_KINDS.get(u.kind).blocks)[0]])} (${u.kind})`)
          .join(", ");
        const fc = s.roles.fc.map((r) => (typeof r === "string" ? r : r.unit)).join("|");
        out(`${s.name.padEnd(14)} ${units}
  FC on ${fc}, attention on ${s.roles.attention}, tensor-parallel ${s.tensorParallel}; ${s.description}
`);
      }
    });
}
