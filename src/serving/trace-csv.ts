import { CsvTable, type CsvRow } from "../core/csv.ts";
import { UserError } from "../core/errors.ts";

/** One trace row before ids and arrival overrides are applied. */
export interface TraceRow {
  inputTokens: number;
  outputTokens: number;
  /** Seconds from the first request; undefined when the file has no arrival times. */
  arrivalSec: number | undefined;
}

/** Column sets a trace CSV may use (checked in this order). */
export const LENGTHS_COLUMNS = ["lin", "lout"] as const;
export const AZURE_COLUMNS = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"] as const;

/** ASSUMPTION: no request is longer than 10 M tokens (beyond every model's context); longer rows are input errors. */
export const MAX_TOKENS_PER_REQUEST = 10_000_000;
/** Checks of the arrival column (a constant: a million-row trace checks it a million times). */
const NON_NEGATIVE = { min: 0 } as const;

/**
 * Turns the records of a trace CSV into rows, one record at a time (so files can be streamed and reading can stop
 * after `limit` rows). Formats: `lin,lout` (optional `arrival_sec`, other columns such as `category` ignored) or
 * the Azure LLM inference trace columns `TIMESTAMP,ContextTokens,GeneratedTokens`. `category`, when given, keeps
 * only the rows whose `category` column equals it (file order is kept). A token count outside [1,
 * MAX_TOKENS_PER_REQUEST] or not an integer (a request has at least one prompt token and generates at least one,
 * as `fixed:LIN:LOUT` requires) is a UserError naming file, line and column.
 */
export class TraceCsvReader {
  readonly rows: TraceRow[] = [];
  private table: CsvTable | undefined;
  private format: "lengths" | "azure" | undefined;
  // Stryker disable next-line BooleanLiteral: equivalent, the header record always sets hasArrival before lengthsRow reads it (Azure rows never read it)
  private hasArrival = false;
  private prevSec = 0;
  private first: Timestamp | undefined;

  constructor(
    private readonly label: string,
    private readonly category: string | undefined,
    private readonly limit = Infinity,
  ) {}

  /** Feeds one record (the first is the header); returns false once `limit` rows are read. */
  record(fields: string[], line: number): boolean {
    if (this.table === undefined) {
      const header = fields.map((f) => f.trim());
      if (header.includes("lin") || header.includes("lout")) {
        this.format = "lengths";
        const required: string[] = [...LENGTHS_COLUMNS];
        if (this.category !== undefined) required.push("category");
        this.hasArrival = header.includes("arrival_sec");
        this.table = new CsvTable(this.label, required);
      } else if (AZURE_COLUMNS.some((c) => header.includes(c))) {
        this.format = "azure";
        this.table = new CsvTable(this.label, AZURE_COLUMNS);
      } else {
        throw new UserError(
          `${this.label}:${line}: unknown trace columns (header has: ${header.join(", ")}); ` +
            `expected "${LENGTHS_COLUMNS.join(",")}" [+ arrival_sec] or "${AZURE_COLUMNS.join(",")}"`,
        );
      }
      this.table.record(fields, line);
      return this.limit > 0;
    }
    const r = this.table.record(fields, line)!;
    if (this.format === "lengths") this.lengthsRow(r);
    else this.azureRow(r);
    return this.rows.length < this.limit;
  }

  private tokens(r: CsvRow, column: string): number {
    const v = r.num(column);
    if (!(Number.isInteger(v) && v >= 1 && v <= MAX_TOKENS_PER_REQUEST)) {
      throw new UserError(`${this.label}:${r.line}: column "${column}" must be an integer in [1, ${MAX_TOKENS_PER_REQUEST}], got ${r.get(column)}`);
    }
    return v;
  }

  private lengthsRow(r: CsvRow): void {
    if (this.category !== undefined && r.get("category") !== this.category) return;
    const inputTokens = this.tokens(r, "lin");
    const outputTokens = this.tokens(r, "lout");
    let arrivalSec: number | undefined;
    if (this.hasArrival) {
      arrivalSec = r.num("arrival_sec", NON_NEGATIVE);
      if (arrivalSec < this.prevSec) {
        throw new UserError(`${this.label}:${r.line}: arrival_sec must be non-decreasing, got ${arrivalSec} after ${this.prevSec}`);
      }
      this.prevSec = arrivalSec;
    }
    this.rows.push({ inputTokens, outputTokens, arrivalSec });
  }

  private azureRow(r: CsvRow): void {
    const ts = parseTimestamp(r.get("TIMESTAMP"), `${this.label}:${r.line}`);
    this.first ??= ts;
    // Whole seconds are exact integers; the fractions are subtracted separately to keep sub-microsecond precision.
    const arrivalSec = ts.wholeSec - this.first.wholeSec + (ts.fracSec - this.first.fracSec);
    if (arrivalSec < this.prevSec) {
      throw new UserError(`${this.label}:${r.line}: TIMESTAMP must be non-decreasing, got ${r.get("TIMESTAMP")}`);
    }
    this.prevSec = arrivalSec;
    this.rows.push({ inputTokens: this.tokens(r, "ContextTokens"), outputTokens: this.tokens(r, "GeneratedTokens"), arrivalSec });
  }

  /** The rows read; a UserError for a file without a header. */
  finish(): TraceRow[] {
    if (this.table === undefined) throw new UserError(`${this.label}: empty trace file (expected a header line)`);
    return this.rows;
  }
}

/** A wall-clock timestamp split into whole seconds since 1970-01-01 (no time zone) and a fraction in [0, 1). */
export interface Timestamp {
  wholeSec: number;
  fracSec: number;
}

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/**
 * Parses `YYYY-MM-DD HH:MM:SS[.fffffff]` field by field (no Date, so no time-zone or millisecond
 * truncation pitfalls). The clock is taken as-is; only differences between timestamps are used.
 */
export function parseTimestamp(s: string, where: string): Timestamp {
  const fast = parseTimestampFast(s);
  // Stryker disable next-line ConditionalExpression: without the fast path the regular expression parses the same timestamp (property-tested)
  if (fast !== undefined) return fast;
  const m = TIMESTAMP_RE.exec(s.trim());
  const bad = (): never => {
    throw new UserError(`${where}: TIMESTAMP must look like "2023-11-16 18:15:46.6805900", got "${s}"`);
  };
  if (!m) return bad();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) bad();
  if (day > daysInMonth(year, month)) {
    throw new UserError(`${where}: TIMESTAMP ${m[1]}-${m[2]}-${m[3]} is not a calendar date (${m[1]}-${m[2]} has ${daysInMonth(year, month)} days), got "${s}"`);
  }
  const wholeSec = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  const fracSec = m[7] ? Number(`0.${m[7]}`) : 0;
  return { wholeSec, fracSec };
}

/** The value of `n` ASCII digits of `s` at `from`, or -1 if one is not a digit. */
function digitsAt(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

let lastDate = "";
let lastDateDays = 0;

/**
 * parseTimestamp's fast path for the exact form `YYYY-MM-DD HH:MM:SS[.f...]` (every Azure row): fixed positions, no
 * regular expression, the day number cached per date (a trace spans a few dates). undefined: not that form (the
 * regular expression decides, with its messages).
 */
export function parseTimestampFast(s: string): Timestamp | undefined {
  if (s.length < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (s.charCodeAt(10) !== 32 && s.charCodeAt(10) !== 84)) return undefined;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return undefined;
  let fracSec = 0;
  if (s.length > 19) {
    // Stryker disable next-line EqualityOperator,ArithmeticOperator: rejecting a valid fraction only hands it to the regular expression, which reads the same value
    if (s.charCodeAt(19) !== 46 || s.length === 20 || digitsAt(s, 20, s.length - 20) < 0) return undefined;
    fracSec = Number(s.slice(19)); // ".6805900": the same double as Number("0.6805900")
  }
  const date = s.slice(0, 10);
  // Stryker disable next-line ConditionalExpression: a one-entry cache; recomputing the day gives the same number
  if (date !== lastDate) {
    const year = digitsAt(s, 0, 4);
    const month = digitsAt(s, 5, 2);
    const day = digitsAt(s, 8, 2);
    // an impossible date (2023-02-31) goes to the checked path, which names it
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    lastDate = date;
    lastDateDays = daysFromCivil(year, month, day);
  }
  return { wholeSec: lastDateDays * 86400 + hour * 3600 + minute * 60 + second, fracSec };
}

/** Days in a month of the proleptic Gregorian calendar (February: 29 in years divisible by 4, except centuries not divisible by 400). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
