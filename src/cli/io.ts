import { writeSync } from "node:fs";

/**
 * Where the CLI writes. Real runs write to the process's streams; tests run the CLI in-process and capture both
 * (see test/cli/helpers.ts), which is much faster than spawning a process per case.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

let current: CliIo = processIo;

export const out = (text: string): void => current.out(text);
export const err = (text: string): void => current.err(text);

let guarded = false;

/**
 * A failed write to standard output or error (a full device: `papi schema > /dev/full`, ENOSPC; a closed terminal)
 * arrives as the stream's 'error' event, after the write returned: without a listener it is an uncaught exception
 * (a stack trace, exit 1). Here it is one line, `papi: error: cannot write to standard output (ENOSPC)`, written
 * straight to descriptor 2 (nothing if that fails too), and exit 2. A closed pipe on standard output (`papi ... |
 * head`: EPIPE) is the reader's choice, not an error: exit 0, quietly. Real processes only: tests that capture the
 * output in-process (withIo) leave the test runner's streams alone.
 */
export function guardProcessStreams(): void {
  if (guarded || current !== processIo) return;
  guarded = true;
  const fail = (what: string) => (e: NodeJS.ErrnoException) => {
    if (what === "output" && e.code === "EPIPE") process.exit(0);
    try {
      writeSync(2, `papi: error: cannot write to standard ${what} (${e.code ?? e.message})\n`);
    } catch {
      // standard error is gone too: the exit code is all that is left
    }
    process.exit(2);
  };
  process.stdout.on("error", fail("output"));
  process.stderr.on("error", fail("error"));
}

/** Runs `fn` with the CLI's output redirected to `io` (restored afterwards). */
export async function withIo<T>(io: CliIo, fn: () => Promise<T>): Promise<T> {
  const saved = current;
  current = io;
  try {
    return await fn();
  } finally {
    current = saved;
  }
}

/** Prints a value as pretty JSON. */
export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2) + "\n");
}

/** Aligned text table: first column left-aligned, the rest right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n") + "\n";
}
