import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Experiments } from "../../src/report/experiments.ts";
import { reproduce } from "../../src/report/reproduce.ts";
import { headlinesOf, headlinesSummary } from "../../src/report/semantics.ts";
import { PAPER_SETUP, withComputeSemantics, withProfile } from "../../src/report/setup.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-report-reproduce-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("reproduce of Fig. 6 and Fig. 12 on a tiny trace: the figures' files, report.md and summary.json", async () => {
  const out = join(dir, "r");
  // the progress bar on a (stand-in) terminal: one step per figure, plus the other semantics and the other profile
  const bar = await onTerminalStderr(() => reproduce({ figures: ["fig6", "fig12"], outDir: out, protocol: "one-batch", seed: 3, trace: "fixed:32:3", progress: true, sensitivity: true }));
  const r = bar.result;
  assert.match(bar.written, /papi reproduce \[.*\] 4\/4 100%/);
  for (const f of ["fig6.svg", "fig6.png", "fig6.csv", "fig12.svg", "fig12.csv", "report.md", "report.html", "summary.json"]) assert.ok(existsSync(join(out, f)), f);
  assert.equal(r.outDir, out);
  assert.ok(r.wallSec > 0);
  // Fig. 12 runs two points (AttAcc-only, PIM-only PAPI) under the main setup, the other semantics and the other profile
  assert.equal(r.runs, 6);
  assert.deepEqual(r.comparisons, []);
  assert.equal(r.sensitivity, undefined, "no study without Fig. 8");
  const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  assert.equal(s.computeSemantics, "column-matched");
  assert.equal(s.profile, "papi");
  assert.deepEqual(Object.keys(s.fig12), ["fcSpeedup", "attentionSlowdown", "communicationShare"]);
  assert.equal(s.otherComputeSemantics.computeSemantics, "decoupled-clock");
  assert.equal(s.otherProfile.profile, "attacc-toolchain");
  assert.equal(s.claims.length, 1);
  const md = readFileSync(join(out, "report.md"), "utf8");
  assert.ok(md.includes("Trace `fixed:32:3`, main protocol `one-batch`") && md.includes("seed 3; 6 simulated runs."));
  assert.ok(md.indexOf("## Fig. 6") < md.indexOf("## Fig. 12"));
  assert.ok(!existsSync(join(out, "bounds.csv")));
  assert.ok(!("bounds" in r.summary) && !("mechanisms" in r.summary), "no Fig. 8: no bounds, no mechanisms");
});

test("reproduce of a device-level figure alone: no other semantics or profile is computed", async () => {
  const r = await reproduce({ figures: ["fig6"], outDir: join(dir, "fig6-only"), protocol: "one-batch", seed: 3, trace: "fixed:32:3", progress: false, sensitivity: false });
  assert.equal(r.runs, 0);
  assert.ok(!("otherComputeSemantics" in r.summary) && !("otherProfile" in r.summary), Object.keys(r.summary).join(", "));
});

/** Runs `f` with process.stderr standing in for a terminal; returns what was written to it. */
async function onTerminalStderr<T>(f: () => Promise<T>): Promise<{ result: T; written: string }> {
  const err = process.stderr as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(["isTTY", "write", "cursorTo", "clearLine", "moveCursor", "columns"].map((k) => [k, Object.getOwnPropertyDescriptor(err, k)]));
  let written = "";
  Object.assign(err, { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, write: (d: unknown) => ((written += String(d)), true) });
  try {
    const result = await f();
    await new Promise((r) => setImmediate(r));
    return { result, written };
  } finally {
    for (const [k, d] of Object.entries(saved)) {
      if (d) Object.defineProperty(err, k, d);
      else delete err[k];
    }
  }
}

test("reproduce of Fig. 8: every comparison under both compute semantics and both profiles, the main ones equal to ours", async () => {
  const out = join(dir, "r8");
  const r = await reproduce({ figures: ["fig8"], outDir: out, protocol: "one-batch", seed: 3, trace: "fixed:32:3", progress: false, sensitivity: false });
  assert.ok(r.comparisons.length > 0);
  for (const c of r.comparisons) {
    assert.deepEqual(Object.keys(c.oursBySemantics!), ["column-matched", "decoupled-clock"], c.key);
    assert.deepEqual(Object.keys(c.oursByProfile!), ["papi", "attacc-toolchain"], c.key);
    assert.equal(c.oursBySemantics!["column-matched"], c.ours, c.key);
    assert.equal(c.oursByProfile!.papi, c.ours, c.key);
  }
  // Fig. 8 brings the bounds on PAPI's speedup over AttAcc-only, per point in bounds.csv
  const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  assert.ok(s.bounds !== undefined && s.mechanisms !== undefined);
  assert.deepEqual(s.bounds, JSON.parse(JSON.stringify(r.summary.bounds)));
  assert.ok(existsSync(join(out, "bounds.csv")));
  assert.equal(r.sensitivity, undefined, "study skipped");
  // the other semantics' and profile's headlines come from worker threads: the same as computing them here, on one
  // run cache with the main setup's (the first test pins the run count over the three setups)
  const exp = new Experiments("fixed:32:3", 3, PAPER_SETUP);
  headlinesOf(exp, "one-batch", ["fig8"]);
  const bySemantics = headlinesSummary(headlinesOf(exp.withSetup(withComputeSemantics(PAPER_SETUP, "decoupled-clock")), "one-batch", ["fig8"]));
  const byProfile = headlinesSummary(headlinesOf(exp.withSetup(withProfile(PAPER_SETUP, "attacc-toolchain")), "one-batch", ["fig8"]));
  assert.deepEqual(s.otherComputeSemantics, JSON.parse(JSON.stringify(bySemantics)));
  assert.deepEqual(s.otherProfile, JSON.parse(JSON.stringify(byProfile)));
});
