import type { Command } from "commander";
import { runConfigJsonSchema } from "../../serving/config.ts";
import { printJson } from "../args.ts";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of the run config (papi run --config)")
    .action(() => printJson(runConfigJsonSchema()));
}
