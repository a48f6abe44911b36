import { after, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { forEachCsvRecord } from "../../src/core/csv.ts";
import { UserError } from "../../src/core/errors.ts";
import { forEachCsvFileRecord, MAX_CSV_LINE_BYTES } from "../../src/node/csv-file.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-csv-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));
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

/** Reads a file with a line bound of `max` bytes; the one-line error it gives, or undefined. */
const boundErrorAt = (path: string, max: number, chunk: number): string | undefined => {
  try {
    forEachCsvFileRecord(path, "f.csv", () => undefined, chunk, max);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof UserError && !e.message.includes("\n"), String(e));
    return e.message;
  }
};
const boundError = (text: string, max: number, chunk = 7) => boundErrorAt(fileOf(text), max, chunk);

test("a line longer than the bound is a one-line error naming the file and the line, wherever the chunks cut it", () => {
  const text = "a,b\n1,2\n" + "3,".padEnd(40, "4") + "\n5,6\n";
  for (const chunk of [1, 3, 7, 16, 64, 1 << 20]) {
    assert.equal(boundError(text, 40, chunk), undefined, `chunk ${chunk}: a 40-byte line is within a bound of 40`);
    assert.equal(boundError(text, 39, chunk), "f.csv:3: a line longer than 39 bytes; not a CSV file papi can read", `chunk ${chunk}`);
  }
  // the last line, without a line break
  assert.match(boundError("a,b\n" + "x".repeat(50), 40)!, /^f\.csv:2: a line longer/);
  // after a quoted field with line breaks: lines still count from the top of the file
  assert.match(boundError('a,b\n"x\ny",1\n' + "z".repeat(50) + "\n", 40)!, /^f\.csv:4: a line longer/);
  // a quote left open: a record that never ends
  assert.match(boundError('a,b\n1,"open\n' + "x,y\n".repeat(30), 40)!, /^f\.csv:2: a quoted field runs on for more than 40 bytes/);
});

test("property: under the bound nothing changes; over it, the error names the first long line", () => {
  const line = fc.stringMatching(/^[a-z0-9,]{0,30}$/);
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 5, max: 30 }), (lines, chunk, max) => {
      const text = lines.join("\n");
      const first = lines.findIndex((l) => Buffer.byteLength(l) > max);
      const err = boundError(text, max, chunk);
      if (first < 0) assert.equal(err, undefined);
      else assert.match(err!, new RegExp(`^f\\.csv:${first + 1}: a line longer than ${max} bytes`));
    }),
    { numRuns: 200 },
  );
});

test("a 600 MiB file without a line break (sparse: no disk used) fails after the first MiB, not with a string-length crash", () => {
  const path = join(dir, "sparse.csv");
  const fd = openSync(path, "w");
  writeSync(fd, "lin,lout\n10,");
  closeSync(fd);
  truncateSync(path, 600 * 2 ** 20);
  const t0 = performance.now();
  assert.equal(boundErrorAt(path, MAX_CSV_LINE_BYTES, 4 << 20), `f.csv:2: a line longer than 1 MiB; not a CSV file papi can read`);
  assert.ok(performance.now() - t0 < 5000, "read far past the bound");
});
