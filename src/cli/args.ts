import { UserError } from "../core/errors.ts";

/**
 * Parsers for CLI flag values. Each throws a one-line UserError naming the flag and the allowed range; every flag
 * states its maximum (no default: an unbounded count is how `--rlp 5e9` used to crash or hang).
 */

/** A plain decimal number: optional sign, digits with an optional fraction, optional exponent (no 0x/0b/0o, Infinity, _). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value of a plain decimal flag value (spaces around it allowed), or NaN for anything else ("0x10", "0b11", "Infinity"). */
export function decimalValue(value: string | undefined): number {
  if (value === undefined) return NaN;
  const t = value.trim();
  if (!DECIMAL.test(t)) return NaN;
  const v = Number(t);
  return v === 0 ? 0 : v; // "-0" is 0
}

export function parseInteger(flag: string, value: string | undefined, min: number, max: number): number {
  const v = decimalValue(value);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UserError(`${flag} must be an integer in [${min}, ${max}], got "${value}"`);
  }
  return v;
}

export function parsePositiveInt(flag: string, value: string | undefined, max: number): number {
  return parseInteger(flag, value, 1, max);
}

export function parseNonNegativeInt(flag: string, value: string | undefined, max: number): number {
  return parseInteger(flag, value, 0, max);
}

export function parseNumber(flag: string, value: string | undefined, min: number, max: number): number {
  const v = decimalValue(value);
  if (!Number.isFinite(v) || v < min || v > max) {
    // the smallest positive double as the lower end means "above 0"
    throw new UserError(`${flag} must be a number in ${min === Number.MIN_VALUE ? "(0" : `[${min}`}, ${max}], got "${value}"`);
  }
  return v;
}

export function parsePositiveIntList(flag: string, value: string, max: number, maxItems = 65_536): number[] {
  const parts = value.split(",");
  if (parts.length > maxItems) throw new UserError(`${flag} must list at most ${maxItems} values, got ${parts.length}`);
  return parts.map((s) => parsePositiveInt(flag, s.trim(), max));
}

/** Checks a name against a registry and lists the known names on a miss. */
export function pickNamed<T>(flag: string, name: string, table: Readonly<Record<string, T>>): T {
  const hit = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (hit === undefined) {
    throw new UserError(`unknown ${flag} "${name}"; known: ${Object.keys(table).join(", ")}`);
  }
  return hit;
}

/** Collects a repeatable option (commander's reducer): `--set a=1 --set b=2`. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
