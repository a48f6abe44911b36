import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { loadTrace } from "../../src/node/traces.ts";
import { daysInMonth, parseTimestamp, parseTimestampFast } from "../../src/serving/trace-csv.ts";
import { parseTraceText } from "../../src/serving/trace.ts";

const isUserError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");
const tmp = mkdtempSync(join(tmpdir(), "papi-trace-csv-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const AZURE = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

describe("impossible calendar dates are refused, with file and line, on every path", () => {
  test("days in a month: 28/29 for February by the Gregorian leap rule, 30 or 31 otherwise", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2023, m)), [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    assert.equal(daysInMonth(2024, 2), 29);
    assert.equal(daysInMonth(2000, 2), 29, "divisible by 400");
    assert.equal(daysInMonth(1900, 2), 28, "divisible by 100, not 400");
  });

  test("2023-02-31, 2023-04-31, 2023-02-29 and 1900-02-29 are not dates; 2024-02-29 and 2000-02-29 are", () => {
    for (const d of ["2023-02-31", "2023-04-31", "2023-02-29", "1900-02-29", "2023-06-31", "2023-11-31"]) {
      const ts = `${d} 18:15:46.5`;
      assert.equal(parseTimestampFast(ts), undefined, `${ts}: the fast path leaves it to the checked path`);
      assert.throws(() => parseTimestamp(ts, "t.csv:4"), isUserError(new RegExp(`^t\\.csv:4: TIMESTAMP ${d} is not a calendar date \\(\\d{4}-\\d{2} has \\d{2} days\\), got "${ts}"$`)), ts);
      assert.throws(() => parseTimestamp(ts.replace(" ", "T") + "x".slice(1), "t.csv:4"), isUserError(/is not a calendar date/), ts);
    }
    for (const d of ["2024-02-29", "2000-02-29", "2023-01-31", "2023-12-31"]) assert.ok(parseTimestampFast(`${d} 00:00:00`) !== undefined, d);
  });

  test("property: a day past the end of its month is refused, the last day accepted, whatever the cache holds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 }), (y, m, over) => {
        const last = daysInMonth(y, m);
        const two = (n: number) => String(n).padStart(2, "0");
        const ok = `${y}-${two(m)}-${two(last)} 12:00:00`;
        assert.ok(parseTimestamp(ok, "x") !== undefined);
        if (last + over <= 31) assert.throws(() => parseTimestamp(`${y}-${two(m)}-${two(last + over)} 12:00:00`, "x"), isUserError(/not a calendar date/));
      }),
      { numRuns: 200 },
    );
  });

  test("an Azure trace with 2023-02-31 names its file and line, in a file and in text (the explorer's path)", () => {
    const text = `${AZURE}2023-02-28 10:00:00.1,5,2\n2023-02-31 10:00:00.2,5,2\n`;
    const f = join(tmp, "feb.csv");
    writeFileSync(f, text);
    assert.throws(() => loadTrace(f), isUserError(/feb\.csv:3: TIMESTAMP 2023-02-31 is not a calendar date \(2023-02 has 28 days\)/));
    assert.throws(() => parseTraceText(text, "up.csv"), isUserError(/^up\.csv:3: TIMESTAMP 2023-02-31 is not a calendar date/));
  });
});

describe("a column named twice in the header is refused (file, line, column name)", () => {
  test("lin twice, TIMESTAMP twice, an ignored column twice", () => {
    assert.throws(() => parseTraceText("lin,lout,lin\n5,2,9\n", "dup.csv"), isUserError(/^dup\.csv:1: column "lin" appears twice in the header \(columns 1 and 3\)$/));
    assert.throws(() => parseTraceText(`TIMESTAMP,ContextTokens,GeneratedTokens,TIMESTAMP\n2023-11-16 18:15:46,3,4,2023-11-16 18:15:47\n`, "az.csv"), isUserError(/^az\.csv:1: column "TIMESTAMP" appears twice/));
    assert.throws(() => parseTraceText("lin,lout,category,category\n5,2,a,b\n", "cat.csv"), isUserError(/^cat\.csv:1: column "category" appears twice/));
    // names are compared after trimming, as they are read
    assert.throws(() => parseTraceText("lin, lout,lout \n5,2,3\n", "sp.csv"), isUserError(/^sp\.csv:1: column "lout" appears twice in the header \(columns 2 and 3\)$/));
  });

  test("from a file too", () => {
    const f = join(tmp, "dup.csv");
    writeFileSync(f, "lin,lout,lout\n5,2,9\n");
    assert.throws(() => loadTrace(f), isUserError(/dup\.csv:1: column "lout" appears twice/));
  });
});
