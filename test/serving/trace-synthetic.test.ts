import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { makeRng } from "../../src/core/rng.ts";
import { MAX_REQUESTS, loadTrace, type TraceRow } from "../../src/serving/trace.ts";
import { parseSyntheticSpec, poissonArrivalsSec, standardNormal } from "../../src/serving/trace-synthetic.ts";

const draw = (spec: string, n: number, seed = 1) => {
  const s = parseSyntheticSpec(spec)!;
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => s(rng));
};
const userError = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"));

test("synthetic specs: kinds, exact fixed lengths, inclusive uniform ranges that reach both ends", () => {
  assert.equal(parseSyntheticSpec("dolly-creative"), undefined);
  assert.equal(parseSyntheticSpec("fixedx:1:2"), undefined);
  assert.deepEqual(draw("fixed:7:3", 3), [{ inputTokens: 7, outputTokens: 3 }, { inputTokens: 7, outputTokens: 3 }, { inputTokens: 7, outputTokens: 3 }]);
  const u = draw("uniform:2-4:10-11", 400);
  assert.deepEqual([...new Set(u.map((x) => x.inputTokens))].sort(), [2, 3, 4]);
  assert.deepEqual([...new Set(u.map((x) => x.outputTokens))].sort(), [10, 11]);
  assert.deepEqual(draw("uniform:5:9", 2), [{ inputTokens: 5, outputTokens: 9 }, { inputTokens: 5, outputTokens: 9 }]);
  // sigma 0: every request exactly the mean
  assert.deepEqual(draw("lognormal:300:40:0", 2), [{ inputTokens: 300, outputTokens: 40 }, { inputTokens: 300, outputTokens: 40 }]);
});

test("synthetic spec errors name the field, the range and the syntax", () => {
  userError(() => parseSyntheticSpec("fixed:1"), /trace "fixed:1": fixed takes two fields; syntax: fixed:LIN:LOUT \| uniform:/);
  userError(() => parseSyntheticSpec("fixed:0:5"), /LIN must be an integer in \[1, 10000000\], got "0"/);
  userError(() => parseSyntheticSpec("fixed:5:1e15"), /LOUT must be an integer in \[1, 10000000\], got "1e15"/);
  userError(() => parseSyntheticSpec("fixed:5: "), /LOUT must be an integer/);
  userError(() => parseSyntheticSpec("uniform:1-2"), /uniform takes two ranges/);
  userError(() => parseSyntheticSpec("uniform:3-2:1"), /LIN max must be >= min, got "3-2"/);
  userError(() => parseSyntheticSpec("uniform:1-2-3:1"), /LIN must be MIN-MAX, got "1-2-3"/);
  userError(() => parseSyntheticSpec("uniform:1:x-2"), /LOUT min must be an integer/);
  userError(() => parseSyntheticSpec("lognormal:1"), /lognormal takes two or three fields/);
  // a blank SIGMA (empty or spaces only; Number(" ") would be 0) is refused rather than read as sigma 0
  for (const sigma of ["-0.1", "3.5", "", " ", "\t", "abc"]) userError(() => parseSyntheticSpec(`lognormal:100:10:${sigma}`), /SIGMA must be a number in \[0, 3\]/);
  assert.ok(parseSyntheticSpec("lognormal:100:10:3"));
});

test("standard normal draws: mean 0 and variance 1 within 5 sigma of their sampling error", () => {
  const rng = makeRng(3);
  const n = 20_000;
  const xs = Array.from({ length: n }, () => standardNormal(rng));
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), String(mean)); // sd of the mean: 1 / sqrt(n)
  assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), String(variance)); // sd of the variance: sqrt(2 / n)
});

test("Poisson arrivals: exactly n, the first at 0, gaps exponential with mean 1 / rate", () => {
  const t = poissonArrivalsSec(5000, 20, makeRng(4));
  assert.equal(t.length, 5000);
  assert.equal(t[0], 0);
  for (let i = 1; i < t.length; i++) assert.ok(t[i] >= t[i - 1]);
  const meanGap = t[t.length - 1] / (t.length - 1);
  assert.ok(Math.abs(meanGap - 0.05) < 5 * 0.05 / Math.sqrt(t.length - 1), String(meanGap));
  assert.deepEqual(poissonArrivalsSec(0, 1, makeRng(1)), []);
});

test("loadTrace over a source: ids in order, arrivals shifted to start at 0, the limit passed down, rate arrivals replace the file's", () => {
  const rows: TraceRow[] = [
    { inputTokens: 5, outputTokens: 2, arrivalSec: 10 },
    { inputTokens: 6, outputTokens: 3, arrivalSec: 12.5 },
    { inputTokens: 7, outputTokens: 4, arrivalSec: 20 },
  ];
  let asked = -1;
  const source = (_: string, limit: number) => ((asked = limit), rows.slice(0, Math.min(rows.length, limit)));
  const t = loadTrace("my.csv", { numRequests: 2 }, source);
  assert.equal(asked, 2);
  assert.deepEqual(t.requests, [{ id: 0, arrivalSec: 0, inputTokens: 5, outputTokens: 2 }, { id: 1, arrivalSec: 2.5, inputTokens: 6, outputTokens: 3 }]);
  assert.equal(loadTrace("my.csv", {}, source).requests.length, 3);
  assert.equal(asked, Infinity);
  const r = loadTrace("my.csv", { ratePerSec: 2, seed: 1 }, source).requests;
  assert.deepEqual(r.map((q) => q.arrivalSec), poissonArrivalsSec(3, 2, makeRng((1 ^ 0x51ed270b) >>> 0)));
  assert.deepEqual(r.map((q) => q.inputTokens), [5, 6, 7]);
  assert.equal(loadTrace("fixed:1:1", {}, source).requests.length, 64);
});

test("loadTrace errors: empty source, too many rows without a limit, bad options", () => {
  userError(() => loadTrace("empty.csv", {}, () => []), /^empty\.csv: trace has no requests$/);
  const many = new Array<TraceRow>(MAX_REQUESTS + 1).fill({ inputTokens: 1, outputTokens: 1, arrivalSec: undefined });
  userError(() => loadTrace("big.csv", {}, () => many), /big\.csv: trace has 2000001 requests, more than 2000000; pass --requests N/);
  assert.equal(loadTrace("big.csv", { numRequests: 3 }, () => many.slice(0, 3)).requests.length, 3);
  userError(() => loadTrace("fixed:1:1", { numRequests: 0 }, () => []), /number of requests must be an integer in \[1, 2000000\], got 0/);
  userError(() => loadTrace("fixed:1:1", { numRequests: MAX_REQUESTS + 1 }, () => []), /number of requests/);
  // the limit itself is allowed: the source is asked for at most MAX_REQUESTS rows
  assert.equal(loadTrace("big.csv", { numRequests: MAX_REQUESTS }, () => many.slice(0, 3)).requests.length, 3);
  userError(() => loadTrace("fixed:1:1", { ratePerSec: 0 }, () => []), /request rate must be a number in \(0, 1000000\] per second, got 0/);
  userError(() => loadTrace("fixed:1:1", { ratePerSec: 2e6 }, () => []), /request rate/);
  userError(() => loadTrace("fixed:1:1", { seed: -1 }, () => []), /seed must be a non-negative integer, got -1/);
});

test("property: a synthetic trace's requests are ids 0..N-1 at time 0 with lengths in range, the same for the same seed", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 40 }), fc.nat(1000), (n, lo, span, seed) => {
      const spec = `uniform:${lo}-${lo + span}:1-${1 + span}`;
      const a = loadTrace(spec, { numRequests: n, seed }, () => []).requests;
      assert.deepEqual(a, loadTrace(spec, { numRequests: n, seed }, () => []).requests);
      a.forEach((q, i) => {
        assert.equal(q.id, i);
        assert.equal(q.arrivalSec, 0);
        assert.ok(q.inputTokens >= lo && q.inputTokens <= lo + span && q.outputTokens >= 1 && q.outputTokens <= 1 + span);
      });
    }),
    { numRuns: 100, seed: 91 },
  );
});

test("synthetic lengths: 1 and MAX_TOKENS_PER_REQUEST (10 M) are allowed; 0, 10 M + 1, blank or missing fields are not", () => {
  const one = (spec: string) => loadTrace(spec, { numRequests: 1 }, () => []).requests[0];
  assert.deepEqual([one("fixed:10000000:1").inputTokens, one("fixed:1:10000000").outputTokens], [10_000_000, 10_000_000]);
  for (const spec of ["fixed:10000001:1", "fixed:0:1", "fixed: :1", "fixed::1", "uniform:1-:1", "uniform:5-2.5:1"]) {
    userError(() => loadTrace(spec, { numRequests: 1 }, () => []), /must be an integer in \[1, 10000000\]|syntax/);
  }
});

test("lognormal lengths: exp(mu + sigma z) per field, z drawn input first, mu set so the mean is the given mean", () => {
  // lognormal:512:128:0.5 -> mu = ln(mean) - sigma^2 / 2 for each field; the draws come from one stream, input first
  const sample = parseSyntheticSpec("lognormal:512:128:0.5")!;
  const rng = makeRng(7);
  const ref = makeRng(7);
  for (let i = 0; i < 5; i++) {
    const zIn = standardNormal(ref);
    const zOut = standardNormal(ref);
    assert.deepEqual(sample(rng), {
      inputTokens: Math.max(1, Math.round(Math.exp(Math.log(512) - 0.125 + 0.5 * zIn))),
      outputTokens: Math.max(1, Math.round(Math.exp(Math.log(128) - 0.125 + 0.5 * zOut))),
    });
  }
});

test("a file of exactly MAX_REQUESTS rows needs no limit", () => {
  const rows = new Array<TraceRow>(MAX_REQUESTS).fill({ inputTokens: 1, outputTokens: 1, arrivalSec: undefined });
  assert.equal(loadTrace("max.csv", {}, () => rows).requests.length, MAX_REQUESTS);
});

test("a synthetic trace is the sampler's draws in request order, the same with a reused record, arrivals from their own stream", () => {
  for (const spec of ["fixed:7:3", "uniform:2-400:10-11", "lognormal:300:40", "lognormal:300:40:0.3"]) {
    for (const ratePerSec of [undefined, 2.5]) {
      const n = 50;
      // the definition: one new record per request from the seed's stream; Poisson arrivals from the seed ^ 0x51ed270b stream
      const lengths = draw(spec, n, 7);
      const arrivals = ratePerSec === undefined ? new Array(n).fill(0) : poissonArrivalsSec(n, ratePerSec, makeRng((7 ^ 0x51ed270b) >>> 0));
      const expected = lengths.map((l, id) => ({ id, arrivalSec: arrivals[id], ...l }));
      assert.deepEqual(loadTrace(spec, { numRequests: n, seed: 7, ratePerSec }, () => []).requests, expected, `${spec} rate ${ratePerSec}`);
      // the reused record: each call overwrites and returns it
      const s = parseSyntheticSpec(spec)!;
      const rng = makeRng(7);
      const out = { inputTokens: 0, outputTokens: 0 };
      for (const l of lengths) {
        assert.equal(s(rng, out), out);
        assert.deepEqual(out, l);
      }
    }
  }
});