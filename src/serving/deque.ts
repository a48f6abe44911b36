/**
 * A double-ended FIFO on a ring buffer (the waiting queues: arrivals join at the back, requests preempted by
 * recomputation go back to the front, as in vLLM). O(1) at both ends; it allocates only when it grows.
 */
export class Deque<T> {
  private buf: (T | undefined)[] = new Array<T | undefined>(16);
  private head = 0;
  private n = 0;

  get length(): number {
    return this.n;
  }

  /** The i-th element from the front (0 = the front). */
  at(i: number): T {
    if (i < 0 || i >= this.n) throw new RangeError(`Deque.at(${i}) of ${this.n}`);
    return this.buf[(this.head + i) & (this.buf.length - 1)]!;
  }

  /** Replaces the i-th element from the front; returns it. */
  set(i: number, x: T): T {
    if (i < 0 || i >= this.n) throw new RangeError(`Deque.set(${i}) of ${this.n}`);
    this.buf[(this.head + i) & (this.buf.length - 1)] = x;
    return x;
  }

  pushBack(x: T): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[(this.head + this.n) & (this.buf.length - 1)] = x;
    this.n++;
  }

  pushFront(x: T): void {
    if (this.n === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = x;
    this.n++;
  }

  shift(): T {
    if (this.n === 0) throw new RangeError("Deque.shift of an empty deque");
    const x = this.buf[this.head]!;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.n--;
    return x;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.buf.length * 2);
    // Stryker disable next-line EqualityOperator: one more copy writes next[n], a slot outside the n live elements that the next push overwrites
    for (let i = 0; i < this.n; i++) next[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
    this.buf = next;
    this.head = 0;
  }
}
