import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { completeRecordsPrefix, CsvRecordReader, parseCsv } from "../../src/core/csv.ts";
import { UserError } from "../../src/core/errors.ts";

test("parses rows and names file and line on a bad number", () => {
  const rows = parseCsv("a,b\n1,2\n3,x\n", "f.csv", ["a", "b"]);
  assert.equal(rows[0].num("a"), 1);
  assert.throws(() => rows[1].num("b"), (e: unknown) => e instanceof UserError && /f\.csv:3: column "b"/.test(e.message));
});

test("missing column and short row are user errors", () => {
  assert.throws(() => parseCsv("a\n1\n", "f.csv", ["a", "b"]), /f\.csv:1: missing column "b"/);
  assert.throws(() => parseCsv("a,b\n1\n", "f.csv", ["a", "b"]), /f\.csv:2: expected 2 fields/);
});

describe("the quote-free fast path reads exactly what Papa Parse reads", () => {
  const records = (text: string, fastPath: boolean, pieces = 1) => {
    const got: [string[], number][] = [];
    const r = new CsvRecordReader("f.csv", (f, line) => void got.push([f, line]), fastPath);
    // cut into pieces on record boundaries, as the file reader does
    let rest = text;
    for (let k = 1; k < pieces && rest.length > 0; k++) {
      const cut = completeRecordsPrefix(rest.slice(0, Math.ceil(rest.length / 2)));
      r.piece(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    r.piece(rest);
    return got;
  };

  test("examples: CRLF, blank and comma-only lines, a BOM, no final newline, the line numbers", () => {
    const text = "\ufefflin,lout\r\n10,5\r\n\r\n , ,\r\n12,3\r\n\t\r\n7,8";
    assert.deepEqual(records(text, true), [[["lin", "lout"], 1], [["10", "5"], 2], [["12", "3"], 5], [["7", "8"], 7]]);
    assert.deepEqual(records(text, true), records(text, false));
  });

  test("property: random quote-free CSV (any mix of fields, spaces, tabs, empty lines; LF or CRLF; BOM), whole or in pieces", () => {
    const field = fc.stringMatching(/^[a-z0-9 .\t-]{0,4}$/);
    const line = fc.array(field, { minLength: 1, maxLength: 4 }).map((f) => f.join(","));
    // one line ending per text: Papa guesses it from the first line, so a file mixing LF and CRLF reads as fields
    // ending in "\r" there (and the fast path strips every CR of a CRLF instead, the better reading)
    const text = fc
      .tuple(fc.boolean(), fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
      .map(([bom, ls, nl, trailing]) => (bom ? "\ufeff" : "") + ls.map((l) => l + nl).join("") + (trailing ? "1,2" : ""));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 4 }), (t, pieces) => {
        assert.deepEqual(records(t, true, pieces), records(t, false, pieces));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  test("a piece with quotes, or a lone CR, goes through Papa (quoted commas and newlines kept)", () => {
    assert.deepEqual(records('a,b\n"x,1","y\nz"\n', true), [[["a", "b"], 1], [["x,1", "y\nz"], 2]]);
    assert.deepEqual(records("a,b\r1,2\r", true), records("a,b\r1,2\r", false));
  });
});
