import { test } from "node:test";
import assert from "node:assert/strict";
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { orderedRows, sweepCsv, sweepParquet } from "../../../src/report/sweep/table.ts";
import type { SweepRow } from "../../../src/sweep/prepare.ts";

const rows: SweepRow[] = [
  { index: 0, batch: 4, latencySec: 1 / 3, status: "ok", fits: true },
  { index: 1, batch: 8, status: "infeasible", reason: "power", fits: false },
];
const columns = ["index", "status", "batch", "latencySec", "reason", "fits"];

test("orderedRows keeps exactly the given columns, in order, missing cells null", () => {
  assert.deepEqual(orderedRows(rows, ["latencySec", "index"]), [{ latencySec: 1 / 3, index: 0 }, { latencySec: null, index: 1 }]);
  assert.deepEqual(Object.keys(orderedRows(rows, columns)[1]), columns);
});

test("sweepCsv: the columns in order, 6 significant digits, empty cells for nulls; a header only when no rows", () => {
  assert.equal(sweepCsv(rows, columns), "index,status,batch,latencySec,reason,fits\n0,ok,4,0.333333,,true\n1,infeasible,8,,power,false\n");
  assert.equal(sweepCsv([], ["index", "batch"]), "index,batch\n");
});

test("sweepParquet: column types from the values, full precision, nulls kept, metadata stored", async () => {
  const buf = sweepParquet(rows, columns, { specHash: "abc" });
  const back = (await parquetReadObjects({ file: buf.buffer as ArrayBuffer })) as Record<string, unknown>[];
  assert.equal(back.length, 2);
  assert.equal(back[0].latencySec, 1 / 3);
  assert.equal(back[1].latencySec, null);
  assert.equal(back[1].reason, "power");
  assert.equal(back[0].fits, true);
  const meta = parquetMetadata(buf.buffer as ArrayBuffer);
  assert.deepEqual(meta.key_value_metadata?.map((kv) => [kv.key, kv.value]), [["specHash", "abc"]]);
  const types = Object.fromEntries(parquetSchema(meta).children.map((c) => [c.element.name, c.element.type]));
  assert.deepEqual(types, { index: "INT32", status: "BYTE_ARRAY", batch: "DOUBLE", latencySec: "DOUBLE", reason: "BYTE_ARRAY", fits: "BOOLEAN" });
  // a column of numbers and strings is written as strings; an all-null column too
  const mixed = sweepParquet([{ x: 1, y: null }, { x: "a", y: null }], ["x", "y"]);
  const m = (await parquetReadObjects({ file: mixed.buffer as ArrayBuffer })) as Record<string, unknown>[];
  assert.deepEqual(m, [{ x: "1", y: null }, { x: "a", y: null }]);
  assert.match(parquetMetadata(mixed.buffer as ArrayBuffer).created_by ?? "", /^papi /);
  const mixedTypes = parquetSchema(parquetMetadata(mixed.buffer as ArrayBuffer)).children.map((c) => c.element.type);
  assert.deepEqual(mixedTypes, ["BYTE_ARRAY", "BYTE_ARRAY"]);
});
