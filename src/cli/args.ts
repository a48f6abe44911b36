import { UserError } from "../core/errors.ts";

/** Parsers for CLI flag values. Each throws a one-line UserError naming the flag and the allowed range. */

export function parsePositiveInt(flag: string, value: string | undefined): number {
  const v = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isInteger(v) || v < 1) {
    throw new UserError(`${flag} must be a positive integer (>= 1), got "${value}"`);
  }
  return v;
}

export function parseNonNegativeInt(flag: string, value: string | undefined): number {
  const v = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isInteger(v) || v < 0) {
    throw new UserError(`${flag} must be a non-negative integer (>= 0), got "${value}"`);
  }
  return v;
}

export function parseNonNegativeNumber(flag: string, value: string | undefined): number {
  const v = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isFinite(v) || v < 0) {
    throw new UserError(`${flag} must be a non-negative number, got "${value}"`);
  }
  return v;
}

export function parsePositiveIntList(flag: string, value: string): number[] {
  return value.split(",").map((s) => parsePositiveInt(flag, s.trim()));
}

/** Checks a name against a registry and lists the known names on a miss. */
export function pickNamed<T>(flag: string, name: string, table: Readonly<Record<string, T>>): T {
  const hit = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (hit === undefined) {
    throw new UserError(`unknown ${flag} "${name}"; known: ${Object.keys(table).join(", ")}`);
  }
  return hit;
}

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}
