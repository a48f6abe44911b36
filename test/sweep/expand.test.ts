import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { axisValues, expand, parseShard, pointConfig, pointIdOf, pointValues, shardIndices } from "../../src/sweep/expand.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";
import { hashOf } from "../../src/core/hash.ts";
import { parseRunConfig } from "../../src/serving/run.ts";

const spec = (raw: unknown) => parseSweepSpec(raw);

test("grid x zip x random: the count is the product of the axes, first axis slowest", () => {
  const x = expand(spec({
    grid: { batch: [4, 16, 64], "hardware.fcPim.numFpus": [1, 2] },
    zip: [{ fcStacks: [30, 40], attnStacks: [60, 50] }],
    random: { samples: 5, seed: 3, params: { alpha: { uniform: [1, 64] } } },
  }));
  assert.equal(x.numPoints, 3 * 2 * 2 * 5);
  assert.deepEqual(x.paths, ["batch", "hardware.fcPim.numFpus", "fcStacks", "attnStacks", "alpha"]);
  // point 0: every axis at its first step; the last axis (random) varies fastest
  assert.equal(pointValues(x, 0).batch, 4);
  assert.equal(pointValues(x, 4).batch, 4);
  assert.notEqual(pointValues(x, 1).alpha, pointValues(x, 0).alpha);
  assert.equal(pointValues(x, 2 * 2 * 5).batch, 16); // after one full cycle of the inner axes
  const z = pointValues(x, 5); // zip step 1: the two paths move together
  assert.deepEqual([z.fcStacks, z.attnStacks], [40, 50]);
});

test("random draws are seeded: the same seed gives the same points, another seed others", () => {
  const s = (seed: number) => spec({ random: { samples: 20, seed, params: { alpha: { logUniform: [1, 100] }, batch: { choice: [4, 16] }, seed: { uniform: [0, 9], integer: true } } } });
  const a = expand(s(7));
  const vals = (x: ReturnType<typeof expand>) => Array.from({ length: x.numPoints }, (_, i) => pointValues(x, i));
  assert.deepEqual(vals(a), vals(expand(s(7))));
  assert.notDeepEqual(vals(a), vals(expand(s(8))));
  for (const v of vals(a)) {
    assert.ok((v.alpha as number) >= 1 && (v.alpha as number) <= 100);
    assert.ok([4, 16].includes(v.batch as number));
    assert.ok(Number.isInteger(v.seed));
  }
});

test("ranges: inclusive steps without float junk, evenly and log spaced counts", () => {
  assert.deepEqual(axisValues({ from: 0.1, to: 0.5, step: 0.1 }, "r"), [0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.deepEqual(axisValues({ from: 1, to: 1000, num: 4, log: true }, "r"), [1, 10, 100, 1000]);
  assert.deepEqual(axisValues({ from: 0, to: 1, num: 3, log: false }, "r"), [0, 0.5, 1]);
});

test("bad specs are one-line UserErrors naming the path and the nearest valid one", () => {
  const msg = (raw: unknown) => {
    try {
      expand(spec(raw));
    } catch (e) {
      assert.ok(e instanceof UserError, String(e));
      assert.ok(!e.message.includes("\n"));
      return e.message;
    }
    assert.fail("no error");
  };
  assert.match(msg({ grid: { "hardware.fcPim.numFpu": [1] } }), /unknown config path "hardware\.fcPim\.numFpu".*did you mean "hardware\.fcPim\.numFpus"/);
  assert.match(msg({ grid: { bach: [1] } }), /did you mean "batch"/);
  assert.match(msg({ grid: { batch: [] } }), /grid\.batch: empty list/);
  assert.match(msg({ grid: { batch: { from: 5, to: 1, step: 1 } } }), /grid\.batch: empty list/);
  assert.match(msg({}), /nothing to sweep/);
  assert.match(msg({ zip: [{ batch: [1, 2], spec: [1] }] }), /equal lengths/);
  assert.match(msg({ grid: { batch: [1] }, zip: [{ batch: [2] }] }), /already swept/);
  assert.throws(() => spec({ grdi: {} }), /unknown key "grdi" \(did you mean "grid"\?\)/);
});

test("a point's id is the hash of its parsed run config: equal configs, equal ids", () => {
  const base = { system: "papi" };
  const c = pointConfig(base, { batch: 16 }, 0);
  assert.equal(pointIdOf(c), hashOf(parseRunConfig({ system: "papi", batch: 16 })));
  assert.equal(pointIdOf(c), pointIdOf(pointConfig({ system: "papi", batch: 16 }, {}, 0)));
  assert.notEqual(pointIdOf(c), pointIdOf(pointConfig(base, { batch: 4 }, 0)));
});

test("--shard: I/N with I in 0..N-1; out of range is a one-line error", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  assert.throws(() => parseShard("4/4"), /shard index out of range; I must be between 0 and 3/);
  assert.throws(() => parseShard("1/0"), /N must be between 1/);
  assert.throws(() => parseShard("a/b"), /--shard must be I\/N/);
});

describe("properties", () => {
  test("shards partition the points: union is every point, pairwise disjoint", () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 40 }), (n, count) => {
        const all = Array.from({ length: count }, (_, i) => shardIndices(n, { index: i, count })).flat();
        assert.equal(all.length, n);
        assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
      }),
    ));
});
