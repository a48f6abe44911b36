import { parquetWriteBuffer } from "hyparquet-writer";
import type { ColumnSource } from "hyparquet-writer";
import { PAPI_VERSION } from "../../core/version.ts";
import type { Cell } from "../../sweep/metrics.ts";
import type { SweepRow } from "../../sweep/prepare.ts";
import { toCsv } from "../csv-out.ts";

/** Rows with exactly the given columns, in that order (missing cells null). */
export function orderedRows(rows: readonly SweepRow[], columns: readonly string[]): SweepRow[] {
  return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
}

/** The CSV of a sweep table (papi's CSV conventions: 6 significant digits, RFC 4180 quoting). */
export function sweepCsv(rows: readonly SweepRow[], columns: readonly string[]): string {
  if (rows.length === 0) return columns.join(",") + "\n";
  return toCsv(orderedRows(rows, columns));
}

/**
 * The Parquet file of a sweep table (full double precision), readable by pandas, polars, DuckDB. Column types from
 * the values: all numbers -> DOUBLE (the point index INT32), all booleans -> BOOLEAN, otherwise STRING; nulls allowed.
 */
export function sweepParquet(rows: readonly SweepRow[], columns: readonly string[], metadata: Record<string, string> = {}): Uint8Array {
  const columnData: ColumnSource[] = columns.map((name) => {
    const cells: Cell[] = rows.map((r) => r[name] ?? null);
    const present = cells.filter((c) => c !== null);
    if (name === "index") return { name, data: cells, type: "INT32" };
    if (present.length > 0 && present.every((c) => typeof c === "number")) return { name, data: cells, type: "DOUBLE" };
    if (present.length > 0 && present.every((c) => typeof c === "boolean")) return { name, data: cells, type: "BOOLEAN" };
    return { name, data: cells.map((c) => (c === null ? null : String(c))), type: "STRING" };
  });
  const buf = parquetWriteBuffer({
    columnData,
    createdBy: `papi ${PAPI_VERSION}`,
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return new Uint8Array(buf);
}
