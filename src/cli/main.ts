import { Command, CommanderError } from "commander";
import { UserError } from "../core/errors.ts";
import { commands } from "./commands/index.ts";

/** Builds the `papi` program; each subcommand lives in its own file under commands/. */
export function buildProgram(): Command {
  const program = new Command("papi")
    .description("PAPI: a PIM-enabled heterogeneous LLM-decoding system, simulated")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and returns the exit code. User mistakes print one line, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its one-line message (or the help/version text)
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`papi: error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
