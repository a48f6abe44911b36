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
