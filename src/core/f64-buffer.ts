/**
 * A growable list of numbers on a Float64Array: push appends (doubling the storage when full: the values are
 * copied, never lost), `view()` is the filled part without a copy. For the serving loop's per-request metrics,
 * where a million-request run would otherwise keep five `number[]` of boxed-capable elements and regrow them; a
 * caller that knows the final count reserves it once and never regrows.
 */
export class Float64Buffer {
  private data: Float64Array<ArrayBuffer>;
  private n = 0;

  constructor(capacity = 16) {
    this.data = new Float64Array(Math.max(1, capacity));
  }

  get length(): number {
    return this.n;
  }

  /** Room for at least `capacity` values in all (the values so far kept). */
  reserve(capacity: number): void {
    if (capacity > this.data.length) this.resize(capacity);
  }

  push(x: number): void {
    if (this.n === this.data.length) this.resize(2 * this.data.length);
    this.data[this.n++] = x;
  }

  /** The i-th value (undefined past the end, as an array). */
  at(i: number): number | undefined {
    return i >= 0 && i < this.n ? this.data[i] : undefined;
  }

  /** The values pushed so far, as a view on the storage (valid until the next push that grows it). */
  view(): Float64Array<ArrayBuffer> {
    return this.data.subarray(0, this.n);
  }

  /** The values as a plain array (a copy). */
  toArray(): number[] {
    return Array.from(this.view());
  }

  private resize(capacity: number): void {
    const next = new Float64Array(capacity);
    next.set(this.view());
    this.data = next;
  }
}
