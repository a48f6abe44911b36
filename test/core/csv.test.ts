import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { completeRecordsPrefix, CsvRecordReader, forEachCsvRecord, parseCsv } from "../../src/core/csv.ts";
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

describe("line endings and lone CRs", () => {
  const records = (text: string, fastPath: boolean) => {
    const got: [string[], number][] = [];
    new CsvRecordReader("f.csv", (f, line) => void got.push([f, line]), fastPath).piece(text);
    return got;
  };
  test("a quote-free file mixing LF and CRLF: the fast path strips every CR of a CRLF (Papa keeps it on a field)", () => {
    assert.deepEqual(records("a,b\n1,2\r\n3,4\n", true), [[["a", "b"], 1], [["1", "2"], 2], [["3", "4"], 3]]);
    assert.deepEqual(records("a,b\n1,2\r\n", false), [[["a", "b"], 1], [["1", "2\r"], 2]]);
  });
  test("a lone CR anywhere (first character included) sends the piece through Papa", () => {
    for (const t of ["\ra,b\r1,2\r", "a,b\r1,2\r", "a,b\r\n1,2\r", "a,b\r\n1,2\r3,4\r\n"]) assert.deepEqual(records(t, true), records(t, false), JSON.stringify(t));
  });
});

test("completeRecordsPrefix: cuts after the last newline outside quotes", () => {
  assert.equal(completeRecordsPrefix("a,b\n1,2\n3"), 8);
  assert.equal(completeRecordsPrefix("a,b"), 0);
  assert.equal(completeRecordsPrefix('a,"x\ny"\nb,c'), 8);
  assert.equal(completeRecordsPrefix('a\n"x\ny'), 2);
  assert.equal(completeRecordsPrefix('"q"\n'), 4);
  assert.equal(completeRecordsPrefix('"a""\nb"\n'), 8); // a doubled quote inside a field keeps the parity
  assert.equal(completeRecordsPrefix('x\n"'), 2);
});

describe("CsvRecordReader: stopping, BOM, line counts across pieces", () => {
  test("onRecord returning false stops the reader (fast path and Papa), later pieces are ignored", () => {
    for (const fast of [true, false]) {
      const got: number[] = [];
      const r = new CsvRecordReader("f.csv", (_f, line) => (got.push(line), line < 2), fast);
      r.piece("a\nb\nc\n");
      assert.equal(r.stopped, true);
      r.piece("d\n");
      assert.deepEqual(got, [1, 2], `fastPath ${fast}`);
    }
  });
  test("line numbers continue across pieces; a BOM only at the very start is dropped; empty pieces are nothing", () => {
    for (const fast of [true, false]) {
      const got: [string[], number][] = [];
      const r = new CsvRecordReader("f.csv", (f, line) => void got.push([f, line]), fast);
      r.piece("\ufeffa,b\n\n");
      assert.equal(r.linesRead, 2);
      r.piece("");
      r.piece("1,2\n");
      r.piece('"x\ny",3\n4,5');
      assert.equal(r.linesRead, 5);
      // a last line without a newline is not a line break
      const last = new CsvRecordReader("f.csv", () => {}, fast);
      last.piece("a\nb");
      assert.equal(last.linesRead, 1, `fastPath ${fast}`);
      assert.deepEqual(got, [[["a", "b"], 1], [["1", "2"], 3], [["x\ny", "3"], 4], [["4", "5"], 6]], `fastPath ${fast}`);
    }
  });
  test("malformed quoted CSV is a UserError naming file and the line of the bad quote (in a later piece too)", () => {
    const fails = (pieces: string[], re: RegExp) => {
      const r = new CsvRecordReader("t.csv", () => {});
      assert.throws(() => pieces.forEach((p) => r.piece(p)), (e: unknown) => e instanceof UserError && re.test(e.message), JSON.stringify(pieces));
    };
    // an unterminated quote on the last line, with and without a final newline (the newline was once counted as
    // inside the field, naming line 2)
    fails(['a,b\n1,2\n"x,3\n'], /^t\.csv:3: malformed CSV \(Quoted field unterminated\)$/);
    fails(['a,b\n1,2\n"x,3'], /^t\.csv:3: malformed CSV \(Quoted field unterminated\)$/);
    fails(["a\nb\n", 'c\n"d\n'], /^t\.csv:4: malformed CSV \(Quoted field unterminated\)$/);
    fails(['a\n"x"y,2\n3\n'], /^t\.csv:2: malformed CSV \(Trailing quote on quoted field is malformed\)$/);
  });
  test("whitespace-only records (NBSP included) are skipped; a line with one non-blank field is kept", () => {
    const got: [string[], number][] = [];
    new CsvRecordReader("f.csv", (f, line) => void got.push([f, line])).piece("a\n\u00a0,\u00a0\n , x\n\t,\n~\n");
    assert.deepEqual(got, [[["a"], 1], [[" ", " x"], 3], [["~"], 5]]);
  });
});

describe("CsvTable rows", () => {
  const isUserError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);
  test("header: trimmed names, a duplicate name is an error naming both columns; empty names may repeat", () => {
    assert.throws(() => parseCsv("a,b,a\n1,2,3\n", "f.csv", []), isUserError(/^f\.csv:1: column "a" appears twice in the header \(columns 1 and 3\)$/));
    const rows = parseCsv(" a ,,\n1,2,3\n", "f.csv", ["a"]);
    assert.equal(rows[0].get("a"), "1");
    assert.equal(rows[0].line, 2);
    assert.throws(() => parseCsv("", "e.csv", ["x"]), isUserError(/^e\.csv:1: missing column "x" \(header has: \)$/));
    assert.deepEqual(parseCsv("", "e.csv", []), []);
  });
  test("field counts: a long row is an error too; get trims and names an unknown column", () => {
    assert.throws(() => parseCsv("a,b\n1,2,3\n", "f.csv", []), isUserError(/^f\.csv:2: expected 2 fields, found 3$/));
    const [row] = parseCsv("a,b\n 1 , x \n", "f.csv", []);
    assert.equal(row.get("b"), "x");
    assert.throws(() => row.get("c"), isUserError(/^f\.csv:2: no column "c"$/));
  });
  test("num: empty, non-numeric, non-integer and out-of-range values name the column; the bounds are inclusive", () => {
    const [row] = parseCsv("e,x,f,n,big\n,abc,2.5,5,1e400\n", "f.csv", []);
    assert.throws(() => row.num("e"), isUserError(/^f\.csv:2: column "e" is not a number: ""$/));
    assert.throws(() => row.num("x"), isUserError(/column "x" is not a number: "abc"/));
    assert.throws(() => row.num("big"), isUserError(/column "big" is not a number: "1e400"/));
    assert.equal(row.num("f"), 2.5);
    assert.throws(() => row.num("f", { integer: true }), isUserError(/^f\.csv:2: column "f" must be an integer, got 2\.5$/));
    assert.equal(row.num("n", { integer: true, min: 5, max: 5 }), 5);
    assert.throws(() => row.num("n", { min: 6 }), isUserError(/^f\.csv:2: column "n" must be >= 6, got 5$/));
    assert.throws(() => row.num("n", { max: 4 }), isUserError(/^f\.csv:2: column "n" must be <= 4, got 5$/));
    assert.equal(row.num("n", { min: 0, max: 10, integer: false }), 5);
  });
});

test("forEachCsvRecord: every non-empty record of a text with its line, the header included", () => {
  const got: [string[], number][] = [];
  forEachCsvRecord("a,b\n\n1,2\n", "f.csv", (f, line) => void got.push([f, line]));
  assert.deepEqual(got, [[["a", "b"], 1], [["1", "2"], 3]]);
});
