import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../../src/core/errors.ts";
import { OUTPUT_MARKER } from "../../../src/node/output.ts";
import { paretoReport } from "../../../src/report/sweep/pareto.ts";
import { sweepPlot } from "../../../src/report/sweep/plot.ts";
import { runSweep } from "../../../src/report/sweep/run.ts";

// A sweep folder's derived outputs (papi sweep plot's DIR/plots, papi sweep pareto's DIR/pareto) are papi's: a
// --resume accepts them, a fresh rerun removes them with the data they were drawn from, a user's file in them is kept.
const dir = mkdtempSync(join(tmpdir(), "papi-sweep-derived-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const spec = (name: string, specs: string) => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `name: ${name}
base: { system: papi, model: llama-65b, trace: "fixed:32:3", requests: 4, batch: 4 }
grid:
  hardware.fcPim.numFpus: [1, 4]
  spec: ${specs}
metrics: [latencySec, energyJoules]
`);
  return path;
};

test("plots/ and pareto/ of a sweep: kept by --resume, removed by a fresh rerun, a user's file in them refuses the rerun", async () => {
  const out = join(dir, "s");
  const first = spec("d", "[1, 4]");
  await runSweep({ specPath: first, outDir: out, jobs: 1 });
  const plot = await sweepPlot({ dir: out, x: "spec", y: "latencySec" });
  assert.equal(plot.svgPath, join(out, "plots", "latencySec-vs-spec.svg"));
  // the plot folder is marked with the three files it holds
  assert.deepEqual(JSON.parse(readFileSync(join(out, "plots", OUTPUT_MARKER), "utf8")).files, ["latencySec-vs-spec.csv", "latencySec-vs-spec.png", "latencySec-vs-spec.svg"]);
  await sweepPlot({ dir: out, x: "hardware.fcPim.numFpus", y: "energyJoules" });
  assert.equal(JSON.parse(readFileSync(join(out, "plots", OUTPUT_MARKER), "utf8")).files.length, 6);
  await paretoReport({ dir: out, x: "latencySec", y: "energyJoules" });
  // --resume continues in the same folder: nothing to run, the derived folders stay
  const resumed = await runSweep({ specPath: first, outDir: out, jobs: 1, resume: true });
  assert.equal(resumed.numResumed, 4);
  assert.ok(existsSync(join(out, "plots", "latencySec-vs-spec.svg")) && existsSync(join(out, "pareto", "pareto.csv")));
  // a fresh rerun of another grid: the old figures and front would describe points the folder no longer holds
  await runSweep({ specPath: spec("d", "[2]"), outDir: out, jobs: 1 });
  assert.ok(!existsSync(join(out, "plots")) && !existsSync(join(out, "pareto")), readdirSync(out).join(", "));
  assert.equal(readFileSync(join(out, "results.csv"), "utf8").trim().split("\n").length, 1 + 2);
  // a user's file in plots/ makes the folder the user's: the rerun is refused and nothing is removed
  await sweepPlot({ dir: out, x: "hardware.fcPim.numFpus", y: "latencySec" });
  writeFileSync(join(out, "plots", "notes.txt"), "mine");
  await assert.rejects(runSweep({ specPath: first, outDir: out, jobs: 1 }), (e: Error) => e instanceof UserError && /holds files papi did not write \(plots\)/.test(e.message));
  assert.equal(readFileSync(join(out, "plots", "notes.txt"), "utf8"), "mine");
  assert.ok(existsSync(join(out, "plots", "latencySec-vs-hardware.fcPim.numFpus.svg")));
});

test("--out DIR is a plot folder: new, empty or papi's; a user's folder is refused untouched, a user's unmarked plots/ too", async () => {
  const out = join(dir, "u");
  await runSweep({ specPath: spec("u", "[1, 2]"), outDir: out, jobs: 1 });
  const names = ["latencySec-vs-spec.csv", "latencySec-vs-spec.png", "latencySec-vs-spec.svg"];
  const mine = join(dir, "my-figures");
  await sweepPlot({ dir: out, x: "spec", y: "latencySec", out: mine });
  assert.deepEqual(readdirSync(mine).sort(), [OUTPUT_MARKER, ...names].sort());
  assert.deepEqual(JSON.parse(readFileSync(join(mine, OUTPUT_MARKER), "utf8")).kind, "plots");
  // papi's own plot folder takes more plots
  await sweepPlot({ dir: out, x: "spec", y: "energyJoules", out: mine });
  assert.equal(JSON.parse(readFileSync(join(mine, OUTPUT_MARKER), "utf8")).files.length, 6);
  // a user's folder holding a CSV of that name: refused, the CSV untouched
  const user = join(dir, "ud");
  mkdirSync(user);
  writeFileSync(join(user, "latencySec-vs-spec.csv"), "my,data\n");
  writeFileSync(join(user, "notes.txt"), "mine");
  await assert.rejects(sweepPlot({ dir: out, x: "spec", y: "latencySec", out: user }), (e: Error) => e instanceof UserError && /^--out .*ud: the folder is not empty and was not written by papi/.test(e.message));
  assert.deepEqual(readdirSync(user).sort(), ["latencySec-vs-spec.csv", "notes.txt"]);
  assert.equal(readFileSync(join(user, "latencySec-vs-spec.csv"), "utf8"), "my,data\n");
  // an empty path is not the current folder
  await assert.rejects(sweepPlot({ dir: out, x: "spec", y: "latencySec", out: "" }), (e: Error) => e instanceof UserError && e.message === '--out "": the path is empty; give a file or folder name');
  const plots = join(out, "plots");
  mkdirSync(plots);
  writeFileSync(join(plots, "draft.svg"), "<svg/>");
  await assert.rejects(sweepPlot({ dir: out, x: "spec", y: "latencySec" }), (e: Error) => e instanceof UserError && /plots: the folder is not empty and was not written by papi/.test(e.message));
  assert.deepEqual(readdirSync(plots), ["draft.svg"]);
});

test("--out NAME.svg names the three files: each replaces a regular file, all checked before any is written", async () => {
  const out = join(dir, "f");
  await runSweep({ specPath: spec("f", "[1, 2]"), outDir: out, jobs: 1 });
  const figs = join(dir, "figs");
  mkdirSync(figs);
  writeFileSync(join(figs, "fig.csv"), "old");
  writeFileSync(join(figs, "notes.txt"), "mine");
  await sweepPlot({ dir: out, x: "spec", y: "latencySec", out: join(figs, "fig.svg") });
  assert.deepEqual(readdirSync(figs).sort(), ["fig.csv", "fig.png", "fig.svg", "notes.txt"]);
  assert.match(readFileSync(join(figs, "fig.csv"), "utf8"), /^index,hardware.fcPim.numFpus,spec,latencySec\n/);
  // a folder where one of them goes: refused before the CSV is written
  const other = join(dir, "other");
  mkdirSync(join(other, "g.png"), { recursive: true });
  await assert.rejects(sweepPlot({ dir: out, x: "spec", y: "latencySec", out: join(other, "g.csv") }), (e: Error) => e instanceof UserError && /g\.png: refusing to write a folder/.test(e.message));
  assert.deepEqual(readdirSync(other), ["g.png"]);
});
