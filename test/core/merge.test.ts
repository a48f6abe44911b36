import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { deepMerge, editDistance, isPlainObject, nearest, setPath } from "../../src/core/merge.ts";

test("isPlainObject: objects only (not null, not arrays, not primitives)", () => {
  assert.equal(isPlainObject({}), true);
  assert.equal(isPlainObject({ a: 1 }), true);
  assert.equal(isPlainObject(null), false);
  assert.equal(isPlainObject([]), false);
  assert.equal(isPlainObject("x"), false);
  assert.equal(isPlainObject(undefined), false);
});

test("deepMerge: undefined patch keeps the base; scalars and arrays replace; objects merge key by key", () => {
  assert.deepEqual(deepMerge({ a: 1 }, undefined), { a: 1 });
  assert.equal(deepMerge(1, 2), 2);
  assert.deepEqual(deepMerge([1, 2], [3]), [3]);
  assert.deepEqual(deepMerge({ a: [1, 2] }, { a: [3] }), { a: [3] });
  assert.deepEqual(deepMerge({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 4 }, e: 5 }), { a: 1, b: { c: 2, d: 4 }, e: 5 });
  // an object replacing a scalar, and a scalar replacing an object
  assert.deepEqual(deepMerge(3, { x: 1 }), { x: 1 });
  assert.equal(deepMerge({ x: 1 }, 3), 3);
  // the base is not modified
  const base = { a: { b: 1 } };
  deepMerge(base, { a: { b: 2 } });
  assert.deepEqual(base, { a: { b: 1 } });
  // a string base patched by a string is replaced (only an object patch wraps a preset name)
  assert.equal(deepMerge("p", "q"), "q");
});

test("setPath: creates objects on the way, sets the leaf, turns a preset name on the way into {preset}", () => {
  const root: Record<string, unknown> = {};
  setPath(root, "a.b.c", 5);
  assert.deepEqual(root, { a: { b: { c: 5 } } });
  setPath(root, "a.b.d", "x");
  assert.deepEqual(root, { a: { b: { c: 5, d: "x" } } });
  setPath(root, "top", 1);
  assert.deepEqual(root, { a: { b: { c: 5, d: "x" } }, top: 1 });
  const sys: Record<string, unknown> = { hardware: { gpu: "h100" } };
  setPath(sys, "hardware.gpu.hbmBandwidthBytesPerSec", 4e12);
  assert.deepEqual(sys, { hardware: { gpu: { preset: "h100", hbmBandwidthBytesPerSec: 4e12 } } });
  // null on the way is replaced by an object, like a missing field
  const withNull: Record<string, unknown> = { a: null };
  setPath(withNull, "a.b", 1);
  assert.deepEqual(withNull, { a: { b: 1 } });
});

test("setPath: a number or an array on the way, or an empty/forbidden key, is a UserError naming the path", () => {
  const isUserError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);
  assert.throws(() => setPath({ a: { b: 3 } }, "a.b.c", 1), isUserError(/^--set a\.b\.c: a\.b is 3, not an object$/));
  assert.throws(() => setPath({ a: [1] }, "a.x", 1), isUserError(/^--set a\.x: a is \[1\], not an object$/));
  assert.throws(() => setPath({ a: false }, "a.x", 1), isUserError(/^--set a\.x: a is false, not an object$/));
  for (const bad of ["", "a..b", ".a", "a.", "__proto__.x", "a.constructor", "prototype"]) {
    assert.throws(() => setPath({}, bad, 1), isUserError(/a path is dot-separated field names/), bad);
  }
});

test("editDistance: hand-computed Levenshtein distances, case-insensitive", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("abc", ""), 3);
  assert.equal(editDistance("", "ab"), 2);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("flaw", "lawn"), 2);
  assert.equal(editDistance("ABC", "abc"), 0);
  assert.equal(editDistance("abc", "abd"), 1);
  assert.equal(editDistance("abc", "acb"), 2);
  assert.equal(editDistance("a", "ba"), 1);
});

test("nearest: substring matches beat edit distance; ties go to the first; none -> undefined", () => {
  assert.equal(nearest("x", []), undefined);
  assert.equal(nearest("hbmBandwidth", ["hbmBandwidt", "numFpus", "hbmBandwidthBytesPerSec"]), "hbmBandwidt");
  assert.equal(nearest("hbmBandwidth", ["hbmBandwidthBytesPerSec", "hbmBandwidtx"]), "hbmBandwidthBytesPerSec");
  // the closer length wins among substring matches
  assert.equal(nearest("batch", ["batchSizeMax", "batches"]), "batches");
  // short words (< 3 characters) use the edit distance only
  assert.equal(nearest("ab", ["xabxxxxx", "ac"]), "ac");
  assert.equal(nearest("numFPUs", ["numFpus", "numBanks"]), "numFpus");
  assert.equal(nearest("abc", ["abd", "abe"]), "abd");
  assert.equal(nearest("zzzz", ["a"]), "a");
});
