import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { configDifferences, flatten, formatMetric, type SavedRun } from "../../src/report/compare.ts";
import { UserError } from "../../src/core/errors.ts";

test("papi compare formats numbers by kind: integers plain, others with four significant digits, no exponent from 0.001 up", () => {
  assert.equal(formatMetric(43), "43", "not 43.00");
  assert.equal(formatMetric(157249), "157249", "not 1.572e+5");
  assert.equal(formatMetric(46123.4), "46123", "energy in J, not 4.612e+4");
  assert.equal(formatMetric(1.51349), "1.513");
  assert.equal(formatMetric(12.5), "12.5", "no trailing zeros");
  assert.equal(formatMetric(0.0114159), "0.01142");
  assert.equal(formatMetric(0.000123456), "1.235e-4");
  assert.equal(formatMetric(0), "0");
  assert.equal(formatMetric(null), "-");
  // the boundaries: 0.001 still without an exponent, 1000 and up rounded to an integer
  assert.equal(formatMetric(0.001), "0.001");
  assert.equal(formatMetric(0.00099995), "1.000e-3");
  assert.equal(formatMetric(999.96), "1000");
  assert.equal(formatMetric(1000.4), "1000");
  assert.equal(formatMetric(-2.5), "-2.5");
});

test("configDifferences: the leaf paths whose values differ (a missing leaf differs), sorted, each run's JSON value", () => {
  const run = (config: Record<string, unknown>) => ({ config }) as unknown as SavedRun;
  const runs = [run({ a: 1, b: { c: 2, e: [1, 2] }, s: "x" }), run({ a: 1, b: { c: 3, e: [1, 2] }, d: 4, s: "x" })];
  assert.deepEqual(configDifferences(runs), [
    { path: "b.c", values: ["2", "3"] },
    { path: "d", values: [undefined, "4"] },
  ]);
  assert.deepEqual(configDifferences([runs[0]]), []);
  // sorted over the union of the runs' paths, not in the order they were first seen
  assert.deepEqual(configDifferences([run({ z: 1 }), run({ d: 4, z: 2 })]).map((d) => d.path), ["d", "z"]);
  assert.deepEqual([...flatten({ z: { y: 1 }, a: [1] })], [["a", "[1]"], ["z.y", "1"]]);
});

test("property: the text reads back within its rounding (4 significant digits, or 0.5 above 1000)", () =>
  fc.assert(
    fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (v) => {
      const back = Number(formatMetric(v));
      const tol = Math.abs(v) >= 1000 ? 0.5 : Math.abs(v) * 5e-4;
      assert.ok(Math.abs(back - v) <= tol + 1e-12, `${v} -> ${formatMetric(v)}`);
      assert.ok(!/e\+/.test(formatMetric(v)), formatMetric(v));
    }),
    { numRuns: 300 },
  ));

test("compareRuns: every metric of summary.json, nested ones included, with its ratio to the first run (null when absent or 0)", async () => {
  const { compareRuns } = await import("../../src/report/compare.ts");
  const run = (label: string, summary: Record<string, unknown>) => ({ dir: label, label, summary, config: {} });
  const c = compareRuns([run("a", { alpha: 8, latencySec: 0, energyByKind: { compute: 2, dram: 1 } }), run("b", { alpha: 16, latencySec: 3, energyByKind: { compute: 3 } })]);
  const m = (name: string) => c.metrics.find((x) => x.name === name)!;
  assert.deepEqual(m("alpha"), { name: "alpha", unit: "tokens", values: [8, 16], ratioToFirst: [1, 2] });
  assert.deepEqual(m("energy: compute"), { name: "energy: compute", unit: "J", values: [2, 3], ratioToFirst: [1, 1.5] });
  assert.deepEqual(m("energy: dram").values, [1, null]);
  assert.deepEqual(m("energy: refresh").values, [null, null]);
  assert.deepEqual(m("latency").ratioToFirst, [null, null]);
  assert.equal(c.runs.length, 2);
  // a value that is not a finite number (a string, NaN, Infinity) reads as absent
  const odd = compareRuns([run("a", { alpha: "8", latencySec: NaN, energyJoules: Infinity }), run("b", { alpha: 4, latencySec: 1, energyJoules: 2 })]);
  for (const name of ["alpha", "latency", "energy"]) assert.deepEqual(odd.metrics.find((x) => x.name === name)!.values.slice(0, 1), [null], name);
});

test("compareRuns: a summary without the nested blocks reads as absent metrics, not an error", async () => {
  const { compareRuns } = await import("../../src/report/compare.ts");
  const c = compareRuns([{ dir: "a", label: "a", summary: { latencySec: 2 }, config: {} }]);
  for (const name of ["energy: compute", "TTFT p50", "TPOT p99"]) assert.deepEqual(c.metrics.find((x) => x.name === name)!.values, [null], name);
  assert.equal(c.runs[0].designUnderStudy, "a");
});

test("readRunFolder: a folder with summary.json and config.yaml; one-line errors otherwise", async () => {
  const { readRunFolder } = await import("../../src/report/compare.ts");
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "papi-compare-"));
  try {
    const run = join(dir, "run-a");
    assert.throws(() => readRunFolder(run), /run-a: not a folder \(expected a run folder/);
    (await import("node:fs")).mkdirSync(run);
    writeFileSync(join(run, "summary.json"), '{"latencySec": 2}');
    assert.throws(() => readRunFolder(run), /not a papi run folder/);
    writeFileSync(join(run, "config.yaml"), "- 1\n");
    assert.throws(() => readRunFolder(run), /summary\.json or config\.yaml is not a mapping/);
    writeFileSync(join(run, "config.yaml"), "system: papi\n");
    assert.throws(() => readRunFolder(run), /run-a\/summary\.json: energyJoules: is missing \(papi compare reads it/);
    const summary = {
      latencySec: 2, energyJoules: 3, tokensPerSec: 4, tokensPerJoule: 5, ttftSec: { p50: 0.1, p99: 0.2 }, tpotSec: { p50: 0.01, p99: 0.02 },
      iterations: 7, fcOnGpuIterations: 0, fcSwitches: 0, alpha: null, energyByKind: { compute: 1, dram: 1, transfer: 0, static: 1, refresh: 0 },
      breakdownSec: { fc: 1, attention: 0.5, communication: 0, other: 0.1 },
    };
    writeFileSync(join(run, "summary.json"), JSON.stringify(summary));
    assert.deepEqual(readRunFolder(run), { dir: run, label: "run-a", summary, config: { system: "papi" } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("comparisonHtml: the metrics table with ratios to the first run, the designs, the config differences", async () => {
  const { compareRuns, comparisonHtml } = await import("../../src/report/compare.ts");
  const runs = [
    { dir: "a", label: "a<1>", summary: { latencySec: 2, breakdownSec: { fc: 1, attention: 0.5 } }, config: { batch: 4 } },
    { dir: "b", label: "b", summary: { latencySec: 3 }, config: { batch: 8 } },
  ];
  const html = await comparisonHtml(compareRuns(runs), runs);
  assert.ok(html.includes("<tr><th>metric</th><th>a&lt;1&gt;</th><th>b</th></tr>"));
  assert.ok(html.includes("<tr><td>latency (s)</td><td>2</td><td>3 (1.50x)</td></tr>"), html.slice(0, 2000));
  assert.ok(html.includes("<tr><td>FC switches</td><td>-</td><td>-</td></tr>"));
  assert.ok(html.includes("<tr><th>config path</th><th>a&lt;1&gt;</th><th>b</th></tr><tr><td><code>batch</code></td><td><code>4</code></td><td><code>8</code></td></tr>"));
  assert.equal((html.match(/<svg/g) ?? []).length, 2);
  // the relative bars: each run's ratio to the first, an absent metric as 0
  for (const bar of ["metric: latency (s); relative to a&lt;1&gt;: 1.5; run: b", "metric: latency (s); relative to a&lt;1&gt;: 1; run: a&lt;1&gt;", "metric: energy (J); relative to a&lt;1&gt;: 0; run: b"]) {
    assert.ok(html.includes(`aria-label="${bar}"`), bar);
  }
  // the decode split: each run's four phases, a missing one as 0 s
  for (const bar of ["run: a&lt;1&gt;; seconds: 1; phase: fc", "run: a&lt;1&gt;; seconds: 0.5; phase: attention", "run: a&lt;1&gt;; seconds: 0; phase: other", "run: b; seconds: 0; phase: fc"]) {
    assert.ok(html.includes(`aria-label="${bar}"`), bar);
  }
  const same = [runs[0], { ...runs[1], config: { batch: 4 } }];
  assert.ok((await comparisonHtml(compareRuns(same), same)).includes("<p>The resolved configs are identical.</p>"));
});

test("readRunFolder: every summary.json field compare reads is a finite number (alpha: or null); config.yaml is a run config", async () => {
  const { readRunFolder } = await import("../../src/report/compare.ts");
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "papi-compare-"));
  const run = join(dir, "r");
  mkdirSync(run);
  const good = {
    latencySec: 2, energyJoules: 3, tokensPerSec: 4, tokensPerJoule: 5, ttftSec: { p50: 0.1, p99: 0.2 }, tpotSec: { p50: 0.01, p99: 0.02 },
    iterations: 7, fcOnGpuIterations: 0, fcSwitches: 0, alpha: 36, energyByKind: { compute: 1, dram: 1, transfer: 0, static: 1, refresh: 0 },
    breakdownSec: { fc: 1, attention: 0.5, communication: 0, other: 0.1 },
  };
  const refused = (summary: unknown, config: string, message: string) => {
    writeFileSync(join(run, "summary.json"), JSON.stringify(summary));
    writeFileSync(join(run, "config.yaml"), config);
    assert.throws(() => readRunFolder(run), (e: unknown) => e instanceof UserError && e.message === message, message);
  };
  try {
    const s = join(run, "summary.json");
    refused({}, "{}\n", `${s}: latencySec: is missing (papi compare reads it; write the folder with papi run --out)`);
    refused({ ...good, latencySec: "abc" }, "{}\n", `${s}: latencySec: must be a finite number, got "abc"`);
    refused({ ...good, tpotSec: { p50: 0.01, p99: "x" } }, "{}\n", `${s}: tpotSec.p99: must be a finite number, got "x"`);
    refused({ ...good, ttftSec: 3 }, "{}\n", `${s}: ttftSec.p50: is missing (papi compare reads it; write the folder with papi run --out)`);
    refused({ ...good, alpha: "8" }, "{}\n", `${s}: alpha: must be a finite number or null, got "8"`);
    refused({ ...good, energyByKind: { ...good.energyByKind, refresh: [1] } }, "{}\n", `${s}: energyByKind.refresh: must be a finite number, got [1]`);
    refused({ ...good, breakdownSec: { fc: 1, attention: 0.5, communication: 0 } }, "{}\n", `${s}: breakdownSec.other: is missing (papi compare reads it; write the folder with papi run --out)`);
    refused(good, "system: papi\nbogus: 1\n", `${join(run, "config.yaml")}: unknown key "bogus" (did you mean "gpus"?)`);
    refused(good, "batch: 0\n", `${join(run, "config.yaml")}: batch: must be an integer in [1, 65536]`);
    writeFileSync(join(run, "summary.json"), JSON.stringify({ ...good, alpha: null }));
    writeFileSync(join(run, "config.yaml"), "system: papi\nbatch: 4\n");
    assert.equal(readRunFolder(run).summary.alpha, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
