import { test } from "node:test";
import assert from "node:assert/strict";
import { formatIndices, mergeShards, type ShardOutput } from "../../src/sweep/merge.ts";

const shard = (index: number, count: number, n: number, hash = "h1"): ShardOutput => ({
  label: `dir${index}`,
  specHash: hash,
  shard: { index, count },
  numPoints: n,
  rows: Array.from({ length: n }, (_, i) => i).filter((i) => i % count === index).map((i) => ({ index: i, status: "ok" })),
});

test("merge joins shards in point order", () => {
  const rows = mergeShards([shard(2, 3, 8), shard(0, 3, 8), shard(1, 3, 8)]);
  assert.deepEqual(rows.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test("a missing shard is named with its points", () => {
  assert.throws(() => mergeShards([shard(0, 4, 8), shard(1, 4, 8), shard(3, 4, 8)]), /2 of 8 points missing \(shard 2\/4 not given \(points 2, 6\)\)/);
});

test("an unfinished shard, a duplicate and a different spec are errors", () => {
  const partial = shard(1, 2, 6);
  partial.rows.pop();
  assert.throws(() => mergeShards([shard(0, 2, 6), partial]), /shard 1\/2 in dir1 lacks points 5/);
  assert.throws(() => mergeShards([shard(0, 2, 6), shard(0, 2, 6), shard(1, 2, 6)]), /point 0 appears twice/);
  assert.throws(() => mergeShards([shard(0, 2, 6), shard(1, 2, 6, "h2")]), /different spec \(hash h2\)/);
});

test("formatIndices compresses runs and truncates", () => {
  assert.equal(formatIndices([1, 2, 3, 5, 7, 8]), "1-3, 5, 7-8");
  assert.equal(formatIndices([1, 3, 5], 2), "1, 3, ...");
});

test("a row in the wrong shard is refused with the shard and the point", () => {
  const a = shard(0, 2, 4);
  a.rows.push({ index: 1, status: "ok" });
  assert.throws(() => mergeShards([a, shard(1, 2, 4)]), /sweep merge: dir0 \(shard 0\/2\) has point 1, which belongs to another shard/);
});

test("merge: rows with an index outside the sweep, no shard at all, and shards of different counts", () => {
  assert.throws(() => mergeShards([]), /^UserError: sweep merge: give at least one shard folder$/);
  for (const index of [-1, 4, 1.5, "1", null]) {
    const a = shard(0, 1, 4);
    a.rows[0] = { index, status: "ok" };
    assert.throws(() => mergeShards([a]), new RegExp(`^UserError: sweep merge: dir0 has a row with point index ${String(index).replace(".", "\\.")} outside 0\\.\\.3$`), String(index));
  }
  // shards cut two ways (0/2 with points 0, 2, 4; a partial 1/3 with point 1): the missing points are listed plainly
  const a = shard(0, 2, 6);
  const b = shard(1, 3, 6);
  b.rows = [{ index: 1, status: "ok" }];
  assert.throws(() => mergeShards([a, b]), /^UserError: sweep merge: 2 of 6 points missing \(points 3, 5\); merge needs every shard, finished$/);
  // two shards missing: in shard order, each with its points
  assert.throws(() => mergeShards([shard(2, 3, 9)]), /\(shard 0\/3 not given \(points 0, 3, 6\); shard 1\/3 not given \(points 1, 4, 7\)\)/);
});

test("formatIndices: at most 20 items by default, then ...; a run of two is a range", () => {
  const odd = (n: number) => Array.from({ length: n }, (_, i) => 2 * i);
  assert.equal(formatIndices(odd(20)), odd(20).join(", "));
  assert.equal(formatIndices(odd(21)), odd(20).join(", ") + ", ...");
  assert.equal(formatIndices([4, 5]), "4-5");
  assert.equal(formatIndices([]), "");
});
