import { existsSync, readFileSync } from "node:fs";
import { parseCsv } from "../core/csv.ts";
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

/**
 * Reads a trace CSV: either `lin,lout` (optional `arrival_sec`, other columns such as `category` ignored)
 * or the Azure LLM inference trace columns `TIMESTAMP,ContextTokens,GeneratedTokens`.
 * `category`, when given, keeps only the rows whose `category` column equals it (file order is kept).
 * Token counts of 0 are clamped to 1 (a request has at least one prompt token and generates at least one);
 * negative or non-integer counts are UserErrors naming file and line.
 */
export function readTraceCsv(path: string, label: string, category?: string): TraceRow[] {
  if (!existsSync(path)) throw new UserError(`${label}: file not found`);
  const text = readFileSync(path, "utf8");
  const header = text.slice(0, text.search(/\r?\n|$/)).split(",").map((s) => s.trim());
  if (header.includes("lin") || header.includes("lout")) return readLengths(text, label, header, category);
  if (AZURE_COLUMNS.some((c) => header.includes(c))) return readAzure(text, label);
  throw new UserError(
    `${label}:1: unknown trace columns (header has: ${header.join(", ")}); ` +
      `expected "${LENGTHS_COLUMNS.join(",")}" [+ arrival_sec] or "${AZURE_COLUMNS.join(",")}"`,
  );
}

function readLengths(text: string, label: string, header: string[], category: string | undefined): TraceRow[] {
  const required: string[] = [...LENGTHS_COLUMNS];
  if (category !== undefined) required.push("category");
  const rows = parseCsv(text, label, required);
  const hasArrival = header.includes("arrival_sec");
  const out: TraceRow[] = [];
  let prevSec = 0;
  for (const r of rows) {
    if (category !== undefined && r.get("category") !== category) continue;
    const inputTokens = Math.max(1, r.num("lin", { min: 0, integer: true }));
    const outputTokens = Math.max(1, r.num("lout", { min: 0, integer: true }));
    let arrivalSec: number | undefined;
    if (hasArrival) {
      arrivalSec = r.num("arrival_sec", { min: 0 });
      if (arrivalSec < prevSec) {
        throw new UserError(`${label}:${r.line}: arrival_sec must be non-decreasing, got ${arrivalSec} after ${prevSec}`);
      }
      prevSec = arrivalSec;
    }
    out.push({ inputTokens, outputTokens, arrivalSec });
  }
  return out;
}

function readAzure(text: string, label: string): TraceRow[] {
  const rows = parseCsv(text, label, AZURE_COLUMNS);
  const out: TraceRow[] = [];
  let first: Timestamp | undefined;
  let prevSec = 0;
  for (const r of rows) {
    const ts = parseTimestamp(r.get("TIMESTAMP"), `${label}:${r.line}`);
    first ??= ts;
    // Whole seconds are exact integers; the fractions are subtracted separately to keep sub-microsecond precision.
    const arrivalSec = ts.wholeSec - first.wholeSec + (ts.fracSec - first.fracSec);
    if (arrivalSec < prevSec) {
      throw new UserError(`${label}:${r.line}: TIMESTAMP must be non-decreasing, got ${r.get("TIMESTAMP")}`);
    }
    prevSec = arrivalSec;
    const inputTokens = Math.max(1, r.num("ContextTokens", { min: 0, integer: true }));
    const outputTokens = Math.max(1, r.num("GeneratedTokens", { min: 0, integer: true }));
    out.push({ inputTokens, outputTokens, arrivalSec });
  }
  return out;
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
  const m = TIMESTAMP_RE.exec(s.trim());
  const bad = (): never => {
    throw new UserError(`${where}: TIMESTAMP must look like "2023-11-16 18:15:46.6805900", got "${s}"`);
  };
  if (!m) return bad();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) bad();
  const wholeSec = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  const fracSec = m[7] ? Number(`0.${m[7]}`) : 0;
  return { wholeSec, fracSec };
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
