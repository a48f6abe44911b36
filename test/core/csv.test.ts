import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCsv } from "../../src/core/csv.ts";
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
