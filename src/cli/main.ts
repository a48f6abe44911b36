import { Command, CommanderError } from "commander";
import { UserError } from "../core/errors.ts";
import { PAPI_VERSION } from "../core/version.ts";
import { commands } from "./commands/index.ts";
import { err, guardProcessStreams, out } from "./io.ts";

/** Commander's messages as one line: "error: ..." plus its hint lines, joined. */
function oneLine(message: string): string {
  return message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" ")
    .replace(/^error:\s*/, "");
}

/**
 * Builds the `papi` program. Each subcommand lives in its own file under commands/ and loads its implementation
 * only when it runs, so `papi --version` and `papi --help` load almost nothing.
 */
export function buildProgram(): Command {
  const program = new Command("papi")
    .description("PAPI: a PIM-enabled heterogeneous LLM-decoding system, simulated")
    .version(PAPI_VERSION)
    // options after a subcommand belong to it (`papi sweep merge ... --out` is merge's --out, not sweep's)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out(s),
      writeErr: (s) => err(s),
      outputError: (s, write) => write(`papi: error: ${oneLine(s)} (see --help)\n`),
    });
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and returns the exit code. User mistakes print one line and exit 2, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  guardProcessStreams(); // a write error on stdout/stderr: one line and exit 2, not a stack trace
  const program = buildProgram();
  // `papi help NAME` for a NAME that is no command: commander prints the whole help to stderr; say what `papi NAME`
  // says instead (one line: unknown command, with the nearest command if one is close)
  const [first, name] = argv.slice(2);
  const known = (n: string) => program.commands.some((c) => c.name() === n || c.aliases().includes(n));
  if (first === "help" && name !== undefined && !name.startsWith("-") && !known(name)) argv = [...argv.slice(0, 2), name];
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (or the help/version text)
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      err(`papi: error: ${e.message.replace(/\s*\n\s*/g, " ")}\n`);
      return 2;
    }
    throw e;
  }
}
