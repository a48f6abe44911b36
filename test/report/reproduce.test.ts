import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reproduce } from "../../src/report/reproduce.ts";

const dir = mkdtempSync(join(tmpdir(), "papi-report-reproduce-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("reproduce of Fig. 6 and Fig. 12 on a tiny trace: the figures' files, report.md and summary.json", async () => {
  const out = join(dir, "r");
  const r = await reproduce({ figures: ["fig6", "fig12"], outDir: out, protocol: "one-batch", seed: 3, trace: "fixed:32:3", progress: false, sensitivity: true });
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
});
