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
