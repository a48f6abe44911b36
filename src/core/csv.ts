import Papa from "papaparse";
import { UserError } from "./errors.ts";

/**
 * CSV reading on top of Papa Parse (RFC 4180: quoted fields, embedded commas, quotes and newlines). Pure: works on
 * text, so it runs in Node and in the browser; src/node/csv-file.ts streams files through the same record handler.
 */

/** One record: its fields and the 1-based line of the file where it starts. Return false to stop reading. */
export type CsvRecordHandler = (fields: string[], line: number) => boolean | void;

/**
 * Reads CSV records piece by piece: each piece must end on a record boundary (a newline outside quotes) or at the
 * end of the file, so a file can be streamed in chunks (src/node/csv-file.ts) and a text parsed at once. Records
 * report the 1-based line they start on; empty lines are skipped; `onRecord` returning false stops the reader.
 */
export class CsvRecordReader {
  /** Newlines in the pieces already parsed. */
  private linesBefore = 0;
  stopped = false;

  constructor(
    private readonly label: string,
    private readonly onRecord: CsvRecordHandler,
  ) {}

  piece(text: string): void {
    if (this.stopped || text.length === 0) return;
    let scanned = 0;
    let newlines = 0;
    // newlines in text[0, offset)
    const newlinesBefore = (offset: number): number => {
      for (; scanned < offset; scanned++) if (text.charCodeAt(scanned) === 10) newlines++;
      return newlines;
    };
    Papa.parse<string[]>(text, {
      delimiter: ",",
      skipEmptyLines: "greedy",
      step: (r, parser) => {
        if (this.stopped) return;
        // The cursor is just past the record (and its newline, if any); the record starts on the line where it
        // ends minus the newlines inside its quoted fields.
        let end = r.meta.cursor;
        if (end > 0 && text.charCodeAt(end - 1) === 10) end--;
        let inner = 0;
        for (const f of r.data) for (let i = f.indexOf("\n"); i >= 0; i = f.indexOf("\n", i + 1)) inner++;
        const line = this.linesBefore + newlinesBefore(end) - inner + 1;
        if (r.errors.length > 0) throw new UserError(`${this.label}:${line}: malformed CSV (${r.errors[0].message})`);
        if (this.onRecord(r.data, line) === false) {
          this.stopped = true;
          parser.abort();
        }
      },
    });
    this.linesBefore += newlinesBefore(text.length);
  }
}

/** Calls `onRecord` for every non-empty record of `text` (the header included), in order. */
export function forEachCsvRecord(text: string, label: string, onRecord: CsvRecordHandler): void {
  new CsvRecordReader(label, onRecord).piece(text);
}

/**
 * Length of the longest prefix of `text` (which starts on a record boundary) that ends on a record boundary: just
 * after a newline outside quoted fields. RFC 4180 escapes a quote by doubling it, so quote parity tells whether a
 * newline is inside a field.
 */
export function completeRecordsPrefix(text: string): number {
  let inQuotes = false;
  let cut = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) cut = i + 1;
  }
  return cut;
}

/** One parsed CSV row: values by column name, plus its 1-based line number in the file. */
export interface CsvRow {
  line: number;
  get(column: string): string;
  /** The column as a finite number; a UserError naming file, line and column otherwise. */
  num(column: string, opts?: { min?: number; max?: number; integer?: boolean }): number;
}

/**
 * Turns records into CsvRows: the first record is the header, which must hold the `required` columns; every
 * row must have as many fields as the header. Errors name the file and line.
 */
export class CsvTable {
  private index: Map<string, number> | undefined;
  header: string[] = [];
  constructor(
    private readonly label: string,
    private readonly required: readonly string[],
  ) {}

  /** Feeds one record; returns the row, or undefined for the header. */
  record(fields: string[], line: number): CsvRow | undefined {
    if (this.index === undefined) {
      this.header = fields.map((s) => s.trim());
      for (const col of this.required) {
        if (!this.header.includes(col)) {
          throw new UserError(`${this.label}:${line}: missing column "${col}" (header has: ${this.header.join(", ")})`);
        }
      }
      this.index = new Map(this.header.map((h, i) => [h, i]));
      return undefined;
    }
    if (fields.length !== this.header.length) {
      throw new UserError(`${this.label}:${line}: expected ${this.header.length} fields, found ${fields.length}`);
    }
    const index = this.index;
    const label = this.label;
    const get = (column: string): string => {
      const j = index.get(column);
      if (j === undefined) throw new UserError(`${label}:${line}: no column "${column}"`);
      return fields[j].trim();
    };
    const num = (column: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number => {
      const s = get(column);
      const v = s === "" ? NaN : Number(s);
      if (!Number.isFinite(v)) throw new UserError(`${label}:${line}: column "${column}" is not a number: "${s}"`);
      if (opts.integer && !Number.isInteger(v)) throw new UserError(`${label}:${line}: column "${column}" must be an integer, got ${s}`);
      if (opts.min !== undefined && v < opts.min) throw new UserError(`${label}:${line}: column "${column}" must be >= ${opts.min}, got ${s}`);
      if (opts.max !== undefined && v > opts.max) throw new UserError(`${label}:${line}: column "${column}" must be <= ${opts.max}, got ${s}`);
      return v;
    };
    return { line, get, num };
  }
}

/** Parses a whole CSV text with a header line; checks `required` columns and field counts. */
export function parseCsv(text: string, fileLabel: string, required: readonly string[]): CsvRow[] {
  const table = new CsvTable(fileLabel, required);
  const rows: CsvRow[] = [];
  let sawHeader = false;
  forEachCsvRecord(text, fileLabel, (fields, line) => {
    sawHeader = true;
    const r = table.record(fields, line);
    if (r) rows.push(r);
  });
  if (!sawHeader) table.record([""], 1); // empty file: report the missing columns
  return rows;
}
