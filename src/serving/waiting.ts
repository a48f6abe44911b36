import { Deque } from "./deque.ts";
import type { ServingRequest } from "./request-state.ts";

/**
 * A replica's waiting queue (FCFS; preempted requests go back to the front). An arrival joins as its position in
 * arrival order only, and its ServingRequest is made the first time the queue hands it out (at, shift): a trace whose
 * million requests all arrive at once then holds a million small integers, not a million request objects, while
 * they wait. A request made late is the one arrival would have made: nothing reads or changes a request between
 * its arrival and the first time a policy looks at it in this queue.
 */
export class WaitingQueue {
  private readonly q = new Deque<ServingRequest | number>();

  /** `make`: the request that arrived `index`-th, as it arrives at this replica (set by the serving loop). */
  constructor(public make: (index: number) => ServingRequest = noArrivals) {}

  get length(): number {
    return this.q.length;
  }

  /** The i-th request from the front (0 = the front). */
  at(i: number): ServingRequest {
    const x = this.q.at(i);
    return typeof x === "number" ? this.q.set(i, this.make(x)) as ServingRequest : x;
  }

  /** The request that arrived `index`-th joins at the back. */
  pushArrival(index: number): void {
    this.q.pushBack(index);
  }

  pushBack(r: ServingRequest): void {
    this.q.pushBack(r);
  }

  pushFront(r: ServingRequest): void {
    this.q.pushFront(r);
  }

  shift(): ServingRequest {
    const x = this.q.shift();
    return typeof x === "number" ? this.make(x) : x;
  }
}

function noArrivals(index: number): ServingRequest {
  throw new Error(`WaitingQueue: arrival ${index} queued without a request factory`);
}
