import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { axisValues, drawValue, expand, parseShard, pointConfig, pointIdOf, pointValues, RANGE_END_TOLERANCE, shardIndices } from "../../src/sweep/expand.ts";
import { makeRng } from "../../src/core/rng.ts";
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

test("ranges: `to` is included when a whole number of steps away, though the division lands just below it", () => {
  // (0.3 - 0.1) / 0.1 = 1.9999999999999998 and 0.7 / 0.1 = 6.999999999999999 in doubles
  assert.deepEqual(axisValues({ from: 0.1, to: 0.3, step: 0.1 }, "r"), [0.1, 0.2, 0.3]);
  assert.deepEqual(axisValues({ from: 0, to: 0.7, step: 0.1 }, "r"), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  // a `to` short of a whole count by more than the tolerance is not reached (2.9999999 steps: 3 values, not 4)
  assert.deepEqual(axisValues({ from: 0, to: 0.29999999, step: 0.1 }, "r"), [0, 0.1, 0.2]);
  assert.deepEqual(axisValues({ from: 4, to: 4, step: 1 }, "r"), [4]);
  assert.deepEqual(axisValues({ from: 1, to: 2.5, step: 1 }, "r"), [1, 2]);
  assert.deepEqual(axisValues({ from: 2, to: 1, num: 1, log: false }, "r"), [2]);
  assert.ok(RANGE_END_TOLERANCE > 0 && RANGE_END_TOLERANCE <= 1e-7);
  assert.throws(() => axisValues({ from: 0, to: 1e7, step: 1 }, "grid.x"), /grid\.x: the range has more than 1000000 values/);
  assert.equal(axisValues({ from: 1, to: 1e6, step: 1 }, "r").length, 1e6);
  assert.throws(() => axisValues({ from: 0, to: 1, num: 2, log: true }, "grid.x"), /grid\.x: a log range needs from > 0 and to > 0, got 0 and 1/);
});

test("integer draws: every whole number in [low, high] equally likely (uniform), none outside", () => {
  const u = { uniform: [1, 4] as [number, number], integer: true };
  // floor(u x 4) + 1: quarters of [0, 1) map to 1, 2, 3, 4 (rounding 1 + 3u would give 2 at u = 0.24 and 4 only from u = 5/6)
  assert.deepEqual([0, 0.24, 0.25, 0.5, 0.74, 0.75, 0.9999999].map((x) => drawValue(u, x)), [1, 1, 2, 3, 3, 4, 4]);
  // fractional bounds: the whole numbers inside them (2, 3, 4 for [1.5, 4.2]), never 1 or 5
  assert.deepEqual([0, 0.34, 0.67, 0.9999999].map((x) => drawValue({ uniform: [1.5, 4.2], integer: true }, x)), [2, 3, 4, 4]);
  assert.deepEqual([0, 0.5, 0.9999999].map((x) => drawValue({ uniform: [-2, -2], integer: true }, x)), [-2, -2, -2]);
  // log-uniform integers: a log-uniform draw over [a - 1/2, b + 1/2] rounded: u = 0.5 is sqrt(0.5 x 100.5) = 7.09 -> 7
  const l = { logUniform: [1, 100] as [number, number], integer: true };
  assert.deepEqual([0, 0.5, 0.9999999].map((x) => drawValue(l, x)), [1, 7, 100]);
  // continuous draws: the same u maps linearly / geometrically, 12 significant digits
  assert.equal(drawValue({ uniform: [10, 20], integer: false }, 0.25), 12.5);
  assert.equal(drawValue({ logUniform: [1, 100], integer: false }, 0.5), 10);
  assert.deepEqual([0, 0.33, 0.34, 0.9999].map((x) => drawValue({ choice: ["a", "b", "c"] }, x)), ["a", "a", "b", "c"]);
  // counts over 4000 seeded draws of {1, 2, 3, 4}: each near 1000 (rounding gives the ends about 667)
  const rng = makeRng(5);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[(drawValue(u, rng.next()) as number) - 1]++;
  for (const c of counts) assert.ok(c > 900 && c < 1100, String(counts));
  assert.throws(() => expand(spec({ random: { samples: 2, params: { batch: { uniform: [1.2, 1.8], integer: true } } } })), /random\.params\.batch: integer draws need a whole number between low and high, got \[1\.2, 1\.8\]/);
  assert.throws(() => expand(spec({ random: { samples: 2, params: { batch: { uniform: [3, 1] } } } })), /random\.params\.batch: low must be <= high, got \[3, 1\]/);
  assert.throws(() => expand(spec({ random: { samples: 2, params: { alpha: { logUniform: [0, 1] } } } })), /logUniform needs low > 0, got 0/);
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
  test("a decimal range from a to a + k steps has k + 1 values, the last one `to`", () =>
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3 }), (a, b, k, digits) => {
        const scale = 10 ** digits;
        const from = a / scale;
        const step = b / scale;
        const to = Number(((a + k * b) / scale).toPrecision(12));
        const v = axisValues({ from, to, step }, "r") as number[];
        assert.equal(v.length, k + 1);
        assert.equal(v[k], to);
        assert.equal(v[0], from);
      }),
    ));

  test("integer draws stay within [ceil(low), floor(high)] and are whole", () =>
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.boolean(), (lo, span, u, log) => {
        const hi = lo + span;
        fc.pre(Math.ceil(lo) <= Math.floor(hi));
        const x = drawValue(log ? { logUniform: [lo, hi], integer: true } : { uniform: [lo, hi], integer: true }, u) as number;
        assert.ok(Number.isInteger(x) && x >= Math.ceil(lo) && x <= Math.floor(hi), `${x} for [${lo}, ${hi}] at ${u}`);
      }),
    ));

  test("shards partition the points: union is every point, pairwise disjoint", () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 40 }), (n, count) => {
        const all = Array.from({ length: count }, (_, i) => shardIndices(n, { index: i, count })).flat();
        assert.equal(all.length, n);
        assert.deepEqual([...all].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
      }),
    ));
});

test("a step range of exactly MAX_POINTS values is allowed, one more is refused", async () => {
  const { MAX_POINTS } = await import("../../src/sweep/spec.ts");
  assert.equal(axisValues({ from: 1, to: MAX_POINTS, step: 1 }, "grid.x").length, MAX_POINTS);
  assert.throws(() => axisValues({ from: 0, to: MAX_POINTS, step: 1 }, "grid.x"), /grid\.x: the range has more than 1000000 values/);
});

test("config paths: an empty segment is refused; an unknown key names its place and the nearest key", async () => {
  const { checkConfigPath } = await import("../../src/sweep/expand.ts");
  for (const p of ["hardware..numFpus", ".batch", "batch."]) assert.throws(() => checkConfigPath(p, "grid"), new RegExp(`grid: "${p.replace(/\./g, "\\.")}" is not a config path`));
  assert.throws(() => checkConfigPath("hardware.fcPim.numFpu", "grid"), /^UserError: grid: unknown config path "hardware\.fcPim\.numFpu": no key "numFpu" in hardware\.fcPim \(did you mean "hardware\.fcPim\.numFpus"\?\)$/);
  checkConfigPath("hardware.fcPim.numFpus", "grid");
});

test("point values, raw configs, labels and shards by hand", async () => {
  const { baseObject, describeValues, formatShard, pointRawConfig, shardOf } = await import("../../src/sweep/expand.ts");
  const x = expand(spec({ grid: { batch: [4, 8, 16], spec: [1, 2] } }));
  assert.deepEqual(Array.from({ length: 6 }, (_, i) => pointValues(x, i)), [
    { batch: 4, spec: 1 }, { batch: 4, spec: 2 }, { batch: 8, spec: 1 }, { batch: 8, spec: 2 }, { batch: 16, spec: 1 }, { batch: 16, spec: 2 },
  ]);
  for (const i of [-1, 6, 0.5]) assert.throws(() => pointValues(x, i), new RangeError(`point ${i} of 6`));
  // the base is not modified, nor are swept objects shared with the spec
  const base = { system: "papi", hardware: { fcPim: { numFpus: 2 } } };
  const value = { numBanksPerFpuGroup: 1 };
  const raw = pointRawConfig(base, { "hardware.attnPim": value, batch: 4 });
  assert.deepEqual(raw, { system: "papi", hardware: { fcPim: { numFpus: 2 }, attnPim: { numBanksPerFpuGroup: 1 } }, batch: 4 });
  assert.deepEqual(base, { system: "papi", hardware: { fcPim: { numFpus: 2 } } });
  assert.notEqual((raw.hardware as Record<string, unknown>).attnPim, value);
  assert.equal(describeValues({ trace: "dolly-creative", batch: 4, spec: [1, 2], "hardware.gpu": { preset: "h100" } }), 'trace=dolly-creative, batch=4, spec=[1,2], hardware.gpu={"preset":"h100"}');
  assert.equal(formatShard({ index: 2, count: 5 }), "2/5");
  assert.equal(shardOf(7, 3), 1);
  assert.deepEqual(shardIndices(10, { index: 1, count: 4 }), [1, 5, 9]);
  assert.deepEqual(parseShard(" 1 / 4 "), { index: 1, count: 4 });
  assert.deepEqual(parseShard("12/16"), { index: 12, count: 16 });
  assert.throws(() => parseShard("0/1000001"), /^UserError: --shard 0\/1000001: N must be between 1 and 1000000$/);
  assert.deepEqual(parseShard("0/1000000"), { index: 0, count: 1_000_000 });
  assert.throws(() => parseShard("1/2/3"), /--shard must be I\/N/);
  assert.deepEqual(baseObject(undefined, "s.yaml"), {});
  assert.deepEqual(baseObject(null, "s.yaml"), {});
  assert.deepEqual(baseObject({ batch: 4 }, "s.yaml"), { batch: 4 });
  assert.throws(() => baseObject([1], "s.yaml"), /^UserError: s\.yaml: the base config must be a mapping of run config fields$/);
});

test("expand: zip groups and the point limit, by hand", () => {
  const x = expand(spec({ zip: [{ batch: [4, 8], spec: [1, 2] }, { seed: [1, 2, 3] }] }));
  assert.equal(x.numPoints, 6);
  assert.deepEqual(x.axes.map((a) => [a.section, a.paths, a.values]), [["zip", ["batch", "spec"], [[4, 1], [8, 2]]], ["zip", ["seed"], [[1], [2], [3]]]]);
  assert.throws(() => expand(spec({ zip: [{}] })), /^UserError: zip\[0\]: empty group/);
  assert.throws(() => expand(spec({ zip: [{ batch: [], spec: [] }] })), /^UserError: zip\[0\]: empty lists/);
  assert.throws(() => expand(spec({ grid: { batch: [1] }, zip: [{ spec: [1, 2], seed: [1, 2, 3] }] })), /^UserError: zip\[0\]: the lists must have equal lengths, but spec has 2 and seed has 3$/);
  // 1000 x 1000 points is the limit; one more value is refused
  const n = (k: number) => Array.from({ length: k }, (_, i) => i + 1);
  assert.equal(expand(spec({ grid: { batch: n(1000), seed: n(1000) } })).numPoints, 1_000_000);
  assert.throws(() => expand(spec({ grid: { batch: n(1000), seed: n(1001) } })), /^UserError: spec: the sweep has more than 1000000 points; split it$/);
  assert.throws(() => expand(spec({ grid: { batch: [1] }, random: { samples: 2, params: { batch: { uniform: [1, 2] } } } })), /^UserError: random\.params: "batch" is already swept in grid; sweep each path in one place$/);
});
