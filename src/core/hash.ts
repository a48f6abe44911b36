/**
 * Stable hashing of plain data (for run folders and sweep points): JSON with object keys sorted, then 64-bit
 * FNV-1a (two 32-bit halves, no BigInt) printed as 16 hex digits. Not cryptographic; stable across runs and
 * platforms, and the same in Node and the browser.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return v;
  });
}

export function fnv1a64Hex(text: string): string {
  // 64-bit FNV-1a: offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3, in four 16-bit limbs.
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2;
  const step = (byte: number) => {
    h0 ^= byte;
    // h * 0x1b3 limb by limb, plus h * 2^40 (h0 shifted into limbs 2-3, h1's low byte into limb 3)
    const r0 = h0 * 0x1b3;
    const r1 = h1 * 0x1b3 + (r0 >>> 16);
    const r2 = h2 * 0x1b3 + (r1 >>> 16) + ((h0 & 0xff) << 8);
    const r3 = h3 * 0x1b3 + (r2 >>> 16) + (h0 >>> 8) + ((h1 & 0xff) << 8);
    h0 = r0 & 0xffff;
    h1 = r1 & 0xffff;
    h2 = r2 & 0xffff;
    h3 = r3 & 0xffff;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // UTF-16 code units above 0xff hash as two bytes, so every string hashes deterministically.
    if (c > 0xff) step(c >> 8);
    step(c & 0xff);
  }
  const hex = (x: number) => x.toString(16).padStart(4, "0");
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}

/** Hash of plain data: fnv1a64Hex(stableJson(value)). */
export const hashOf = (value: unknown): string => fnv1a64Hex(stableJson(value));
