/**
 * Records sent between the explorer's worker and page as columns: a run's iteration and request records are
 * thousands of small objects, and structured cloning them (the worker encodes every property, the page decodes it)
 * was a good part of a control change's time to screen. A column of numbers travels as a Float64Array whose buffer
 * is transferred (exact: every double, -0 and NaN included), a column of strings as a table of its distinct values
 * and their indices; the page rebuilds the same objects, keys in the same order.
 */
export interface Columns {
  readonly keys: readonly string[];
  readonly length: number;
  readonly columns: readonly Column[];
}
type Column = { kind: "number"; values: Float64Array } | { kind: "string"; table: string[]; codes: Uint32Array } | { kind: "any"; values: unknown[] };

/** Columns of `rows`, or undefined when they are not flat records with the same keys in the same order. */
export function toColumns(rows: readonly object[]): Columns | undefined {
  const first = rows[0] as Record<string, unknown> | undefined;
  const keys = first === undefined ? [] : Object.keys(first);
  for (const r of rows) {
    if (Object.getPrototypeOf(r) !== Object.prototype) return undefined;
    const k = Object.keys(r);
    if (k.length !== keys.length || k.some((x, i) => x !== keys[i])) return undefined;
  }
  const n = rows.length;
  const columns = keys.map((key): Column => {
    const at = (i: number) => (rows[i] as Record<string, unknown>)[key];
    let numbers = true;
    let strings = true;
    for (let i = 0; i < n; i++) {
      const v = at(i);
      if (typeof v !== "number") numbers = false;
      if (typeof v !== "string") strings = false;
    }
    if (numbers) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = at(i) as number;
      return { kind: "number", values };
    }
    if (strings) {
      const table: string[] = [];
      const index = new Map<string, number>();
      const codes = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const v = at(i) as string;
        let c = index.get(v);
        if (c === undefined) index.set(v, (c = table.push(v) - 1));
        codes[i] = c;
      }
      return { kind: "string", table, codes };
    }
    return { kind: "any", values: Array.from({ length: n }, (_, i) => at(i)) };
  });
  return { keys, length: n, columns };
}

/** The buffers of the columns, for postMessage's transfer list. */
export const columnBuffers = (c: Columns): ArrayBuffer[] =>
  c.columns.flatMap((col) => (col.kind === "number" ? [col.values.buffer as ArrayBuffer] : col.kind === "string" ? [col.codes.buffer as ArrayBuffer] : []));

/** The records again: one plain object per row, keys in the order they had. */
export function fromColumns<T>(c: Columns): T[] {
  const rows = new Array<T>(c.length);
  const { keys, columns } = c;
  for (let i = 0; i < c.length; i++) {
    const o: Record<string, unknown> = {};
    for (let j = 0; j < keys.length; j++) {
      const col = columns[j];
      o[keys[j]] = col.kind === "number" ? col.values[i] : col.kind === "string" ? col.table[col.codes[i]] : col.values[i];
    }
    rows[i] = o as T;
  }
  return rows;
}
