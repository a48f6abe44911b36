import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { forEachFileLine } from "../../src/node/line-file.ts";
import { readJournal } from "../../src/node/sweep-files.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-line-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let k = 0;
const fileOf = (text: string): string => {
  const p = join(dir, `f${k++}.txt`);
  writeFileSync(p, text);
  return p;
};
const linesOf = (path: string, max?: number, chunk?: number) => {
  const got: [string, number][] = [];
  forEachFileLine(path, (l, n) => void got.push([l, n]), max, chunk);
  return got;
};

test("property: streamed lines equal the text split on line breaks, for any chunk size", () => {
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[a-zé€{}" ]{0,12}$/), { maxLength: 10 }), fc.boolean(), fc.integer({ min: 1, max: 30 }), (lines, trailing, chunk) => {
      const text = lines.join("\n") + (trailing && lines.length > 0 ? "\n" : "");
      const parts = text.split("\n");
      if (parts[parts.length - 1] === "") parts.pop(); // text after the last line break, if any, is the last line
      const expected = parts.map((l, i) => [l, i + 1]);
      assert.deepEqual(linesOf(fileOf(text), 64, chunk), expected);
    }),
    { numRuns: 200 },
  );
});

test("a line longer than the bound is a one-line error naming the file and line", () => {
  const p = fileOf("short\n" + "x".repeat(100) + "\nend\n");
  assert.equal(linesOf(p, 100, 7).length, 3);
  assert.throws(() => linesOf(p, 99, 7), (e: Error) => e.message === `${p}:2: a line longer than 99 bytes; the file is damaged`);
});

test("a sweep journal is read line by line: a cut last line is dropped, a bad line before others is an error", () => {
  const d = mkdtempSync(join(dir, "j"));
  const header = JSON.stringify({ papiSweepJournal: 1, specHash: "h", shard: "0/1", numPoints: 2 });
  writeFileSync(join(d, "points.jsonl"), `${header}\n{"index":0}\n{"index":1`);
  assert.deepEqual(readJournal(d)!.rows, [{ index: 0 }]);
  writeFileSync(join(d, "points.jsonl"), `${header}\n{"index":0\n{"index":1}\n`);
  assert.throws(() => readJournal(d), /points\.jsonl:2: not a JSON line; the journal is damaged/);
});
