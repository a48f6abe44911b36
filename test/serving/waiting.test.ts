import { test } from "node:test";
import assert from "node:assert/strict";
import { ServingRequest } from "../../src/serving/request-state.ts";
import type { RequestSpec } from "../../src/serving/trace.ts";
import { WaitingQueue } from "../../src/serving/waiting.ts";

const specs: RequestSpec[] = [10, 20, 30, 40].map((n, id) => ({ id, arrivalSec: 0, inputTokens: n, outputTokens: 2 }));

function queue() {
  const made: number[] = [];
  const q = new WaitingQueue((i) => {
    made.push(i);
    return Object.assign(new ServingRequest(specs[i], i), { replica: 7 });
  });
  return { q, made };
}

test("an arrival's request is made once, when first handed out, equal to one made at arrival", () => {
  const { q, made } = queue();
  q.pushArrival(0);
  q.pushArrival(1);
  assert.deepEqual(made, [], "nothing made while waiting");
  const a = q.at(1);
  assert.equal(q.at(1), a, "the same object every time");
  assert.deepEqual(made, [1]);
  const atArrival = Object.assign(new ServingRequest(specs[1], 1), { replica: 7 });
  assert.deepEqual(a, atArrival);
  // a change a policy makes to a handed-out request stays with it
  a.waitedForKv = true;
  assert.equal(q.at(1).waitedForKv, true);
  assert.equal(q.shift().index, 0);
  assert.equal(q.shift(), a);
  assert.deepEqual(made, [1, 0]);
  assert.equal(q.length, 0);
});

test("FCFS with preempted requests at the front and hand-offs at the back, arrivals in between", () => {
  const { q } = queue();
  q.pushArrival(1);
  q.pushArrival(2);
  const preempted = new ServingRequest(specs[0], 0);
  q.pushFront(preempted);
  const handedOff = new ServingRequest(specs[3], 3);
  q.pushBack(handedOff);
  assert.equal(q.length, 4);
  assert.deepEqual([q.shift(), q.shift(), q.shift(), q.shift()].map((r) => r.index), [0, 1, 2, 3]);
});

test("a queue without a request factory fails loudly rather than hand out a number", () => {
  const q = new WaitingQueue();
  q.pushArrival(0);
  assert.throws(() => q.at(0), /without a request factory/);
});
