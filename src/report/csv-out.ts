import { writeFileAtomic } from "../node/output.ts";
import { toCsv, type CsvValue } from "./csv-text.ts";

export { CSV_SIGNIFICANT_DIGITS, formatNumber, formatValue, toCsv, type CsvValue } from "./csv-text.ts";

/** Writes `toCsv(rows)` through a temporary file and a rename. */
export function writeCsv(path: string, rows: readonly Readonly<Record<string, CsvValue>>[]): void {
  writeFileAtomic(path, toCsv(rows));
}
