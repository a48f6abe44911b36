import { existsSync, readFileSync, statSync } from "node:fs";
import { UserError } from "./errors.ts";

/** One parsed CSV row: values by column name, plus its 1-based line number in the file. */
export interface CsvRow {
  line: number;
  get(column: string): string;
  /** The column as a finite number; a UserError naming file, line and column otherwise. */
  num(column: string, opts?: { min?: number; integer?: boolean }): number;
}

/**
 * Reads a simple CSV (no quoted commas) with a header line. Checks that `required` columns exist
 * and that every row has as many fields as the header. Errors name the file and line.
 */
export function readCsv(path: string, required: readonly string[]): CsvRow[] {
  if (!existsSync(path)) throw new UserError(`${path}: file not found`);
  if (!statSync(path).isFile()) throw new UserError(`${path}: not a file`);
  const text = readFileSync(path, "utf8");
  return parseCsv(text, path, required);
}

export function parseCsv(text: string, fileLabel: string, required: readonly string[]): CsvRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((s) => s.trim());
  for (const col of required) {
    if (!header.includes(col)) {
      throw new UserError(`${fileLabel}:1: missing column "${col}" (header has: ${header.join(", ")})`);
    }
  }
  const index = new Map(header.map((h, i) => [h, i]));
  const rows: CsvRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === "") continue;
    const fields = raw.split(",");
    const line = i + 1;
    if (fields.length !== header.length) {
      throw new UserError(`${fileLabel}:${line}: expected ${header.length} fields, found ${fields.length}`);
    }
    const get = (column: string): string => {
      const j = index.get(column);
      if (j === undefined) throw new UserError(`${fileLabel}:${line}: no column "${column}"`);
      return fields[j].trim();
    };
    const num = (column: string, opts: { min?: number; integer?: boolean } = {}): number => {
      const s = get(column);
      const v = s === "" ? NaN : Number(s);
      if (!Number.isFinite(v)) throw new UserError(`${fileLabel}:${line}: column "${column}" is not a number: "${s}"`);
      if (opts.integer && !Number.isInteger(v)) {
        throw new UserError(`${fileLabel}:${line}: column "${column}" must be an integer, got ${s}`);
      }
      if (opts.min !== undefined && v < opts.min) {
        throw new UserError(`${fileLabel}:${line}: column "${column}" must be >= ${opts.min}, got ${s}`);
      }
      return v;
    };
    rows.push({ line, get, num });
  }
  return rows;
}
