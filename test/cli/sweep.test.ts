import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { isCleanUserError, papi } from "./helpers.ts";
import { runOnce } from "../../src/serving/run.ts";
import { nodeLoader } from "../../src/node/loader.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-sweep-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const SPEC = join(dir, "spec.yaml");
writeFileSync(SPEC, `name: t
base: { system: papi, model: llama-65b, trace: dolly-creative, requests: 4, batch: 4 }
grid:
  hardware.fcPim.numFpus: [1, 4, 8]
  spec: [1, 4]
metrics: [latencySec, energyJoules, areaMm2, fcPimPowerWatts]
pareto: { x: latencySec, y: energyJoules, over: [spec], references: { paper: { hardware.fcPim.numFpus: 4 } } }
`);
const read = (d: string, f: string) => readFileSync(join(d, f));

test("papi sweep: one row per point, infeasible points kept with their reason, results equal papi run", async () => {
  const r = await papi(["sweep", SPEC, "--out", join(dir, "a"), "--jobs", "1", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.numPoints, 6);
  // 8P1B with 3 bank groups: 96 x (8 x 0.1025 + 0.83) = 158.4 mm2 > 121 mm2 (area rule), so 2 infeasible points
  assert.equal(s.numInfeasible, 2);
  const rows = (await parquetReadObjects({ file: new Uint8Array(read(join(dir, "a"), "results.parquet")).buffer })) as Record<string, unknown>[];
  assert.equal(rows.length, 6);
  const bad = rows.filter((x) => x.status === "infeasible");
  assert.deepEqual(bad.map((x) => x["hardware.fcPim.numFpus"]), [8, 8]);
  assert.match(String(bad[0].reason), /^area: .*158\.4 mm2 > area\.maxDieAreaMm2 121/);
  assert.equal(bad[0].latencySec, null);
  // areaMm2 of the paper's FC-PIM system: 30 FC stacks x 8 dies x 96 x (4 x 0.1025 + 0.83) + 60 attention stacks x 8 dies x 128 x (0.5 x 0.1025 + 0.83)
  const paper = rows.find((x) => x["hardware.fcPim.numFpus"] === 4 && x.spec === 1)!;
  assert.ok(Math.abs((paper.areaMm2 as number) - (30 * 8 * 96 * (4 * 0.1025 + 0.83) + 60 * 8 * 128 * (0.5 * 0.1025 + 0.83))) < 1e-6);
  // the same run through papi run's code path
  const direct = runOnce({ system: "papi", model: "llama-65b", trace: "dolly-creative", requests: 4, batch: 4, spec: 1, hardware: { fcPim: { numFpus: 4 } } }, { loader: nodeLoader() });
  assert.equal(paper.latencySec, direct.latencySec);
  assert.equal(paper.energyJoules, direct.energyJoules);
});

test("reruns are byte-identical, with one thread or two, and shards merge into the same table", async () => {
  assert.equal((await papi(["sweep", SPEC, "--out", join(dir, "b"), "--jobs", "2", "--json"])).status, 0);
  for (const f of ["results.csv", "results.parquet", "points.jsonl"]) assert.deepEqual(read(join(dir, "b"), f), read(join(dir, "a"), f), f);
  for (const i of [0, 1, 2]) assert.equal((await papi(["sweep", SPEC, "--out", join(dir, `s${i}`), "--shard", `${i}/3`, "--jobs", "1", "--json"])).status, 0);
  const m = await papi(["sweep", "merge", join(dir, "s0"), join(dir, "s1"), join(dir, "s2"), "--out", join(dir, "m")]);
  assert.equal(m.status, 0, m.stderr);
  for (const f of ["results.csv", "results.parquet", "points.jsonl"]) assert.deepEqual(read(join(dir, "m"), f), read(join(dir, "a"), f), f);
  const missing = await papi(["sweep", "merge", join(dir, "s0"), join(dir, "s2"), "--out", join(dir, "m2")]);
  assert.ok(isCleanUserError(missing), missing.stderr);
  assert.match(missing.stderr, /2 of 6 points missing \(shard 1\/3 not given \(points 1, 4\)\)/);
  assert.ok(!existsSync(join(dir, "m2")));
});

test("--resume skips the points the folder holds and gives the same table", async () => {
  const d = join(dir, "r");
  assert.equal((await papi(["sweep", SPEC, "--out", d, "--jobs", "1"])).status, 0);
  const full = read(d, "results.csv");
  const lines = readFileSync(join(d, "points.jsonl"), "utf8").split("\n").filter((l) => l !== "");
  writeFileSync(join(d, "points.jsonl"), lines.slice(0, 3).join("\n") + "\n"); // header + 2 finished points
  const r = await papi(["sweep", SPEC, "--out", d, "--jobs", "1", "--resume", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual([s.numResumed, s.numRun], [2, 4]);
  assert.deepEqual(read(d, "results.csv"), full);
});

test("merging outputs of different specs is refused", async () => {
  const other = join(dir, "other.yaml");
  writeFileSync(other, readFileSync(SPEC, "utf8").replace("[1, 4, 8]", "[1, 2]"));
  const shard = await papi(["sweep", other, "--out", join(dir, "o1"), "--shard", "1/3", "--jobs", "1"]);
  assert.equal(shard.status, 0);
  // the summary line names the shard when there is one (an unsharded sweep's line: "papi sweep: 6 of 6 points ...")
  assert.match(shard.stdout, /^papi sweep 1\/3: 1 of 4 points \(1 run, 0 resumed; /);
  const r = await papi(["sweep", "merge", join(dir, "s0"), join(dir, "o1"), join(dir, "s2"), "--out", join(dir, "m3")]);
  assert.ok(isCleanUserError(r), r.stderr);
  assert.match(r.stderr, /comes from a different spec/);
});

test("bad input: one line, exit 2, no output folder", async () => {
  const cases: [string, RegExp][] = [
    ["grid:\n  hardware.fcPim.numFpu: [1]\n", /unknown config path "hardware\.fcPim\.numFpu".*did you mean "hardware\.fcPim\.numFpus"/],
    ["grid:\n  batch: []\n", /grid\.batch: empty list/],
    ["grid:\n  batch: [0]\n", /batch: must be an integer in \[1, 65536\]/],
    ["grid:\n  batch: [4]\nmetrics: [latencySecs]\n", /unknown metric "latencySecs" \(did you mean "latencySec"\?\)/],
    ["grid:\n  batch: [4]\nconstraints: [area, pwoer]\n", /unknown constraint "pwoer" \(did you mean "power"\?\)/],
    ["grid:\n  batch: [4]\nbase: { trace: nosuch.csv }\n", /nosuch\.csv/],
  ];
  for (const [text, re] of cases) {
    const spec = join(dir, "bad.yaml");
    writeFileSync(spec, text);
    const out = join(dir, "never");
    const r = await papi(["sweep", spec, "--out", out]);
    assert.ok(isCleanUserError(r), `${text}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.ok(!existsSync(out), text);
  }
  // a grid value naming a missing trace, behind points that would run: refused before anything is written
  const spec = join(dir, "bad-trace.yaml");
  for (const constraints of ["[]", "[capacity]"]) {
    writeFileSync(spec, `base: { system: papi, model: llama-65b, requests: 2, batch: 2 }\ngrid:\n  trace: [dolly-creative, fixed:8:4, nosuch.csv]\nconstraints: ${constraints}\n`);
    const bad = await papi(["sweep", spec, "--out", join(dir, "never"), "--jobs", "1"]);
    assert.ok(isCleanUserError(bad), bad.stderr);
    assert.match(bad.stderr, /point 2 \(trace=nosuch\.csv\): unknown trace "nosuch\.csv"/);
    assert.ok(!existsSync(join(dir, "never")));
  }
  const r = await papi(["sweep", SPEC, "--out", join(dir, "never"), "--shard", "3/3"]);
  assert.ok(isCleanUserError(r));
  assert.match(r.stderr, /shard index out of range/);
});

test("--jobs above the available CPUs is clamped with a one-line notice; the table is the same", async () => {
  const d = join(dir, "j");
  const r = await papi(["sweep", SPEC, "--out", d, "--jobs", "1024", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^papi sweep: --jobs 1024 is more than the \d+ CPUs? this process may use; running \d+ worker threads? \(results do not depend on --jobs\)\n$/);
  assert.ok(JSON.parse(r.stdout).jobs < 1024);
  assert.deepEqual(read(d, "results.csv"), read(join(dir, "a"), "results.csv"));
  // an unsharded sweep's summary line names no shard
  const resumed = await papi(["sweep", SPEC, "--out", d, "--resume"]);
  assert.match(resumed.stdout, /^papi sweep: 6 of 6 points \(0 run, 6 resumed; 4 ok, 2 infeasible\) in /);
  const over = await papi(["sweep", SPEC, "--out", d, "--jobs", "1025"]);
  assert.ok(isCleanUserError(over), over.stderr);
});

test("papi sweep pareto: front table, figure, generated text naming the reference", async () => {
  const r = await papi(["sweep", "pareto", join(dir, "a")]);
  assert.equal(r.status, 0, r.stderr);
  for (const f of ["pareto.csv", "pareto.svg", "pareto.png", "pareto.md", "pareto.html"]) assert.ok(existsSync(join(dir, "a", "pareto", f)), f);
  assert.match(r.stdout, /-> .*pareto\/pareto\.\{csv,svg,png,md,html\}\n$/);
  const md = readFileSync(join(dir, "a", "pareto", "pareto.md"), "utf8");
  assert.match(md, /\*\*paper\*\* \(hardware\.fcPim\.numFpus=4\) is \*\*(on the Pareto front|not Pareto-optimal)/);
  assert.match(md, /Infeasible designs by first violated constraint: area 1/);
  // axes in units, aggregated over the workload; the front numbered as in pareto.md
  const svg = readFileSync(join(dir, "a", "pareto", "pareto.svg"), "utf8");
  assert.ok(svg.includes(">latencySec (s), geometric mean<") && svg.includes(">energyJoules (J), geometric mean<"));
  assert.match(md, /\| # \| hardware\.fcPim\.numFpus \| latencySec \(s\) \| energyJoules \(J\) \| reference \|\n\|---:/);
  const bad = await papi(["sweep", "pareto", join(dir, "a"), "--x", "latencySecs"]);
  assert.ok(isCleanUserError(bad));
  assert.match(bad.stderr, /did you mean "latencySec"/);
});

test("papi sweep plot: the figure with units and caption, and the CSV of the points it draws", async () => {
  const r = await papi(["sweep", "plot", join(dir, "a"), "--x", "hardware.fcPim.numFpus", "--y", "latencySec", "--color", "spec", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  // numFpus {1, 4, 8} x spec {1, 4}, one point each: lines; 8P1B's two points break the area rule
  assert.deepEqual([out.mark, out.numDrawn, out.numPoints], ["line", 4, 6]);
  const base = join(dir, "a", "plots", "latencySec-vs-hardware.fcPim.numFpus-by-spec");
  assert.equal(out.svgPath, `${base}.svg`);
  const svg = readFileSync(`${base}.svg`, "utf8");
  assert.ok(svg.includes(">latencySec (s)<") && svg.includes(">4 of 6 points drawn; not drawn: area 2<"));
  assert.ok(existsSync(`${base}.png`));
  const table = readFileSync(join(dir, "a", "results.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
  const col = (name: string) => table[0].indexOf(name);
  const expected = table.slice(1).filter((c) => c[col("status")] === "ok").map((c) => [c[col("index")], c[col("hardware.fcPim.numFpus")], c[col("spec")], c[col("latencySec")]].join(","));
  assert.deepEqual(readFileSync(`${base}.csv`, "utf8").trim().split("\n"), ["index,hardware.fcPim.numFpus,spec,latencySec", ...expected]);
  // --out NAME.png: the three files side by side
  const named = await papi(["sweep", "plot", join(dir, "a"), "--x", "spec", "--y", "energyJoules", "--out", join(dir, "figs", "e.png")]);
  assert.equal(named.status, 0, named.stderr);
  for (const ext of ["svg", "png", "csv"]) assert.ok(existsSync(join(dir, "figs", `e.${ext}`)), ext);
  for (const [args, re] of [
    [["--x", "hardware.fcPim.numFpu", "--y", "latencySec"], /--x hardware\.fcPim\.numFpu: not a swept path or a metric of the sweep \(did you mean "hardware\.fcPim\.numFpus"\?\); swept paths: hardware\.fcPim\.numFpus, spec; metrics: latencySec, energyJoules, areaMm2, fcPimPowerWatts/],
    [["--x", "spec", "--y", "latency"], /did you mean "latencySec"/],
    [["--x", "spec", "--y", "latencySec", "--color", "specs"], /--color specs: not a swept path/],
    [["--x", "spec", "--y", "latencySec", "--mark", "lines"], /--mark lines: unknown mark \(did you mean "line"\?\)/],
  ] as [string[], RegExp][]) {
    const bad = await papi(["sweep", "plot", join(dir, "a"), ...args, "--out", join(dir, "never", "x.svg")]);
    assert.ok(isCleanUserError(bad), bad.stderr);
    assert.match(bad.stderr, re);
    assert.ok(!existsSync(join(dir, "never")));
  }
});
