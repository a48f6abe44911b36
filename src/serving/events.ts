/**
 * The serving loop's events and the queue that orders them (STYLE.md: vidur's simulator, events that return events).
 *
 * Events are ordered by (timeSec, priority, seq): the earlier time first; at equal times the lower priority first;
 * at equal time and priority the one pushed first (seq counts pushes). The priorities make every state change of an
 * instant visible before any decision taken at that instant, as vidur's schedule events run last within a timestep:
 *   0 arrival        a request reaches the router (so a batch formed at time t sees every request that arrived at t)
 *   1 transfer-end   a KV cache finishes moving from a prefill replica to a decode replica (disaggregation)
 *   2 iteration-end  a replica's iteration finishes: tokens are produced, requests finish and free their KV
 *   3 schedule       a replica picks its next iteration (batching policy + FC scheduler) and starts it
 * Event objects are reused (one arrival cursor, one iteration-end and one schedule event per replica, one transfer
 * event per request): an event is in the queue at most once, so the loop allocates nothing per iteration.
 */
import type { ServingRequest } from "./request-state.ts";

export const EVENT_PRIORITY = { arrival: 0, "transfer-end": 1, "iteration-end": 2, schedule: 3 } as const;
export type EventKind = keyof typeof EVENT_PRIORITY;

interface EventBase {
  timeSec: number;
  /** set by the queue on push: the order of pushes breaks ties of (timeSec, priority) */
  seq: number;
}
/** The next request of the trace (arrival order) reaches the router; its handler pushes the one after it. */
export interface ArrivalEvent extends EventBase { kind: "arrival"; index: number }
/** The KV cache of `request` has reached its decode replica. */
export interface TransferEndEvent extends EventBase { kind: "transfer-end"; request: ServingRequest }
/** Replica `replica` finishes its iteration. */
export interface IterationEndEvent extends EventBase { kind: "iteration-end"; replica: number }
/** Replica `replica` decides and starts its next iteration (or idles until an event wakes it). */
export interface ScheduleEvent extends EventBase { kind: "schedule"; replica: number }
export type SimEvent = ArrivalEvent | TransferEndEvent | IterationEndEvent | ScheduleEvent;

/** true when a runs before b. */
export function runsBefore(a: SimEvent, b: SimEvent): boolean {
  if (a.timeSec !== b.timeSec) return a.timeSec < b.timeSec;
  const pa = EVENT_PRIORITY[a.kind];
  const pb = EVENT_PRIORITY[b.kind];
  if (pa !== pb) return pa < pb;
  return a.seq < b.seq;
}

/** A binary min-heap of events by (timeSec, priority, seq). push and pop are O(log n) and allocate nothing once grown. */
export class EventQueue {
  private readonly heap: (SimEvent | undefined)[] = [];
  private size = 0;
  private nextSeq = 0;

  get length(): number {
    return this.size;
  }

  push(e: SimEvent): void {
    e.seq = this.nextSeq++;
    const h = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!runsBefore(e, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = e;
  }

  /** The first event, left in the queue; undefined when empty. */
  peek(): SimEvent | undefined {
    return this.size > 0 ? this.heap[0] : undefined;
  }

  /** The first event by (timeSec, priority, seq), removed; undefined when empty. */
  pop(): SimEvent | undefined {
    if (this.size === 0) return undefined;
    const h = this.heap;
    const top = h[0]!;
    const last = h[--this.size]!;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && runsBefore(h[r]!, h[l]!) ? r : l;
      if (!runsBefore(h[c]!, last)) break;
      h[i] = h[c];
      i = c;
    }
    if (n > 0) h[i] = last;
    h[this.size] = undefined; // drop the reference
    return top;
  }
}
