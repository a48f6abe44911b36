import { closeSync, openSync, readSync } from "node:fs";
import { CsvRecordReader, CsvTable, completeRecordsPrefix, type CsvRecordHandler, type CsvRow } from "../core/csv.ts";
import { UserError } from "../core/errors.ts";
import { checkReadableFile } from "./read-data-file.ts";

/** Bytes read per chunk when streaming a CSV file. */
const CHUNK_BYTES = 4 << 20;

/**
 * Streams the records of a CSV file in 4 MiB chunks (constant memory however long the file), cutting chunks on
 * record boundaries; stops reading as soon as `onRecord` returns false. Synchronous, so callers stay simple. Each
 * chunk is decoded up to its last newline byte (a 0x0A byte is never part of a multi-byte UTF-8 character, so the
 * cut is safe; Buffer's decoder is about twice as fast as a streaming TextDecoder); the bytes after it wait for
 * the next chunk. A UTF-8 BOM is dropped by the record reader.
 */
export function forEachCsvFileRecord(path: string, label: string, onRecord: CsvRecordHandler, chunkBytes = CHUNK_BYTES): void {
  checkReadableFile(path);
  const reader = new CsvRecordReader(label, onRecord);
  let buf = Buffer.allocUnsafe(chunkBytes);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UserError(`${label}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    let carry = ""; // decoded text of a record that spans chunks (a quoted newline)
    let held = 0; // bytes at the start of buf after the previous chunk's last newline
    for (;;) {
      if (held === buf.length) {
        // one line longer than the buffer: grow it
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, held);
        buf = bigger;
      }
      const n = readSync(fd, buf, held, buf.length - held, null);
      if (n === 0) break;
      const end = held + n;
      const lastNewline = buf.lastIndexOf(10, end - 1);
      if (lastNewline < 0) {
        held = end;
        continue;
      }
      carry += buf.toString("utf8", 0, lastNewline + 1);
      held = end - lastNewline - 1;
      buf.copy(buf, 0, lastNewline + 1, end);
      const cut = completeRecordsPrefix(carry);
      if (cut > 0) {
        reader.piece(carry.slice(0, cut));
        carry = carry.slice(cut);
      }
      if (reader.stopped) return;
    }
    reader.piece(carry + buf.toString("utf8", 0, held));
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
