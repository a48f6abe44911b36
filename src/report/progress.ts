import cliProgress from "cli-progress";

export interface Progress {
  /** Advances by `n` (default 1) and shows `note` (e.g. the point just finished) next to the bar. */
  tick(n?: number, note?: string): void;
  /** Finishes the bar (it stays on screen); safe to call more than once. */
  stop(): void;
}

const NO_OP: Progress = { tick: () => {}, stop: () => {} };

/**
 * A progress bar on stderr, only when `enabled` and stderr is a terminal; otherwise a silent no-op,
 * so redirected output and CI logs stay clean and stdout is never touched.
 */
export function makeProgress(total: number, label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY || !(total > 0)) return NO_OP;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total} {percentage}% | {duration_formatted} elapsed, ETA {eta_formatted} | {note}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { note: "" });
  let stopped = false;
  return {
    tick(n = 1, note = "") {
      if (!stopped) bar.increment(n, { note });
    },
    stop() {
      // Stryker disable next-line ConditionalExpression: cli-progress's own stop() writes nothing a second time, so the guard only saves a call
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
