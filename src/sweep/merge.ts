import { UserError } from "../core/errors.ts";
import { formatShard, shardOf, type Shard } from "./expand.ts";
import type { SweepRow } from "./prepare.ts";

/** One shard's output as `papi sweep merge` reads it. */
export interface ShardOutput {
  label: string;
  specHash: string;
  shard: Shard;
  numPoints: number;
  rows: SweepRow[];
}

/** "1, 3-5, 9" (at most `limit` items, then "..."). */
export function formatIndices(xs: readonly number[], limit = 20): string {
  const parts: string[] = [];
  let i = 0;
  while (i < xs.length && parts.length < limit) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(i === j ? String(xs[i]) : `${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(", ") + (i < xs.length ? ", ..." : "");
}

/**
 * Joins shard outputs into one table ordered by point index. Every output must come from the same spec (hash) and
 * every point must appear exactly once; otherwise a one-line UserError names the folders and what is missing.
 */
export function mergeShards(outputs: readonly ShardOutput[]): SweepRow[] {
  if (outputs.length === 0) throw new UserError("sweep merge: give at least one shard folder");
  const first = outputs[0];
  for (const o of outputs) {
    if (o.specHash !== first.specHash) {
      throw new UserError(`sweep merge: ${o.label} comes from a different spec (hash ${o.specHash}) than ${first.label} (hash ${first.specHash}); merge shards of one spec only`);
    }
  }
  const numPoints = first.numPoints;
  const owner = new Map<number, string>();
  const rows: SweepRow[] = [];
  for (const o of outputs) {
    for (const r of o.rows) {
      const i = r.index;
      if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= numPoints) throw new UserError(`sweep merge: ${o.label} has a row with point index ${String(i)} outside 0..${numPoints - 1}`);
      if (shardOf(i, o.shard.count) !== o.shard.index) throw new UserError(`sweep merge: ${o.label} (shard ${formatShard(o.shard)}) has point ${i}, which belongs to another shard`);
      const before = owner.get(i);
      if (before !== undefined) throw new UserError(`sweep merge: point ${i} appears twice (${before} and ${o.label}); give each shard once`);
      owner.set(i, o.label);
      rows.push(r);
    }
  }
  if (rows.length < numPoints) {
    const missing: number[] = [];
    for (let i = 0; i < numPoints; i++) if (!owner.has(i)) missing.push(i);
    throw new UserError(`sweep merge: ${missing.length} of ${numPoints} points missing (${describeMissing(outputs, missing)}); merge needs every shard, finished`);
  }
  return rows.sort((a, b) => (a.index as number) - (b.index as number));
}

function describeMissing(outputs: readonly ShardOutput[], missing: readonly number[]): string {
  const count = outputs[0].shard.count;
  const sameCount = outputs.every((o) => o.shard.count === count);
  const parts: string[] = [];
  if (sameCount) {
    const given = new Map(outputs.map((o) => [o.shard.index, o]));
    const byShard = new Map<number, number[]>();
    for (const i of missing) {
      const s = shardOf(i, count);
      if (!byShard.has(s)) byShard.set(s, []);
      byShard.get(s)!.push(i);
    }
    for (const [s, xs] of [...byShard].sort((a, b) => a[0] - b[0])) {
      const o = given.get(s);
      parts.push(o ? `shard ${s}/${count} in ${o.label} lacks points ${formatIndices(xs)}` : `shard ${s}/${count} not given (points ${formatIndices(xs)})`);
    }
    return parts.join("; ");
  }
  return `points ${formatIndices(missing)}`;
}
