import type { Command } from "commander";
import { printJson } from "../io.ts";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of the run config (papi run --config); point your editor's YAML plugin at it")
    .action(async () => {
      const { runConfigJsonSchema } = await import("../../serving/config.ts");
      printJson(runConfigJsonSchema());
    });
}
