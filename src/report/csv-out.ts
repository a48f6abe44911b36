import { writeOutputFile } from "../node/output.ts";
import { toCsv, type CsvValue } from "./csv-text.ts";

export { CSV_SIGNIFICANT_DIGITS, formatNumber, formatValue, toCsv, type CsvValue } from "./csv-text.ts";

/** Writes `toCsv(rows)` by the output rules of src/node/output.ts (a regular file: a temporary file and a rename). */
export function writeCsv(path: string, rows: readonly Readonly<Record<string, CsvValue>>[]): void {
  writeOutputFile(path, toCsv(rows));
}
