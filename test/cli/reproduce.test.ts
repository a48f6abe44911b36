import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCleanUserError, papi, papiProcess } from "./helpers.ts";

test("papi reproduce --json has the documented summary keys, and writes figures, data and the report", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "papi-repro-")), "out");
  const r = await papi(["reproduce", "--figures", "fig8,fig10,fig11,fig12,fig7", "--no-sensitivity", "--json", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const positive = (x: unknown) => typeof x === "number" && Number.isFinite(x) && x > 0;
  for (const b of ["a100-attacc", "a100-hbmpim", "attacc-only"]) {
    assert.ok(positive(j.fig8.speedupVs[b]) && positive(j.fig8.energyEfficiencyVs[b]), b);
    assert.ok(positive(j.fig8.geomean.speedupVs[b]), b);
    // AM-GM: the arithmetic mean of the per-point ratios is never below their geometric mean
    assert.ok(j.fig8.speedupVs[b] >= j.fig8.geomean.speedupVs[b] * (1 - 1e-12), b);
    assert.ok(positive(j.fig10.batchSweep.speedupVs[b]), b);
  }
  assert.ok(positive(j.fig10.specSweep.speedupVs["a100-attacc"]) && positive(j.fig10.specSweep.speedupVs["attacc-only"]));
  for (const k of ["average", "b4s1", "b64s4"]) assert.ok(positive(j.fig11.speedupVsAttaccOnly[k]), k);
  for (const k of ["fcSpeedup", "attentionSlowdown"]) assert.ok(positive(j.fig12[k]), k);
  assert.ok(j.fig12.communicationShare >= 0 && j.fig12.communicationShare < 1);
  for (const f of ["report.md", "report.html", "summary.json", "fig8-speedup.svg", "fig8-speedup.png", "fig8.csv", "fig12.png", "fig7-power.svg"]) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const png = readFileSync(join(out, "fig8-speedup.png"));
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const md = readFileSync(join(out, "report.md"), "utf8");
  assert.match(md, /Paper vs papi/);
  assert.match(md, /qualitative claims/);
});

test("bad reproduce flags are one-line errors and leave no output folder", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "papi-repro-")), "out");
  for (const args of [["--figures", "fig99"], ["--protocol", "some"], ["--seed", "-3"]]) {
    const r = await papi(["reproduce", ...args, "--out", out]);
    assert.ok(isCleanUserError(r), `${args.join(" ")}: ${r.stderr}`);
    assert.ok(!existsSync(out));
  }
});

test("reproduce never replaces a folder that is not an earlier papi output", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-user-"));
  writeFileSync(join(dir, "notes.txt"), "mine");
  const r = papiProcess(["reproduce", "--figures", "fig6", "--out", "."], { cwd: dir });
  assert.ok(isCleanUserError(r), r.stderr);
  assert.equal(readFileSync(join(dir, "notes.txt"), "utf8"), "mine");
  // an earlier papi output folder is replaced as a whole
  const out = join(dir, "out");
  assert.equal((await papi(["reproduce", "--figures", "fig6", "--out", out])).status, 0);
  assert.equal((await papi(["reproduce", "--figures", "fig6", "--out", out])).status, 0);
  assert.ok(existsSync(join(out, "fig6.svg")));
});
