/**
 * Stable hashing of plain data (for run folders and sweep points): JSON with object keys sorted, then 64-bit
 * FNV-1a (two 32-bit halves, no BigInt) printed as 16 hex digits. Not cryptographic; stable across runs and
 * platforms, and the same in Node and the browser.
 */
export function stableJson(value: unknown): string {
  try {
    return fastStableJson(value);
  } catch {
    // anything the fast writer does not take (a Date or other toJSON object, a Map, a cycle, a BigInt): the
    // definition itself, which also throws JSON.stringify's own error where there is one
    return referenceStableJson(value);
  }
}

/** The definition of stableJson: JSON.stringify with every non-array object rebuilt with its keys sorted. */
export function referenceStableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return v;
  });
}

/** Thrown for a value the fast writer leaves to the reference (never escapes stableJson). */
const UNSUPPORTED = new Error("stableJson: not plain data");

/** An array index as a property key ("0", "17"; not "01" or "4294967295"): objects list those first, ascending. */
function isIndexKey(k: string): boolean {
  const n = k.length;
  if (n === 0 || n > 10) return false;
  const c0 = k.charCodeAt(0);
  if (c0 === 48) return n === 1; // "0"
  for (let i = 0; i < n; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(k) < 4294967295;
}

/**
 * The keys of an object in the order referenceStableJson writes them: Object.fromEntries of the sorted keys makes an
 * object, and an object lists its array-index keys first, in numeric order, then the others in insertion (= sorted)
 * order.
 */
function writeOrder(o: object): string[] {
  const keys = Object.keys(o).sort();
  let numIndex = 0;
  // Stryker disable next-line ConditionalExpression,UpdateOperator: numIndex only short-cuts the common case; any nonzero count takes the general path, which gives the same order
  for (const k of keys) if (isIndexKey(k)) numIndex++;
  if (numIndex === 0) return keys;
  const index = keys.filter(isIndexKey).sort((a, b) => Number(a) - Number(b));
  return [...index, ...keys.filter((k) => !isIndexKey(k))];
}

/** referenceStableJson for plain data (null, booleans, numbers, strings, arrays, plain objects), written directly. */
function fastStableJson(value: unknown): string {
  const out = write(value, 0);
  if (out === undefined) return undefined as unknown as string; // JSON.stringify(undefined) is undefined
  return out;
}

const MAX_DEPTH = 1000;


/**
 * stableJson(value), where the objects in `known` are written as their given text (stableJsonParts made it: their
 * own stableJson), so large shared parts are not serialized again. The same text as stableJson(value).
 */
export function stableJsonWith(value: unknown, known: ReadonlyMap<object, string>): string {
  try {
    const out = write(value, 0, known);
    return out === undefined ? (undefined as unknown as string) : out;
  } catch {
    return referenceStableJson(value);
  }
}

/** The stableJson text of each object the fast writer takes (the others are left out: written in full every time). */
export function stableJsonParts(parts: readonly object[]): Map<object, string> {
  const out = new Map<object, string>();
  for (const p of parts) {
    try {
      const text = write(p, 0);
      if (text !== undefined) out.set(p, text);
    } catch {
      // not plain data: stableJsonWith writes it through the reference every time
    }
  }
  return out;
}

/** The JSON text of a value, or undefined where JSON.stringify omits it (undefined, functions, symbols). */
function write(v: unknown, depth: number, known?: ReadonlyMap<object, string>): string | undefined {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "bigint":
      throw UNSUPPORTED;
  }
  if (v === null) return "null";
  if (known !== undefined) {
    const text = known.get(v as object);
    if (text !== undefined) return text;
  }
  if (depth > MAX_DEPTH) throw UNSUPPORTED; // a cycle, or deeper than plain data gets: the reference decides
  // Stryker disable next-line ConditionalExpression: either wrong branch throws UNSUPPORTED (prototype check), and stableJson falls back to the definition: same text
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype || typeof (v as { toJSON?: unknown }).toJSON === "function") throw UNSUPPORTED;
    let s = "[";
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ",";
      s += write(v[i], depth + 1, known) ?? "null";
    }
    return s + "]";
  }
  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === "function") throw UNSUPPORTED;
  const o = v as Record<string, unknown>;
  let s = "{";
  let first = true;
  for (const k of writeOrder(o)) {
    // Stryker disable next-line ArithmeticOperator: the depth limit only hands deep data (or a cycle's RangeError) to the definition, which gives the same text or error
    const x = write(o[k], depth + 1, known);
    if (x === undefined) continue;
    s += (first ? "" : ",") + JSON.stringify(k) + ":" + x;
    first = false;
  }
  return s + "}";
}

export function fnv1a64Hex(text: string): string {
  // 64-bit FNV-1a: offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3, as two 32-bit halves in
  // integer arithmetic. Per byte: h ^= byte; h * prime mod 2^64 = h * 0x1b3 + (lo << 40): the low half's product
  // lo * 0x1b3 in 16-bit pieces (a: low piece, b: high piece plus a's carry) gives the new lo and its carry into hi;
  // hi * 0x1b3 + (lo << 8) + carry, mod 2^32, the new hi.
  let lo = 0x84222325 | 0, hi = 0xcbf29ce4 | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // UTF-16 code units above 0xff hash as two bytes (high, then low), so every string hashes deterministically.
    if (c > 0xff) {
      lo ^= c >> 8;
      const a = (lo & 0xffff) * 0x1b3;
      const b = (lo >>> 16) * 0x1b3 + (a >>> 16);
      hi = (Math.imul(hi, 0x1b3) + (lo << 8) + (b >>> 16)) | 0;
      lo = (b << 16) | (a & 0xffff);
    }
    lo ^= c & 0xff;
    const a = (lo & 0xffff) * 0x1b3;
    const b = (lo >>> 16) * 0x1b3 + (a >>> 16);
    hi = (Math.imul(hi, 0x1b3) + (lo << 8) + (b >>> 16)) | 0;
    lo = (b << 16) | (a & 0xffff);
  }
  return (hi >>> 0).toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}

/** Hash of plain data: fnv1a64Hex(stableJson(value)). */
export const hashOf = (value: unknown): string => fnv1a64Hex(stableJson(value));
