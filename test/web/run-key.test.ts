import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { runKey } from "../../src/web/run-key.ts";

test("an edited trace of the same name and byte length is a new run (the explorer reruns and rewrites its link)", () => {
  const a = { fileName: "t.csv", text: "lin,lout\n10,5\n20,3\n" };
  const b = { fileName: "t.csv", text: "lin,lout\n10,5\n20,4\n" };
  assert.equal(a.text.length, b.text.length);
  assert.notEqual(runKey({ batch: 4 }, a), runKey({ batch: 4 }, b));
  assert.equal(runKey({ batch: 4 }, a), runKey({ batch: 4 }, { ...a }), "the same content is the same run");
  assert.notEqual(runKey({ batch: 4 }, a), runKey({ batch: 8 }, a));
  assert.notEqual(runKey({}, a), runKey({}, { ...a, fileName: "u.csv" }));
  assert.notEqual(runKey({}, a), runKey({}, undefined));
});

test("property: two different texts of one length give different keys", () =>
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.nat(), fc.integer({ min: 32, max: 126 }), (text, at, code) => {
      const i = at % text.length;
      const edited = text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
      fc.pre(edited !== text);
      assert.notEqual(runKey({}, { fileName: "t.csv", text }), runKey({}, { fileName: "t.csv", text: edited }));
    }),
    { numRuns: 300 },
  ));

test("traceContentHash is the FNV-1a 64 of the text, the same on a repeated call and new for a new text", async () => {
  const { traceContentHash } = await import("../../src/web/run-key.ts");
  const { fnv1a64Hex } = await import("../../src/core/hash.ts");
  assert.equal(traceContentHash("abc"), fnv1a64Hex("abc"));
  assert.equal(traceContentHash("abc"), fnv1a64Hex("abc"));
  assert.equal(traceContentHash("abd"), fnv1a64Hex("abd"));
  assert.equal(traceContentHash(""), fnv1a64Hex(""));
});
