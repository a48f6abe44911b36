/** CSV text (pure: the browser explorer exports with it too); csv-out.ts writes it to files. */
export type CsvValue = string | number | boolean | null | undefined;

/** Significant digits of non-integer numbers in CSV output. */
export const CSV_SIGNIFICANT_DIGITS = 6;

/**
 * Formats rows as CSV (RFC 4180 quoting, "\n" line ends, trailing newline).
 * Columns: the first row's keys in order, then keys first seen in later rows; a missing value is empty.
 * Numbers: integers exactly; other finite numbers rounded to 6 significant digits and printed in the
 * shortest form JavaScript reads back (1.23457e-7, 0.333333, 123457); NaN and ±Infinity as NaN, Infinity,
 * -Infinity; -0 as 0. Booleans as true/false; null and undefined as empty.
 */
export function toCsv(rows: readonly Readonly<Record<string, CsvValue>>[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const lines = [columns.map(quote).join(",")];
  for (const row of rows) lines.push(columns.map((c) => formatValue(row[c])).join(","));
  return lines.join("\n") + "\n";
}


export function formatValue(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return formatNumber(v);
  return quote(String(v)); // a boolean as true/false (never quoted)
}

/** NaN and +-Infinity need no case of their own: toPrecision prints them as String does. */
export function formatNumber(v: number): string {
  if (Object.is(v, -0)) return "0";
  if (Number.isInteger(v)) return Number.isSafeInteger(v) ? String(v) : String(Number(v.toPrecision(CSV_SIGNIFICANT_DIGITS)));
  return String(Number(v.toPrecision(CSV_SIGNIFICANT_DIGITS)));
}

/** Quotes a field when it holds a comma, quote, line break or leading/trailing space. */
function quote(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
