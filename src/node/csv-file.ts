import { closeSync, openSync, readSync } from "node:fs";
import { CsvRecordReader, CsvTable, completeRecordsPrefix, type CsvRecordHandler, type CsvRow } from "../core/csv.ts";
import { UserError } from "../core/errors.ts";
import { checkReadableFile } from "./read-data-file.ts";

/** Bytes read per chunk when streaming a CSV file. */
const CHUNK_BYTES = 4 << 20;

/**
 * ASSUMPTION: no line of a CSV papi reads (traces, measurements) is longer than 1 MiB; the longest real ones (Azure
 * trace rows, measurement rows) are under 100 bytes. A longer line is not a CSV papi can use (a binary or corrupt
 * file), and without a bound a file with no line break would be held whole (Node cannot make a string of 512 MiB).
 */
export const MAX_CSV_LINE_BYTES = 1 << 20;

const MIB = 1 << 20;
const sizeText = (bytes: number): string => (bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`);

/** Line breaks (0x0A) in buf[from, to). */
function newlinesIn(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(10, from); i >= 0 && i < to; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * The first position in buf[from, end) where a line longer than `max` bytes starts, or -1; `from` is the start of
 * a line. Jumps to the last line break within each `max` bytes (a few native scans per chunk, not one per line); a
 * line still open at `end` is judged when more bytes come (or at the end of the file, `final`).
 */
function longLineStart(buf: Buffer, from: number, end: number, max: number, final: boolean): number {
  let p = from;
  while (end - p > max) {
    const q = buf.lastIndexOf(10, p + max);
    if (q < p) return p;
    p = q + 1;
  }
  return final && end - p > max ? p : -1;
}

/**
 * Streams the records of a CSV file in 4 MiB chunks (constant memory however long the file), cutting chunks on
 * record boundaries; stops reading as soon as `onRecord` returns false. Synchronous, so callers stay simple. Each
 * chunk is decoded up to its last newline byte (a 0x0A byte is never part of a multi-byte UTF-8 character, so the
 * cut is safe; Buffer's decoder is about twice as fast as a streaming TextDecoder); the bytes after it wait for
 * the next chunk. A UTF-8 BOM is dropped by the record reader. A line longer than `maxLineBytes`, or a quoted
 * record still open after that many bytes, is a one-line error naming the file and the line.
 */
export function forEachCsvFileRecord(
  path: string,
  label: string,
  onRecord: CsvRecordHandler,
  chunkBytes = CHUNK_BYTES,
  maxLineBytes = MAX_CSV_LINE_BYTES,
): void {
  checkReadableFile(path);
  const reader = new CsvRecordReader(label, onRecord);
  let buf = Buffer.allocUnsafe(Math.max(chunkBytes, 1));
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UserError(`${label}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let carry = ""; // decoded text of a record that spans chunks (a quoted newline)
  const lineOf = (bufFrom: number) => reader.linesRead + (carry.match(/\n/g)?.length ?? 0) + newlinesIn(buf, 0, bufFrom) + 1;
  const tooLong = (at: number): never => {
    throw new UserError(`${label}:${lineOf(at)}: a line longer than ${sizeText(maxLineBytes)}; not a CSV file papi can read`);
  };
  try {
    let held = 0; // bytes at the start of buf after the previous chunk's last newline (the start of a line)
    for (;;) {
      if (held === buf.length) {
        // one line longer than the buffer (under the bound): grow it
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, held);
        buf = bigger;
      }
      const n = readSync(fd, buf, held, buf.length - held, null);
      const end = held + n;
      const long = longLineStart(buf, 0, end, maxLineBytes, n === 0);
      if (long >= 0) tooLong(long);
      if (n === 0) break;
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
      if (Buffer.byteLength(carry) > maxLineBytes) {
        throw new UserError(`${label}:${reader.linesRead + 1}: a quoted field runs on for more than ${sizeText(maxLineBytes)} (a quote left open?)`);
      }
    }
    reader.piece(carry + buf.toString("utf8", 0, held));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a whole CSV file with a header line into rows; checks `required` columns and field counts. A file with a
 * header and no rows is a one-line error: these are measurement and reference tables, and an empty one would
 * report a comparison over nothing.
 */
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
  if (rows.length === 0) throw new UserError(`${path}: no rows after the header (a measurement table needs at least one)`);
  return rows;
}
