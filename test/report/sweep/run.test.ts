import { after, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { parquetMetadata } from "hyparquet";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../../src/core/errors.ts";
import { mergeSweepOutputs, readSweepOutput } from "../../../src/report/sweep/merge.ts";
import { runSweep } from "../../../src/report/sweep/run.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-report-sweep-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const spec = (name: string, fpus = "[1, 4, 8]") => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `name: ${name}
base: { system: papi, model: llama-65b, trace: "fixed:32:3", requests: 4, batch: 4 }
grid:
  hardware.fcPim.numFpus: ${fpus}
  spec: [1, 2]
metrics: [latencySec, energyJoules]
`);
  return path;
};
const SPEC = spec("t");
const read = (d: string, f: string) => readFileSync(join(d, f), "utf8");
const whole = runSweep({ specPath: SPEC, outDir: join(dir, "whole"), jobs: 1 });

test("runSweep: every point once, in order; the 8P1B points break the area rule (96 x (8 x 0.1025 + 0.83) = 158.4 mm2 > 121 mm2) and are kept with their reason", async () => {
  const s = await whole;
  assert.deepEqual({ ...s, wallSec: 0, pointsPerSec: 0, outDir: "" }, {
    outDir: "", specHash: s.specHash, shard: "0/1", numPoints: 6, numShardPoints: 6, numRun: 6, numResumed: 0, numOk: 4, numInfeasible: 2, wallSec: 0, pointsPerSec: 0, jobs: 1,
  });
  assert.ok(s.pointsPerSec > 0 && s.wallSec > 0);
  const csv = read(join(dir, "whole"), "results.csv").trim().split("\n");
  assert.equal(csv.length, 1 + 6);
  assert.deepEqual(csv.slice(1).map((l) => l.split(",")[0]), ["0", "1", "2", "3", "4", "5"]);
  const meta = JSON.parse(read(join(dir, "whole"), "sweep.json"));
  assert.equal(meta.name, "t");
  assert.equal(meta.numOk, 4);
  assert.deepEqual(meta.spec.metrics, ["latencySec", "energyJoules"]);
  assert.ok(meta.columns.includes("hardware.fcPim.numFpus") && meta.columns.includes("latencySec"));
  const { output } = readSweepOutput(join(dir, "whole"));
  assert.equal(output.rows.length, 6);
  assert.equal(output.rows.filter((r) => r.status === "infeasible").every((r) => r["hardware.fcPim.numFpus"] === 8), true);
});

test("resuming a finished sweep runs nothing; a sweep of another spec cannot be resumed", async () => {
  await whole;
  const notices: string[] = [];
  const r = await runSweep({ specPath: SPEC, outDir: join(dir, "whole"), jobs: 100000, resume: true, onNotice: (t) => notices.push(t) });
  // more jobs than CPUs: clamped, and said once
  assert.equal(notices.length, 1);
  assert.ok(r.jobs < 100000);
  const quiet: string[] = [];
  await runSweep({ specPath: SPEC, outDir: join(dir, "whole"), jobs: 1, resume: true, onNotice: (t) => quiet.push(t) });
  assert.deepEqual(quiet, []);
  // without a listener the clamp is not said, and the run goes on
  assert.equal((await runSweep({ specPath: SPEC, outDir: join(dir, "whole"), jobs: 100000, resume: true })).numResumed, 6);
  assert.equal(r.numRun, 0);
  assert.equal(r.numResumed, 6);
  assert.equal(r.numOk, 4);
  await assert.rejects(runSweep({ specPath: spec("u", "[1, 4]"), outDir: join(dir, "whole"), jobs: 1, resume: true }), (e) => e instanceof UserError && /holds a sweep of another spec/.test(e.message));
});

test("two shards merged give the unsharded table exactly", async () => {
  await whole;
  const a = await runSweep({ specPath: SPEC, outDir: join(dir, "s0"), jobs: 1, shard: { index: 0, count: 2 } });
  const b = await runSweep({ specPath: SPEC, outDir: join(dir, "s1"), jobs: 1, shard: { index: 1, count: 2 } });
  assert.equal(a.shard, "0/2");
  assert.equal(a.numShardPoints + b.numShardPoints, 6);
  assert.equal(a.numRun, a.numShardPoints);
  // resuming a shard as another shard is refused
  await assert.rejects(runSweep({ specPath: SPEC, outDir: join(dir, "s0"), jobs: 1, shard: { index: 1, count: 2 }, resume: true }), /holds shard 0\/2, not 1\/2/);
  const m = mergeSweepOutputs([join(dir, "s0"), join(dir, "s1")], join(dir, "merged"));
  assert.deepEqual({ numPoints: m.numPoints, numShards: m.numShards }, { numPoints: 6, numShards: 2 });
  assert.equal(read(join(dir, "merged"), "results.csv"), read(join(dir, "whole"), "results.csv"));
  const meta = JSON.parse(read(join(dir, "merged"), "sweep.json"));
  assert.deepEqual([meta.shard, meta.numShardPoints, meta.numOk, meta.numInfeasible], ["0/1", 6, 4, 2]);
  assert.deepEqual(meta.mergedFrom.map((x: { shard: string }) => x.shard), ["0/2", "1/2"]);
  // merging again over the earlier merge (an existing folder that is no shard) is allowed
  assert.equal(mergeSweepOutputs([join(dir, "s0"), join(dir, "s1")], join(dir, "merged")).numPoints, 6);
  assert.equal(read(join(dir, "merged"), "results.csv"), read(join(dir, "whole"), "results.csv"));
  assert.throws(() => mergeSweepOutputs([join(dir, "s0"), join(dir, "s1")], join(dir, "s1")), /is one of the shard folders/);
  // the same folder under another name (a symbolic link) is refused too
  symlinkSync(join(dir, "s1"), join(dir, "link"));
  assert.throws(() => mergeSweepOutputs([join(dir, "s0"), join(dir, "s1")], join(dir, "link")), /is one of the shard folders/);
  const kv = parquetMetadata(new Uint8Array(readFileSync(join(dir, "merged", "results.parquet"))).buffer).key_value_metadata!;
  assert.deepEqual(kv.map((x) => [x.key, x.value]), [["specHash", a.specHash], ["shard", "0/1"]]);
});

test("readSweepOutput names what is missing or inconsistent", async () => {
  await whole;
  assert.throws(() => readSweepOutput(join(dir, "nope")), /no such folder/);
  assert.throws(() => readSweepOutput(dir), /not a finished sweep output \(no sweep\.json\)/);
  const broken = join(dir, "broken");
  cpSync(join(dir, "whole"), broken, { recursive: true });
  const meta = JSON.parse(read(broken, "sweep.json"));
  writeFileSync(join(broken, "sweep.json"), JSON.stringify({ ...meta, specHash: "0000" }));
  assert.throws(() => readSweepOutput(broken), /points\.jsonl and sweep\.json disagree on the spec/);
  rmSync(join(broken, "points.jsonl"));
  assert.throws(() => readSweepOutput(broken), /the journal points\.jsonl is missing/);
});

test("sweep pareto on the finished sweep: designs grouped over the workload, geometric means, files written", async () => {
  await whole;
  const { paretoReport } = await import("../../../src/report/sweep/pareto.ts");
  await assert.rejects(paretoReport({ dir: join(dir, "whole"), y: "energyJoules" }), /give --x \(a metric column: latencySec, energyJoules\)/);
  const p = await paretoReport({ dir: join(dir, "whole"), x: "latencySec", y: "energyJoules", over: ["spec"], outDir: join(dir, "pareto") });
  assert.deepEqual(p.designColumns, ["hardware.fcPim.numFpus"]);
  assert.deepEqual(p.groups.map((g) => [g.design["hardware.fcPim.numFpus"], g.rows, g.feasible]), [[1, 2, true], [4, 2, true], [8, 2, false]]);
  // each design's latency: the geometric mean of its two rows (speculation 1 and 2)
  const rows = read(join(dir, "whole"), "results.csv").trim().split("\n").slice(1).map((l) => l.split(","));
  const lat = (fpus: string) => rows.filter((r) => r[2] === fpus).map((r) => Number(r[4]));
  for (const [k, fpus] of [[0, "1"], [1, "4"]] as const) {
    const [a, b] = lat(fpus);
    assert.ok(Math.abs(p.groups[k].values[0] / Math.sqrt(a * b) - 1) < 1e-5, fpus);
  }
  assert.ok(p.markdown.includes("6 points, 3 designs (rows grouped by hardware.fcPim.numFpus; objectives are geometric means over spec). 2 designs are feasible;"));
  assert.ok(p.markdown.includes("Infeasible designs by first violated constraint: area 1."));
  const csv = read(join(dir, "pareto"), "pareto.csv").trim().split("\n");
  assert.equal(csv.length, 1 + 3);
  assert.match(csv[0], /^hardware\.fcPim\.numFpus,latencySec,energyJoules,rows,feasible,front,reference,reason$/);
  assert.equal(read(join(dir, "pareto"), "pareto.md"), p.markdown);
  assert.match(read(join(dir, "pareto"), "pareto.svg"), /Pareto front of latencySec vs energyJoules/);
  // the figure says what it shows: aggregation over the workload, the numbering, the feasible count
  const svg = read(join(dir, "pareto"), "pareto.svg");
  for (const t of ["latencySec (s), geometric mean", "energyJoules (J), geometric mean", "2 feasible of 3 designs; objectives are geometric means over spec", "black = the front, numbered as in pareto.md; red = references"]) {
    assert.ok(svg.includes(t), t);
  }
  // every swept path a design column: nothing aggregated
  const all = await paretoReport({ dir: join(dir, "whole"), x: "latencySec", y: "energyJoules", over: [], outDir: join(dir, "pareto-all") });
  assert.equal(all.groups.length, 6);
  assert.ok(!read(join(dir, "pareto-all"), "pareto.svg").includes("geometric mean"));
});

test("sweep plot on the finished sweep: the feasible points drawn, their CSV beside the figure", async () => {
  await whole;
  const { sweepPlot } = await import("../../../src/report/sweep/plot.ts");
  await assert.rejects(sweepPlot({ dir: join(dir, "whole"), x: "spec", y: "latencySec", mark: "lines" }), /--mark lines: unknown mark \(did you mean "line"\?\); known: auto, line, point, bar, heatmap/);
  const p = await sweepPlot({ dir: join(dir, "whole"), x: "spec", y: "latencySec", color: "hardware.fcPim.numFpus", out: join(dir, "plot", "lat.png") });
  assert.equal(p.numPoints, 6);
  assert.equal(p.numDrawn, 4);
  assert.equal(p.csvPath, join(dir, "plot", "lat.csv"));
  assert.equal(p.svgPath, join(dir, "plot", "lat.svg"));
  const csv = readFileSync(p.csvPath, "utf8").trim().split("\n");
  assert.equal(csv[0], "index,hardware.fcPim.numFpus,spec,latencySec");
  assert.deepEqual(csv.slice(1).map((l) => l.split(",")[0]), ["0", "1", "2", "3"]);
  assert.match(readFileSync(p.svgPath, "utf8"), /t: latencySec vs spec by hardware\.fcPim\.numFpus/);
  // a metric on x: its column joins the CSV between the swept columns and y
  const m = await sweepPlot({ dir: join(dir, "whole"), x: "energyJoules", y: "latencySec", out: join(dir, "plot", "metric.svg") });
  assert.equal(readFileSync(m.csvPath, "utf8").split("\n")[0], "index,hardware.fcPim.numFpus,spec,energyJoules,latencySec");
});
