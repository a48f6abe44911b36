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
  private firstPiece = true;
  stopped = false;

  constructor(
    private readonly label: string,
    private readonly onRecord: CsvRecordHandler,
    /** read quote-free pieces without Papa Parse (same records; false only to compare the two in tests) */
    private readonly fastPath = true,
  ) {}

  /** Line breaks in the pieces read so far: the next piece starts on line linesRead + 1. */
  get linesRead(): number {
    return this.linesBefore;
  }

  piece(text: string): void {
    if (this.stopped || text.length === 0) return;
    if (this.firstPiece && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 BOM (Papa drops it too)
    this.firstPiece = false;
    if (this.fastPath && isPlainCsv(text)) {
      this.plainPiece(text);
      return;
    }
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
        if (r.errors.length > 0) {
          // an unterminated quote swallows the rest of the piece (its final newline too): name the quote's line
          const at = r.errors[0].index;
          const where = at === undefined ? line : this.linesBefore + countNewlines(text, at) + 1;
          throw new UserError(`${this.label}:${where}: malformed CSV (${r.errors[0].message})`);
        }
        if (this.onRecord(r.data, line) === false) {
          this.stopped = true;
          parser.abort();
        }
      },
    });
    this.linesBefore += newlinesBefore(text.length);
  }

  /**
   * The fast path for pieces without quotes (almost every trace): one record per line, fields split on commas, the
   * same records, lines and empty-line skipping as Papa Parse's (skipEmptyLines "greedy"), several times faster than
   * its per-record step callback.
   */
  private plainPiece(text: string): void {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      const endsLine = end >= 0;
      if (!endsLine) end = text.length;
      const line = this.linesBefore + 1;
      if (endsLine) this.linesBefore++;
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      const from = start;
      start = end + 1;
      if (isBlankRecord(text, from, stop)) continue;
      if (this.onRecord(splitFields(text, from, stop), line) === false) {
        this.stopped = true;
        return;
      }
    }
  }
}

/** Newlines in text[0, end). */
function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** A piece the fast path reads exactly as Papa would: no quotes, and every CR part of a CRLF. */
function isPlainCsv(text: string): boolean {
  if (text.indexOf('"') >= 0) return false;
  for (let i = text.indexOf("\r"); i >= 0; i = text.indexOf("\r", i + 1)) if (text.charCodeAt(i + 1) !== 10) return false;
  return true;
}

/** The comma-separated fields of text[from, stop) (no line string is made first: a million-row trace, a million fewer). */
function splitFields(text: string, from: number, stop: number): string[] {
  const fields: string[] = [];
  for (;;) {
    const comma = text.indexOf(",", from);
    if (comma < 0 || comma >= stop) {
      fields.push(text.slice(from, stop));
      return fields;
    }
    fields.push(text.slice(from, comma));
    from = comma + 1;
  }
}

/** A line whose fields are all whitespace (",, ,"): Papa's "greedy" mode skips it (fields joined, then trimmed). */
function isBlankRecord(text: string, from: number, stop: number): boolean {
  for (let i = from; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 32 || c === 9) continue;
    // any other ASCII character is content; rarer whitespace (NBSP, ...) takes the exact test
    if (c > 32 && c < 128) return false;
    return text.slice(from, stop).split(",").join("").trim() === "";
  }
  return true;
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
  if (text.indexOf('"') < 0) return text.lastIndexOf("\n") + 1; // no quotes: every newline ends a record
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
      const first = new Map<string, number>();
      this.header.forEach((h, i) => {
        const j = first.get(h);
        if (j !== undefined && h !== "") {
          throw new UserError(`${this.label}:${line}: column "${h}" appears twice in the header (columns ${j + 1} and ${i + 1})`);
        }
        if (j === undefined) first.set(h, i);
      });
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
    return new TableRow(this.label, this.index, fields, line);
  }
}

/** A row of a CsvTable (a class, not closures: a million-row trace makes a million of them). */
class TableRow implements CsvRow {
  constructor(
    private readonly label: string,
    private readonly index: Map<string, number>,
    private readonly fields: string[],
    readonly line: number,
  ) {}

  get(column: string): string {
    const j = this.index.get(column);
    if (j === undefined) throw new UserError(`${this.label}:${this.line}: no column "${column}"`);
    return this.fields[j].trim();
  }

  num(column: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const s = this.get(column);
    const v = s === "" ? NaN : Number(s);
    if (!Number.isFinite(v)) this.fail(column, `is not a number: "${s}"`);
    if (opts.integer && !Number.isInteger(v)) this.fail(column, `must be an integer, got ${s}`);
    if (opts.min !== undefined && v < opts.min) this.fail(column, `must be >= ${opts.min}, got ${s}`);
    if (opts.max !== undefined && v > opts.max) this.fail(column, `must be <= ${opts.max}, got ${s}`);
    return v;
  }

  private fail(column: string, message: string): never {
    throw new UserError(`${this.label}:${this.line}: column "${column}" ${message}`);
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
