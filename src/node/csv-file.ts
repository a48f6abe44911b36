import { closeSync, openSync, readSync } from "node:fs";
import { CsvRecordReader, CsvTable, completeRecordsPrefix, type CsvRecordHandler, type CsvRow } from "../core/csv.ts";
import { UserError } from "../core/errors.ts";
import { checkReadableFile } from "./read-data-file.ts";

/** Bytes read per chunk when streaming a CSV file. */
const CHUNK_BYTES = 4 << 20;

/**
 * Streams the records of a CSV file in 4 MiB chunks (constant memory however long the file), cutting chunks on
 * record boundaries; stops reading as soon as `onRecord` returns false. Synchronous, so callers stay simple.
 */
export function forEachCsvFileRecord(path: string, label: string, onRecord: CsvRecordHandler): void {
  checkReadableFile(path);
  const reader = new CsvRecordReader(label, onRecord);
  const decoder = new TextDecoder("utf-8");
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UserError(`${label}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    let carry = "";
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      carry += decoder.decode(buf.subarray(0, n), { stream: true });
      const cut = completeRecordsPrefix(carry);
      if (cut > 0) {
        reader.piece(carry.slice(0, cut));
        carry = carry.slice(cut);
      }
      if (reader.stopped) return;
    }
    reader.piece(carry + decoder.decode());
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole CSV file with a header line into rows; checks `required` columns and field counts. */
export function readCsv(path: string, required: readonly string[]): CsvRow[] {
  const table = new CsvTable(path, required);
  const rows: CsvRow[] = [];
  let sawHeader = false;
  forEachCsvFileRecord(path, path, (fields, line) => {
    sawHeader = true;
    const r = table.record(fields, line);
    if (r) rows.push(r);
  });
  if (!sawHeader) table.record([""], 1);
  return rows;
}
