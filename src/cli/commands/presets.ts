import type { Command } from "commander";
import { UserError } from "../../core/errors.ts";
import { out, printJson } from "../io.ts";

const KINDS = ["gpu", "hbm", "pim", "link", "collective", "system", "model", "profile"] as const;
type Kind = (typeof KINDS)[number];

export function registerPresets(program: Command): void {
  program
    .command("presets")
    .description(`list hardware, system and model presets with their fields and sources (kinds: ${KINDS.join(", ")})`)
    .argument("[kind]", `one of ${KINDS.join(", ")} (default: all)`)
    .option("--json", "print every preset's full description (each is valid as a config block)")
    .action(async (kind: string | undefined, o: { json?: boolean }) => {
      if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) {
        throw new UserError(`papi presets: unknown kind "${kind}"; known: ${KINDS.join(", ")}`);
      }
      const { presetTable } = await import("../actions/presets.ts");
      const kinds = kind === undefined ? [...KINDS] : [kind as Kind];
      const tables = Object.fromEntries(kinds.map((k) => [k, presetTable(k)]));
      if (o.json) return printJson(kind === undefined ? Object.fromEntries(kinds.map((k) => [k, tables[k].specs])) : tables[kind].specs);
      for (const k of kinds) {
        out(`${tables[k].title}\n`);
        for (const p of tables[k].rows) out(`  ${p.name.padEnd(16)} ${p.summary}\n${p.source ? `  ${"".padEnd(16)} source: ${p.source}\n` : ""}`);
      }
      out("Use a name in a config (gpu: h100-sxm), override fields ({ preset: h100-sxm, hbmBandwidthBytesPerSec: 4e12 }), or --json for every field.\n");
    });
}
