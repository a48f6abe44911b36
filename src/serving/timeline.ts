/**
 * Chrome trace-event JSON (opens in Perfetto / chrome://tracing): one lane per phase and one per unit that runs FC
 * (`fc-<unit name>`), one complete ("X") event per phase of every iteration, and an instant event whenever the
 * scheduler moves FC.
 */
export type Lane = "iteration" | `fc-${string}` | "attention" | "communication" | "other" | "draft" | "prefill" | "scheduler";
const FIXED: Lane[] = ["iteration", "prefill", "attention", "communication", "other", "draft", "scheduler"];
const LANE_NAMES: Record<string, string> = {
  iteration: "decode iteration",
  prefill: "prefill",
  attention: "attention",
  communication: "communication",
  other: "norms/activations/host",
  draft: "draft model",
  scheduler: "scheduler decisions",
};

interface TraceEvent {
  name: string;
  ph: "X" | "i" | "M";
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  s?: "t";
  args?: Record<string, unknown>;
}

export class Timeline {
  private readonly events: TraceEvent[] = [];
  /** lanes in order of first use after the fixed ones (FC lanes: `fc-gpu`, `fc-fc-pim`, ...) */
  private readonly lanes: Lane[] = [...FIXED];

  private tid(lane: Lane): number {
    let i = this.lanes.indexOf(lane);
    if (i < 0) i = this.lanes.push(lane) - 1;
    return i + 1;
  }

  span(lane: Lane, name: string, startSec: number, durSec: number, args?: Record<string, unknown>): void {
    if (durSec <= 0) return;
    this.events.push({ name, ph: "X", ts: startSec * 1e6, dur: durSec * 1e6, pid: 1, tid: this.tid(lane), args });
  }

  instant(lane: Lane, name: string, atSec: number, args?: Record<string, unknown>): void {
    this.events.push({ name, ph: "i", s: "t", ts: atSec * 1e6, pid: 1, tid: this.tid(lane), args });
  }

  toJson(title: string): string {
    const meta: TraceEvent[] = [
      { name: "process_name", ph: "M", ts: 0, pid: 1, tid: 0, args: { name: title } },
      ...this.lanes.map((l, i) => ({ name: "thread_name", ph: "M" as const, ts: 0, pid: 1, tid: i + 1, args: { name: LANE_NAMES[l] ?? `FC on ${l.slice(3)}` } })),
    ];
    return JSON.stringify({ displayTimeUnit: "ms", traceEvents: [...meta, ...this.events] });
  }
}
