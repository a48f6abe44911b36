import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { EVENT_PRIORITY, EventQueue, runsBefore, type SimEvent } from "../../src/serving/events.ts";
import { Deque } from "../../src/serving/deque.ts";

const ev = (kind: SimEvent["kind"], timeSec: number, tag: number): SimEvent =>
  kind === "arrival" ? { kind, index: tag, timeSec, seq: 0 } : kind === "transfer-end" ? { kind, request: null as never, timeSec, seq: tag } : { kind, replica: tag, timeSec, seq: 0 };
const tagOf = (e: SimEvent) => (e.kind === "arrival" ? e.index : e.kind === "transfer-end" ? -1 : e.replica);

test("ties break on (time, priority, push order): arrivals, then hand-offs, then iteration ends, then schedules", () => {
  const q = new EventQueue();
  // pushed in an order that is wrong on every key
  q.push(ev("schedule", 1, 0));
  q.push(ev("iteration-end", 1, 0));
  q.push(ev("arrival", 2, 0));
  q.push(ev("arrival", 1, 7));
  q.push(ev("schedule", 0.5, 3));
  q.push(ev("arrival", 1, 8));
  q.push(ev("iteration-end", 1, 1));
  const order: string[] = [];
  for (let e = q.pop(); e; e = q.pop()) order.push(`${e.timeSec}:${e.kind}:${tagOf(e)}`);
  assert.deepEqual(order, [
    "0.5:schedule:3",
    "1:arrival:7", "1:arrival:8", // same time and priority: push order
    "1:iteration-end:0", "1:iteration-end:1",
    "1:schedule:0",
    "2:arrival:0",
  ]);
  assert.deepEqual(Object.entries(EVENT_PRIORITY).sort((a, b) => a[1] - b[1]).map(([k]) => k), ["arrival", "transfer-end", "iteration-end", "schedule"]);
});

test("an event popped and pushed again gets a new place in the push order", () => {
  const q = new EventQueue();
  const a = ev("schedule", 1, 0);
  q.push(a);
  q.push(ev("schedule", 1, 1));
  assert.equal(q.pop(), a);
  q.push(a); // reused object: now behind replica 1's
  assert.deepEqual([tagOf(q.pop()!), tagOf(q.pop()!)], [1, 0]);
  assert.equal(q.pop(), undefined);
  assert.equal(q.length, 0);
});

describe("properties", () => {
  const kinds = fc.constantFrom("arrival" as const, "iteration-end" as const, "schedule" as const);
  test("the queue pops in (time, priority, push order) order whatever the push order", () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(kinds, fc.integer({ min: 0, max: 5 })), { maxLength: 60 }), (items) => {
        const q = new EventQueue();
        const pushed = items.map(([k, t], i) => ev(k, t, i));
        for (const e of pushed) q.push(e);
        const popped: SimEvent[] = [];
        for (let e = q.pop(); e; e = q.pop()) popped.push(e);
        const expected = [...pushed].sort((a, b) => (runsBefore(a, b) ? -1 : runsBefore(b, a) ? 1 : 0));
        assert.deepEqual(popped, expected);
        for (let i = 1; i < popped.length; i++) assert.ok(!runsBefore(popped[i], popped[i - 1]));
      }),
    ));

  test("the deque keeps its order when it grows with its front anywhere in the ring (by hand)", () => {
    const d = new Deque<number>();
    for (let i = 0; i < 20; i++) d.pushBack(i); // grows once at 16, front at slot 0
    for (let i = 0; i < 5; i++) assert.equal(d.shift(), i);
    for (let i = 20; i < 40; i++) d.pushBack(i); // grows at 32 with the front at slot 5
    for (let i = 1; i <= 3; i++) d.pushFront(-i);
    assert.equal(d.length, 38);
    assert.deepEqual(Array.from({ length: d.length }, (_, i) => d.at(i)), [-3, -2, -1, ...Array.from({ length: 35 }, (_, i) => i + 5)]);
    const f = new Deque<number>();
    for (let i = 0; i < 17; i++) f.pushFront(i); // grows with the front wrapped to the end of the ring
    assert.deepEqual(Array.from({ length: 17 }, (_, i) => f.at(i)), Array.from({ length: 17 }, (_, i) => 16 - i));
    assert.throws(() => f.at(17), RangeError);
    assert.throws(() => f.at(-1), RangeError);
    assert.throws(() => new Deque<number>().shift(), RangeError);
  });

  test("the deque is a FIFO at the back and a stack at the front, across growth", () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("back", "front", "shift"), fc.integer()), { maxLength: 200, size: "max" }), (ops) => {
        const d = new Deque<number>();
        const model: number[] = [];
        for (const [op, x] of ops) {
          if (op === "back") (d.pushBack(x), model.push(x));
          else if (op === "front") (d.pushFront(x), model.unshift(x));
          else if (model.length > 0) assert.equal(d.shift(), model.shift());
        }
        assert.equal(d.length, model.length);
        assert.deepEqual(Array.from({ length: d.length }, (_, i) => d.at(i)), model);
      }),
    ));
});
