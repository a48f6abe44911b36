import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { forEachCsvRecord } from "../../src/core/csv.ts";
import { forEachCsvFileRecord } from "../../src/node/csv-file.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-csv-file-"));
let k = 0;
const fileOf = (text: string): string => {
  const p = join(dir, `f${k++}.csv`);
  writeFileSync(p, text);
  return p;
};
const fromFile = (path: string, chunkBytes?: number, stopAfter = Infinity) => {
  const got: [string[], number][] = [];
  forEachCsvFileRecord(path, "f.csv", (f, line) => {
    got.push([f, line]);
    return got.length < stopAfter;
  }, chunkBytes);
  return got;
};
const fromText = (text: string) => {
  const got: [string[], number][] = [];
  forEachCsvRecord(text, "f.csv", (f, line) => void got.push([f, line]));
  return got;
};

test("chunk boundaries inside quoted newlines, multi-byte characters and long lines change nothing", () => {
  // "é" and "€" are 2 and 3 bytes in UTF-8: with 3-byte chunks, every one of them is cut somewhere
  const text = '\ufeffname,note\n"a, b","line1\nline2"\né€,x\n' + "long".repeat(10) + ",y\n\nlast,z";
  const expected = fromText(text);
  assert.equal(expected.length, 5);
  for (const chunk of [1, 2, 3, 5, 7, 64, 1 << 22]) assert.deepEqual(fromFile(fileOf(text), chunk), expected, `chunk ${chunk}`);
});

test("property: a file streamed in chunks of any size gives the records of its whole text", () => {
  const field = fc.oneof(fc.stringMatching(/^[a-z0-9 é€-]{0,5}$/), fc.stringMatching(/^[a-z,\n é"]{0,5}$/).map((s) => `"${s.replaceAll('"', '""')}"`));
  const text = fc
    .tuple(fc.array(fc.array(field, { minLength: 1, maxLength: 3 }).map((f) => f.join(",")), { maxLength: 8 }), fc.constantFrom("\n", "\r\n"))
    .map(([lines, nl]) => lines.join(nl));
  fc.assert(
    fc.property(text, fc.integer({ min: 1, max: 40 }), (t, chunk) => {
      assert.deepEqual(fromFile(fileOf(t), chunk), fromText(t));
    }),
    { numRuns: 200, seed: 5 },
  );
});

test("reading stops when the handler says so: a malformed tail past the stop is never read", () => {
  const good = "lin,lout\n" + "10,5\n".repeat(1000);
  const path = fileOf(good + '1,"unterminated\n' + "x,y,z\n".repeat(1000));
  assert.equal(fromFile(path, 64, 500).length, 500);
  assert.throws(() => fromFile(path, 64), /malformed CSV|f\.csv:1002/);
});
