import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/papi.mjs", import.meta.url));

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** Runs the real `papi` command in a child process. */
export function papi(args: string[], opts: { cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: opts.cwd, env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user mistake: non-zero exit, a one-line message (commander may add a usage hint line), no stack trace. */
export function isCleanUserError(r: CliResult): boolean {
  const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("(run with --help"));
  return r.status !== 0 && r.status !== null && lines.length === 1 && !/\n\s+at /.test(r.stderr);
}
