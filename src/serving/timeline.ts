/**
 * Chrome trace-event JSON (opens in Perfetto / chrome://tracing): one lane per unit, one complete ("X") event
 * per phase of every iteration, and an instant event whenever the scheduler moves FC.
 */
export type Lane = "iteration" | "fc-gpu" | "fc-pim" | "attention" | "communication" | "other" | "prefill" | "scheduler";
const LANES: Lane[] = ["iteration", "prefill", "fc-gpu", "fc-pim", "attention", "communication", "other", "scheduler"];
const LANE_NAMES: Record<Lane, string> = {
  iteration: "decode iteration",
  prefill: "prefill",
  "fc-gpu": "FC on GPU",
  "fc-pim": "FC on FC-PIM",
  attention: "attention",
  communication: "communication",
  other: "norms/activations/host",
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

  span(lane: Lane, name: string, startSec: number, durSec: number, args?: Record<string, unknown>): void {
    if (durSec <= 0) return;
    this.events.push({ name, ph: "X", ts: startSec * 1e6, dur: durSec * 1e6, pid: 1, tid: LANES.indexOf(lane) + 1, args });
  }

  instant(lane: Lane, name: string, atSec: number, args?: Record<string, unknown>): void {
    this.events.push({ name, ph: "i", s: "t", ts: atSec * 1e6, pid: 1, tid: LANES.indexOf(lane) + 1, args });
  }

  toJson(title: string): string {
    const meta: TraceEvent[] = [
      { name: "process_name", ph: "M", ts: 0, pid: 1, tid: 0, args: { name: title } },
      ...LANES.map((l, i) => ({ name: "thread_name", ph: "M" as const, ts: 0, pid: 1, tid: i + 1, args: { name: LANE_NAMES[l] } })),
    ];
    return JSON.stringify({ displayTimeUnit: "ms", traceEvents: [...meta, ...this.events] });
  }
}
