import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fnv1a64Hex, hashOf, referenceStableJson, stableJson, stableJsonParts, stableJsonWith } from "../../src/core/hash.ts";

describe("stableJson", () => {
  test("sorts keys at every level; array-index keys first in numeric order, as an object lists them (by hand)", () => {
    assert.equal(stableJson({ b: 1, a: [{ d: 2, c: null }, "x"] }), '{"a":[{"c":null,"d":2},"x"],"b":1}');
    // "10" < "9" < "a" as strings, but an object lists the index keys 9, 10 first
    assert.equal(stableJson({ a: 0, 10: 1, 9: 2, "09": 3, "-1": 4 }), '{"9":2,"10":1,"-1":4,"09":3,"a":0}');
    // what JSON.stringify drops or turns into null
    assert.equal(stableJson({ u: undefined, f: () => 1, n: NaN, i: -Infinity, z: -0, arr: [undefined, () => 1, Infinity] }), '{"arr":[null,null,null],"i":null,"n":null,"z":0}');
    assert.equal(stableJson("é\u2028\ud800"), JSON.stringify("é\u2028\ud800"));
    assert.equal(stableJson(undefined), undefined);
  });

  test("values that are not plain data go through the definition (toJSON, Map, null prototype, boxed values)", () => {
    const d = new Date(0);
    for (const v of [{ when: d, m: new Map([[1, 2]]) }, Object.assign(Object.create(null), { b: 1, a: 2 }), [new Number(3), new String("s")], { x: 1n === 1n }]) {
      assert.equal(stableJson(v), referenceStableJson(v));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // the definition recurses without end on a cycle (each level is a new sorted copy): the same error
    assert.throws(() => referenceStableJson(cyclic), RangeError);
    assert.throws(() => stableJson(cyclic), RangeError);
    assert.throws(() => stableJson({ big: 1n }), TypeError);
  });

  // keys that exercise the index ordering: digits, leading zeros, the largest index and one past it
  const keyArb = fc.oneof(fc.string(), fc.nat().map(String), fc.constantFrom("0", "00", "01", "4294967294", "4294967295", "-0", "1e3"));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("tree"), { maxLength: 4 }), fc.dictionary(keyArb, tie("tree"), { maxKeys: 5 })),
    leaf: fc.oneof(fc.constant(null), fc.constant(undefined), fc.boolean(), fc.double(), fc.integer(), fc.string({ unit: "binary" })),
  }));

  test("properties: the same text as the definition on any plain data", () =>
    fc.assert(fc.property(tree, (v) => stableJson(v) === referenceStableJson(v)), { numRuns: 2000 }));
});

describe("fnv1a64Hex", () => {
  test("the published FNV-1a 64 test vectors", () => {
    // http://www.isthe.com/chongo/src/fnv/test_fnv.c: "" -> cbf29ce484222325, "a" -> af63dc4c8601ec8c, "foobar" -> 85944171f73967e8
    assert.equal(fnv1a64Hex(""), "cbf29ce484222325");
    assert.equal(fnv1a64Hex("a"), "af63dc4c8601ec8c");
    assert.equal(fnv1a64Hex("foobar"), "85944171f73967e8");
  });

  /** The definition with BigInt: per byte, h = ((h ^ byte) * prime) mod 2^64. */
  function fnvBig(text: string): string {
    let h = 0xcbf29ce484222325n;
    const step = (b: number) => void (h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0xff) step(c >> 8);
      step(c & 0xff);
    }
    return h.toString(16).padStart(16, "0");
  }

  test("properties: equal to the BigInt definition on any string", () =>
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 64 }), (s) => fnv1a64Hex(s) === fnvBig(s)), { numRuns: 2000 }));

  test("a code unit above 0xff hashes as its high byte, then its low byte", () => {
    // U+0100 -> bytes 0x01 0x00; U+00FF -> the single byte 0xff
    assert.equal(fnv1a64Hex("\u0100"), fnv1a64Hex("\u0001\u0000"));
    assert.notEqual(fnv1a64Hex("\u00ff"), fnv1a64Hex("\u0000\u00ff"));
  });

  test("hashOf is the hash of the stable text: key order does not matter, values do", () => {
    assert.equal(hashOf({ a: 1, b: [2] }), hashOf({ b: [2], a: 1 }));
    assert.notEqual(hashOf({ a: 1 }), hashOf({ a: 2 }));
  });
});

describe("stableJsonWith: shared parts written once", () => {
  test("the same text as stableJson, parts nested anywhere, repeated, or not plain data (left to the reference)", () => {
    const spec = { name: "s", units: { b: 1, a: [1, 2, { z: null, y: "x" }] } };
    const model = { layers: 80, hidden: 8192 };
    const odd = new Date(0); // toJSON: not plain data, so no part text for it
    const parts = stableJsonParts([spec, model, odd]);
    assert.equal(parts.has(odd), false);
    for (const v of [{ system: spec, model, batch: 16 }, [spec, spec, { deep: { model } }], { when: odd, spec }, spec, 3, null]) {
      assert.equal(stableJsonWith(v, parts), stableJson(v));
    }
  });

  test("property: equals stableJson for any JSON value holding the parts", () =>
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (a, b, rest) => {
        const pa = { a };
        const pb = { b, list: [a] };
        const parts = stableJsonParts([pa, pb]);
        const v = { rest, x: pa, y: [pb, pa] };
        assert.equal(stableJsonWith(v, parts), stableJson(v));
      }),
      { numRuns: 300 },
    ));
});
