import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { TRACE_NAMES, parseTraceText } from "../../src/serving/trace.ts";
import { builtInTracePath, loadTrace } from "../../src/node/traces.ts";
import { daysFromCivil, parseTimestamp, parseTimestampFast } from "../../src/serving/trace-csv.ts";

const tmp = mkdtempSync(join(tmpdir(), "papi-trace-"));
function tmpCsv(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}
const isUserError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");

test("built-in traces have the documented request counts", () => {
  const counts: Record<string, number> = { "dolly-creative": 709, "dolly-openqa": 3742, "azure-conv": 19366, "azure-code": 8819 };
  assert.deepEqual([...TRACE_NAMES].sort(), Object.keys(counts).sort());
  for (const [name, n] of Object.entries(counts)) assert.equal(loadTrace(name).requests.length, n, name);
});

test("first rows match the files", () => {
  // data/traces/dolly-lengths-gpt2.csv: first open_qa row is "open_qa,10,24"
  assert.deepEqual(loadTrace("dolly-openqa").requests[0], { id: 0, arrivalSec: 0, inputTokens: 10, outputTokens: 24 });
  const dolly = readFileSync(builtInTracePath("dolly-creative"), "utf8").split("\n");
  const firstCreative = dolly.find((l) => l.startsWith("creative_writing,"))!.split(",");
  const c0 = loadTrace("dolly-creative").requests[0];
  assert.deepEqual([c0.inputTokens, c0.outputTokens], [Number(firstCreative[1]), Number(firstCreative[2])]);
  // azure-llm-2023-conv.csv rows 2-3: 18:15:46.6805900,374,44 and 18:15:50.9951690,396,109
  const conv = loadTrace("azure-conv", { numRequests: 2 }).requests;
  assert.deepEqual(conv[0], { id: 0, arrivalSec: 0, inputTokens: 374, outputTokens: 44 });
  assert.equal(conv[1].inputTokens, 396);
  assert.equal(conv[1].outputTokens, 109);
  assert.ok(Math.abs(conv[1].arrivalSec - 4.314579) < 1e-9, String(conv[1].arrivalSec));
  // azure-llm-2023-code.csv row 2: 18:17:03.9799600,4808,10
  assert.deepEqual(loadTrace("azure-code").requests[0], { id: 0, arrivalSec: 0, inputTokens: 4808, outputTokens: 10 });
});

test("Azure arrivals start at 0, never decrease and span about one hour", () => {
  for (const name of ["azure-conv", "azure-code"]) {
    const r = loadTrace(name).requests;
    assert.equal(r[0].arrivalSec, 0);
    for (let i = 1; i < r.length; i++) assert.ok(r[i].arrivalSec >= r[i - 1].arrivalSec, `${name} request ${i}`);
    const spanSec = r[r.length - 1].arrivalSec;
    assert.ok(spanSec > 3000 && spanSec <= 3600, `${name} span ${spanSec}`);
  }
  // last conv row is 2023-11-16 19:14:08.4025270; first is 18:15:46.6805900 -> 3501.721937 s
  const conv = loadTrace("azure-conv").requests;
  assert.ok(Math.abs(conv[conv.length - 1].arrivalSec - 3501.721937) < 1e-6);
});

test("every request reads and generates at least one token; ids are 0..N-1", () => {
  for (const name of TRACE_NAMES) {
    loadTrace(name).requests.forEach((r, i) => {
      assert.equal(r.id, i);
      assert.ok(r.inputTokens >= 1 && r.outputTokens >= 1 && Number.isInteger(r.outputTokens));
    });
  }
});

test("numRequests keeps the first N; repeated loads give equal traces", () => {
  const all = loadTrace("azure-code").requests;
  assert.deepEqual(loadTrace("azure-code", { numRequests: 100 }).requests, all.slice(0, 100));
  assert.deepEqual(loadTrace("azure-code").requests, all);
  assert.equal(loadTrace("dolly-creative", { numRequests: 100000 }).requests.length, 709);
});

test("fixed: spec gives N identical requests at time 0", () => {
  const t = loadTrace("fixed:128:32");
  assert.equal(t.name, "fixed:128:32");
  assert.equal(t.requests.length, 64);
  for (const r of t.requests) assert.deepEqual([r.arrivalSec, r.inputTokens, r.outputTokens], [0, 128, 32]);
  assert.equal(loadTrace("fixed:1:1", { numRequests: 5 }).requests.length, 5);
});

test("uniform: lengths stay in range and depend only on the seed", () => {
  const a = loadTrace("uniform:10-20:5-9", { numRequests: 500, seed: 7 }).requests;
  for (const r of a) {
    assert.ok(r.inputTokens >= 10 && r.inputTokens <= 20 && r.outputTokens >= 5 && r.outputTokens <= 9);
  }
  assert.ok(a.some((r) => r.inputTokens === 10) && a.some((r) => r.inputTokens === 20), "both ends reachable");
  assert.deepEqual(loadTrace("uniform:10-20:5-9", { numRequests: 500, seed: 7 }).requests, a);
  assert.notDeepEqual(loadTrace("uniform:10-20:5-9", { numRequests: 500, seed: 8 }).requests, a);
});

test("lognormal: sample mean is near the requested mean", () => {
  const r = loadTrace("lognormal:512:128:0.5", { numRequests: 20000, seed: 1 }).requests;
  const meanIn = r.reduce((s, x) => s + x.inputTokens, 0) / r.length;
  const meanOut = r.reduce((s, x) => s + x.outputTokens, 0) / r.length;
  // sd of the mean = 512 * sqrt(e^0.25 - 1) / sqrt(20000) ~ 1.9 tokens; allow 3%
  assert.ok(Math.abs(meanIn / 512 - 1) < 0.03, String(meanIn));
  assert.ok(Math.abs(meanOut / 128 - 1) < 0.03, String(meanOut));
});

test("Poisson arrivals: start at 0, increase, mean gap ~ 1/rate, deterministic, lengths unchanged", () => {
  const base = loadTrace("dolly-openqa", { numRequests: 2000 }).requests;
  const a = loadTrace("dolly-openqa", { numRequests: 2000, ratePerSec: 4, seed: 3 }).requests;
  assert.equal(a[0].arrivalSec, 0);
  for (let i = 1; i < a.length; i++) assert.ok(a[i].arrivalSec > a[i - 1].arrivalSec);
  const meanGap = a[a.length - 1].arrivalSec / (a.length - 1);
  assert.ok(Math.abs(meanGap / 0.25 - 1) < 0.1, String(meanGap)); // sd of the mean gap ~ 2.2%
  assert.deepEqual(a.map((r) => r.outputTokens), base.map((r) => r.outputTokens));
  assert.deepEqual(loadTrace("dolly-openqa", { numRequests: 2000, ratePerSec: 4, seed: 3 }).requests, a);
  const u = loadTrace("uniform:1-100:1-100", { numRequests: 50, seed: 2 }).requests;
  const uRate = loadTrace("uniform:1-100:1-100", { numRequests: 50, seed: 2, ratePerSec: 1 }).requests;
  assert.deepEqual(uRate.map((r) => r.inputTokens), u.map((r) => r.inputTokens));
});

test("user CSV files: lin,lout with arrival_sec, and Azure columns", () => {
  const p = tmpCsv("ok.csv", "category,lin,lout,arrival_sec\nx,5,1,2.5\ny,7,3,4\n");
  assert.deepEqual(loadTrace(p).requests, [
    { id: 0, arrivalSec: 0, inputTokens: 5, outputTokens: 1 }, // arrivals shifted to start at 0
    { id: 1, arrivalSec: 1.5, inputTokens: 7, outputTokens: 3 },
  ]);
  const az = tmpCsv("az.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-12-31 23:59:59.9,10,2\n2024-01-01 00:00:00.1000001,20,4\n");
  const r = loadTrace(az).requests;
  assert.ok(Math.abs(r[1].arrivalSec - 0.2000001) < 1e-12, String(r[1].arrivalSec));
});

test("Azure rows: arrivals relative to the first row, fractional seconds included, before any shift by the loader", () => {
  // rows 23:59:59.9, then 00:00:00.1000001 the next day (0.2000001 s later), then 00:00:01.1000001 (1.2000001 s)
  const rows = parseTraceText("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-12-31 23:59:59.9,10,2\n2024-01-01 00:00:00.1000001,20,4\n2024-01-01 00:00:01.1000001,30,1\n", "az");
  assert.equal(rows[0].arrivalSec, 0); // the first row is the clock origin: its own fraction cancels
  assert.ok(Math.abs(rows[1].arrivalSec! - 0.2000001) < 1e-12, String(rows[1].arrivalSec));
  assert.ok(Math.abs(rows[2].arrivalSec! - 1.2000001) < 1e-12, String(rows[2].arrivalSec));
  assert.deepEqual(rows.map((r) => [r.inputTokens, r.outputTokens]), [[10, 2], [20, 4], [30, 1]]);
});

test("bad inputs are one-line user errors naming file and line or the allowed values", () => {
  assert.throws(() => loadTrace("no-such-trace"), isUserError(/known: dolly-creative.*fixed:LIN:LOUT/));
  assert.throws(() => loadTrace(tmpCsv("neg.csv", "lin,lout\n3,4\n5,-1\n")), isUserError(/neg\.csv:3: column "lout" must be an integer in \[1, 10000000\], got -1/));
  // a length of 0 is refused as fixed:0:16 is (a request reads and writes at least one token), in both formats
  assert.throws(() => loadTrace(tmpCsv("zero.csv", "lin,lout\n128,16\n128,0\n")), isUserError(/\/zero\.csv:3: column "lout" must be an integer in \[1, 10000000\], got 0$/));
  assert.throws(() => loadTrace(tmpCsv("zin.csv", "lin,lout\n0,16\n")), isUserError(/\/zin\.csv:2: column "lin" must be an integer in \[1, 10000000\], got 0$/));
  assert.throws(() => parseTraceText("TIMESTAMP,ContextTokens,GeneratedTokens\n2024-01-01 00:00:00,10,0\n", "az.csv"), isUserError(/^az\.csv:2: column "GeneratedTokens" must be an integer in \[1, 10000000\], got 0$/));
  assert.throws(() => loadTrace(tmpCsv("frac.csv", "lin,lout\n1.5,16\n")), isUserError(/\/frac\.csv:2: column "lin" must be an integer in \[1, 10000000\], got 1\.5$/));
  assert.throws(() => loadTrace(tmpCsv("big.csv", "lin,lout\n10000001,16\n")), isUserError(/\/big\.csv:2: column "lin" must be an integer in \[1, 10000000\], got 10000001$/));
  assert.throws(() => loadTrace(tmpCsv("nan.csv", "lin,lout\nabc,4\n")), isUserError(/nan\.csv:2: column "lin" is not a number/));
  assert.throws(() => loadTrace(tmpCsv("short.csv", "lin,lout\n3\n")), isUserError(/short\.csv:2: expected 2 fields/));
  assert.throws(() => loadTrace(tmpCsv("cols.csv", "a,b\n3,4\n")), isUserError(/cols\.csv:1: unknown trace columns/));
  assert.throws(() => loadTrace(tmpCsv("miss.csv", "lin,x\n3,4\n")), isUserError(/miss\.csv:1: missing column "lout"/));
  assert.throws(() => loadTrace(tmpCsv("ts.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:1,3,4\n")), isUserError(/ts\.csv:2: TIMESTAMP/));
  assert.throws(() => loadTrace(tmpCsv("dec.csv", "lin,lout,arrival_sec\n1,1,5\n1,1,4\n")), isUserError(/dec\.csv:3: arrival_sec must be non-decreasing/));
  assert.throws(() => loadTrace(tmpCsv("empty.csv", "lin,lout\n")), isUserError(/no requests/));
  // Azure timestamps must not go back in time, even by a tenth of a second: the error names the line and the timestamp
  assert.throws(
    () => loadTrace(tmpCsv("back.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.5,3,4\n2023-11-16 18:15:46.4,3,4\n")),
    isUserError(/back\.csv:3: TIMESTAMP must be non-decreasing, got 2023-11-16 18:15:46\.4$/),
  );
  assert.throws(() => loadTrace("fixed:0:4"), isUserError(/LIN must be an integer in \[1, 10000000\]/));
  assert.throws(() => loadTrace("uniform:9-3:1-2"), isUserError(/LIN max must be >= min/));
  assert.throws(() => loadTrace("lognormal:5:5:-1"), isUserError(/SIGMA/));
  assert.throws(() => loadTrace("fixed:4:4", { numRequests: 0 }), isUserError(/integer in \[1, /));
  assert.throws(() => loadTrace("fixed:4:4", { numRequests: 2.5 }), isUserError(/integer in \[1, /));
  assert.throws(() => loadTrace("fixed:4:4", { ratePerSec: 0 }), isUserError(/rate/));
});

describe("properties", () => {
  test("timestamps: differences match day arithmetic across month and year boundaries", () => {
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    assert.equal(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28), 2); // 2000 is a leap year
    assert.equal(daysFromCivil(2023, 11, 16), 19677);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 60 * 24 * 365 * 5 }), (offsetSec) => {
        const d = new Date(Date.UTC(2022, 0, 1) + offsetSec * 1000);
        const iso = d.toISOString().slice(0, 19).replace("T", " ");
        const base = parseTimestamp("2022-01-01 00:00:00", "t");
        return parseTimestamp(iso, "t").wholeSec - base.wholeSec === offsetSec;
      }),
    );
  });

  test("any synthetic trace has N requests with positive lengths, deterministic in the seed", () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (n, seed, rate) => {
        const a = loadTrace("lognormal:64:32", { numRequests: n, seed, ratePerSec: rate });
        const b = loadTrace("lognormal:64:32", { numRequests: n, seed, ratePerSec: rate });
        assert.deepEqual(a, b);
        return a.requests.length === n && a.requests.every((r, i) => r.inputTokens >= 1 && r.outputTokens >= 1 && (i === 0 || r.arrivalSec >= a.requests[i - 1].arrivalSec));
      }),
      { numRuns: 50 },
    ));
});

describe("TIMESTAMP parsing (fast fixed-position path and the general one agree)", () => {
  const two = (n: number) => String(n).padStart(2, "0");
  test("property: any valid timestamp, with or without a fraction, T or space: whole seconds by hand, fraction as written", () => {
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 1970, max: 2100 }), mo: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }),
          h: fc.integer({ min: 0, max: 23 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }),
          frac: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }), sep: fc.constantFrom(" ", "T"),
        }),
        ({ y, mo, d, h, mi, s, frac, sep }) => {
          const text = `${y}-${two(mo)}-${two(d)}${sep}${two(h)}:${two(mi)}:${two(s)}${frac === undefined ? "" : `.${frac}`}`;
          const t = parseTimestamp(text, "x");
          assert.equal(t.wholeSec, daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s);
          assert.equal(t.fracSec, frac === undefined ? 0 : Number(`0.${frac}`));
          // the same with spaces around (the general path trims)
          assert.deepEqual(parseTimestamp(` ${text} `, "x"), t);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  test("malformed timestamps are errors naming the place, whichever path sees them", () => {
    for (const bad of ["2023-13-16 18:15:46", "2023-11-00 18:15:46", "2023-11-16 24:00:00", "2023-11-16 18:60:00", "2023-11-16 18:15:46.", "2023-11-16 18:15:46.5x", "2023-1-16 18:15:46", "2023/11/16 18:15:46", "18:15:46"]) {
      assert.throws(() => parseTimestamp(bad, "f.csv:7"), (e: unknown) => e instanceof UserError && e.message.startsWith("f.csv:7: TIMESTAMP"), bad);
    }
  });
});

describe("trace files: edge rows", () => {
  test("arrival_sec may repeat (non-decreasing), not go back", () => {
    const rows = parseTraceText("lin,lout,arrival_sec\n5,2,0\n6,3,1\n7,4,1\n", "eq.csv");
    assert.deepEqual(rows.map((r) => r.arrivalSec), [0, 1, 1]);
    assert.throws(() => parseTraceText("lin,lout,arrival_sec\n5,2,1\n6,3,0.5\n", "back.csv"), isUserError(/^back\.csv:3: arrival_sec must be non-decreasing, got 0\.5 after 1$/));
  });

  test("a file without a header line is an error naming it", () => {
    assert.throws(() => parseTraceText("", "empty.csv"), isUserError(/^empty\.csv: empty trace file \(expected a header line\)$/));
  });

  test("a timestamp with a malformed fraction is refused, not read as NaN", () => {
    for (const ts of ["2023-11-16 18:15:46,5", "2023-11-16 18:15:46.", "2023-11-16 18:15:46.5x"]) {
      assert.throws(() => parseTimestamp(ts, "t.csv:2"), isUserError(/^t\.csv:2: TIMESTAMP must look like/), ts);
    }
    assert.deepEqual(parseTimestamp("2023-11-16 18:15:46.25", "t.csv:2").fracSec, 0.25);
  });
});

describe("the timestamp fast path", () => {
  test("takes every canonical form itself, with the regular expression's values", () => {
    // 2023-11-16 = day 19,677 since 1970-01-01; 18:15:46 = 65,746 s
    const whole = 19_677 * 86_400 + 65_746;
    for (const [ts, frac] of [["2023-11-16 18:15:46", 0], ["2023-11-16T18:15:46", 0], ["2023-11-16 18:15:46.6805900", 0.68059], ["2023-11-16 18:15:46.5", 0.5]] as const) {
      const fast = parseTimestampFast(ts);
      assert.deepEqual(fast, { wholeSec: whole, fracSec: frac }, ts);
      assert.deepEqual(parseTimestamp(ts, "x"), fast, ts);
    }
    assert.deepEqual(parseTimestampFast("1999-01-02 03:04:05"), { wholeSec: daysFromCivil(1999, 1, 2) * 86_400 + 3 * 3600 + 4 * 60 + 5, fracSec: 0 });
  });

  test("leaves every other form to the regular expression, which refuses it", () => {
    for (const ts of ["2023/11/16 18:15:46", "2023-11/16 18:15:46", "2023-11-16X18:15:46", "2023-11-16 18:15:4", "2023-11-16 18-15:46", "2023-11-16 18:15:46,5", "2023-11-16 18:15:46.", "2023-11-16 1a:15:46"]) {
      assert.equal(parseTimestampFast(ts), undefined, ts);
      assert.throws(() => parseTimestamp(ts, "t.csv:2"), isUserError(/TIMESTAMP must look like/), ts);
    }
  });
});

test("a header's names are trimmed: ' lin , lout ' reads as lin, lout", () => {
  assert.deepEqual(parseTraceText(" lin , lout \n5,2\n", "sp.csv").map((r) => [r.inputTokens, r.outputTokens]), [[5, 2]]);
});
