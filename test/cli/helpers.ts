import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { withIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";

const BIN = fileURLToPath(new URL("../../bin/papi.mjs", import.meta.url));

export interface CliResult { status: number | null; stdout: string; stderr: string }

/**
 * Runs `papi` in this process (the same main() the binary runs, with its output captured): fast, so most CLI
 * tests use it. Bugs (non-UserError exceptions) surface as status 1 with the stack in stderr, as in a real process.
 * `cwd` runs it from that folder (relative paths in `args`), and puts the test process's working directory back.
 */
export async function papi(args: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const here = process.cwd();
  if (opts.cwd !== undefined) process.chdir(opts.cwd);
  try {
    const status = await withIo({ out: (t) => void (stdout += t), err: (t) => void (stderr += t) }, async () => {
      try {
        return await main(["node", "papi", ...args]);
      } catch (e) {
        stderr += String((e as Error).stack ?? e);
        return 1;
      }
    });
    return { status, stdout, stderr };
  } finally {
    process.chdir(here);
  }
}

/** Runs the real `papi` binary (compiled dist/) in a child process: for exit codes, signals and stdout piping. */
export function papiProcess(args: string[], opts: { cwd?: string; input?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: opts.cwd, input: opts.input, timeout: opts.timeoutMs, env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user mistake: exit code 2, exactly one line on stderr, no stack trace, nothing on stdout. */
export function isCleanUserError(r: CliResult): boolean {
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  return r.status === 2 && lines.length === 1 && !/\n\s+at /.test(r.stderr) && r.stdout === "";
}

/** The outcome contract of every command (the fuzz properties): exit 0 quietly, or a clean one-line user error; never a stack. */
export function assertCleanOutcome(r: CliResult, what: string): void {
  assert.ok(!/\n\s+at /.test(r.stderr) && !/\n\s+at /.test(r.stdout), `${what}: stack trace\n${r.stderr}`);
  if (r.status === 0) {
    assert.equal(r.stderr, "", `${what}: exit 0 with stderr ${r.stderr}`);
    return;
  }
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  assert.equal(r.status, 2, `${what}: exit ${r.status}: ${r.stderr}`);
  assert.equal(lines.length, 1, `${what}: ${lines.length} stderr lines: ${r.stderr}`);
  assert.match(lines[0], /^papi: error: /, what);
  assert.equal(r.stdout, "", `${what}: stdout on error`);
}

/** With --json and exit 0: the output parses and every number in it is finite (JSON has no Infinity: null). */
export function assertFiniteJson(r: CliResult, what: string): void {
  if (r.status !== 0) return;
  const v: unknown = JSON.parse(r.stdout);
  const walk = (x: unknown, path: string): void => {
    if (typeof x === "number") assert.ok(Number.isFinite(x), `${what}: ${path} = ${x}`);
    else if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${path}[${i}]`));
    else if (x !== null && typeof x === "object") for (const [k, y] of Object.entries(x)) walk(y, `${path}.${k}`);
  };
  walk(v, "");
}


/**
 * Counts a fuzz property's outcomes, so a property can check that it exercised both sides (a fuzz whose every case
 * fails early, or whose every case is valid, tests less than it seems).
 */
export function outcomeTally(): { record(r: CliResult): void; assertBothSides(what: string, minShare?: number): void } {
  let ok = 0;
  let failed = 0;
  return {
    record: (r) => void (r.status === 0 ? ok++ : failed++),
    assertBothSides: (what, minShare = 0.1) => {
      const n = ok + failed;
      assert.ok(ok >= minShare * n && failed >= minShare * n, `${what}: ${ok} ran, ${failed} refused of ${n}: the fuzz is one-sided`);
    },
  };
}

/**
 * A fuzz property over command lines: each drawn input becomes `papi` arguments whose outcome must be clean
 * (assertCleanOutcome) and, when it ran, finite (assertFiniteJson; `what` names the input in both messages), plus
 * any `check` of the caller; the draws must land on both sides (outcomeTally).
 */
export async function fuzzCli<T>(
  label: string,
  inputs: fc.Arbitrary<T>,
  invocation: (input: T) => { args: string[]; what: string; check?: (r: CliResult) => void },
  params: fc.Parameters<[T]>,
): Promise<void> {
  const tally = outcomeTally();
  await fc.assert(
    fc.asyncProperty(inputs, async (input) => {
      const { args, what, check } = invocation(input);
      const r = await papi(args);
      tally.record(r);
      assertCleanOutcome(r, what);
      assertFiniteJson(r, what);
      check?.(r);
    }),
    params,
  );
  tally.assertBothSides(label);
}
