import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parseCsv } from "../../src/core/csv.ts";
import { formatNumber, toCsv, writeCsv } from "../../src/report/csv-out.ts";

test("columns follow the first row, values round-trip through core/csv", () => {
  const rows = [
    { system: "papi", batch: 16, timeSec: 0.0123456789, ok: true },
    { system: "gpu", batch: 4, timeSec: 2, ok: false },
  ];
  const text = toCsv(rows);
  assert.equal(text, "system,batch,timeSec,ok\npapi,16,0.0123457,true\ngpu,4,2,false\n");
  const back = parseCsv(text, "t.csv", ["system", "batch", "timeSec", "ok"]);
  assert.equal(back[0].get("system"), "papi");
  assert.equal(back[0].num("batch"), 16);
  assert.equal(back[0].num("timeSec"), 0.0123457);
  assert.equal(back[1].get("ok"), "false");
});

test("keys first seen in later rows are appended; missing values are empty", () => {
  assert.equal(toCsv([{ a: 1 }, { b: 2, a: 3 }]), "a,b\n1,\n3,2\n");
  assert.equal(toCsv([]), "\n");
});

test("fields with commas, quotes or line breaks are quoted", () => {
  assert.equal(toCsv([{ "name, unit": 'say "hi"', n: "a\nb" }]), '"name, unit",n\n"say ""hi""","a\nb"\n');
});

test("numbers: integers exact, others 6 significant digits, special values spelled out", () => {
  assert.equal(formatNumber(123456789), "123456789");
  assert.equal(formatNumber(1234567.891), "1234570");
  assert.equal(formatNumber(1 / 3), "0.333333");
  assert.equal(formatNumber(1.23456789e-7), "1.23457e-7");
  assert.equal(formatNumber(-0), "0");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(-Infinity), "-Infinity");
  assert.equal(formatNumber(2 ** 60), "1152920000000000000"); // beyond 2^53: 6 significant digits too
});

test("writeCsv writes the same text atomically", () => {
  const p = join(mkdtempSync(join(tmpdir(), "papi-csv-")), "out", "x.csv");
  writeCsv(p, [{ a: 1.5 }]);
  assert.equal(readFileSync(p, "utf8"), "a\n1.5\n");
});

test("property: any finite number reads back within 6 significant digits", () =>
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      const back = Number(formatNumber(v));
      return v === 0 ? back === 0 : Math.abs(back - v) <= Math.abs(v) * 5e-6;
    }),
  ));
