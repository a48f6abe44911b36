import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCleanUserError, papi, papiProcess } from "./helpers.ts";
import { GOLDEN_FILE, sharedGoldenRun } from "../golden/golden.ts";

test("papi reproduce --json has the documented summary keys, and writes figures, data and the report", async () => {
  // the golden run (papi reproduce --figures fig4,fig8,fig10,fig11,fig12 --no-sensitivity --json --out DIR), made
  // once for this test and the golden comparison
  const r = await sharedGoldenRun();
  const out = r.out;
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
  assert.deepEqual(Object.keys(j.fig4.crossoverTokens).sort(), ["attacc", "fc-pim", "hbm-pim"]);
  // the other compute semantics' headline numbers, under a key that names it
  assert.equal(j.computeSemantics, "column-matched");
  const o = j.otherComputeSemantics;
  assert.equal(o.computeSemantics, "decoupled-clock");
  for (const b of ["a100-attacc", "a100-hbmpim", "attacc-only"]) assert.ok(positive(o.fig8.speedupVs[b]) && o.fig8.speedupVs[b] !== j.fig8.speedupVs[b], b);
  assert.equal(o.claims.length, j.claims.length);
  assert.ok(positive(o.fig11.speedupVsAttaccOnly.average) && positive(o.fig12.fcSpeedup) && positive(o.fig10.batchSweep.speedupVs["a100-attacc"]));
  // the other assumption profile's, likewise, and the bounds under each
  assert.equal(j.profile, "papi");
  const p = j.otherProfile;
  assert.equal(p.profile, "attacc-toolchain");
  assert.equal(p.computeSemantics, "column-matched");
  assert.equal(p.claims.length, j.claims.length);
  assert.ok(positive(p.fig11.speedupVsAttaccOnly.average) && positive(p.fig12.fcSpeedup) && positive(p.fig10.batchSweep.speedupVs["a100-attacc"]));
  for (const s of [j, p, o]) {
    assert.ok(positive(s.bounds.fcOnly.mean) && positive(s.bounds.fcPimAlone.mean) && s.bounds.fcOnly.points === 27);
    assert.ok(s.bounds.speedup === s.fig8.speedupVs["attacc-only"] || Math.abs(s.bounds.speedup / s.fig8.speedupVs["attacc-only"] - 1) < 1e-12);
  }
  assert.deepEqual(j.setup.changes, []);
  for (const f of ["report.md", "report.html", "summary.json", "fig8-speedup.svg", "fig8-speedup.png", "fig8.csv", "fig12.png"]) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const png = readFileSync(join(out, "fig8-speedup.png"));
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const md = readFileSync(join(out, "report.md"), "utf8");
  assert.match(md, /Paper vs papi/);
  assert.match(md, /qualitative claims/);
});

test("reproduce --profile: both profiles side by side (table, report, JSON), each equal to a separate run under it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-repro-"));
  try {
    // a 64-request synthetic trace keeps every protocol's grid small
    const args = ["reproduce", "--figures", "fig8", "--protocol", "one-batch", "--trace", "uniform:16-256:2-24", "--no-sensitivity"];
    const a = await papi([...args, "--out", join(dir, "papi")]);
    assert.equal(a.status, 0, a.stderr);
    const b = await papi([...args, "--profile", "attacc-toolchain", "--json", "--out", join(dir, "at")]);
    assert.equal(b.status, 0, b.stderr);
    const main = JSON.parse(readFileSync(join(dir, "papi", "summary.json"), "utf8"));
    const at = JSON.parse(b.stdout);
    assert.deepEqual([main.profile, main.otherProfile.profile, at.profile, at.otherProfile.profile], ["papi", "attacc-toolchain", "attacc-toolchain", "papi"]);
    for (const k of ["speedupVs", "energyEfficiencyVs", "geomean"]) {
      assert.deepEqual(main.otherProfile.fig8[k], at.fig8[k], k);
      assert.deepEqual(at.otherProfile.fig8[k], main.fig8[k], k);
    }
    assert.deepEqual(main.otherProfile.bounds, at.bounds);
    assert.deepEqual(at.otherProfile.bounds, main.bounds);
    assert.deepEqual(main.otherProfile.claims, at.claims);
    assert.notDeepEqual(main.fig8.energyEfficiencyVs, at.fig8.energyEfficiencyVs, "the profiles differ");
    // the CLI's table: a column for the other profile, with its numbers
    const header = a.stdout.split("\n").find((l) => l.startsWith("what"))!;
    assert.match(header, /decoupled-clock +attacc-toolchain$/);
    const row = a.stdout.split("\n").find((l) => l.startsWith("PAPI energy efficiency vs AttAcc-only"))!;
    assert.ok(row.trimEnd().endsWith(`${at.fig8.energyEfficiencyVs["attacc-only"].toFixed(2)}x`), row);
    assert.match(a.stdout, /profile papi \(the figures\); decoupled-clock semantics and profile attacc-toolchain beside it/);
    // the report: both profiles in the paper-vs-papi table, the claims and the bounds
    const md = readFileSync(join(dir, "papi", "report.md"), "utf8");
    assert.match(md, /\| papi \(one-batch, column-matched, profile papi\) \| papi \/ paper \| papi \(decoupled-clock\) \| papi \(profile attacc-toolchain\) \|/);
    assert.match(md, /## Assumption profiles side by side/);
    assert.match(md, /\| the paper says \| column-matched, profile papi \| decoupled-clock \| profile attacc-toolchain \|/);
    assert.match(md, new RegExp(`\\| attacc-toolchain \\| ${at.bounds.speedup.toFixed(2)}x \\| ${at.bounds.fcOnly.mean.toFixed(2)}x \\|`));
    assert.match(md, /\*\*PAPI speedup vs AttAcc-only\*\* \(paper 11\.10x\)/);
    assert.ok(existsSync(join(dir, "papi", "bounds.csv")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad reproduce flags are one-line errors and leave no output folder", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "papi-repro-")), "out");
  for (const args of [["--figures", "fig99"], ["--protocol", "some"], ["--seed", "-3"], ["--set", "batch=4"], ["--set", "hardware.gpu=h9"], ["--config", join(out, "..", "missing.yaml")]]) {
    const r = await papi(["reproduce", ...args, "--out", out]);
    assert.ok(isCleanUserError(r), `${args.join(" ")}: ${r.stderr}`);
    assert.ok(!existsSync(out));
  }
  // --trace is checked up front, even when no figure drawn uses it (Fig. 4 does not), and before the chart cache is made
  const cache = join(out, "..", "charts");
  const r = await papi(["reproduce", "--figures", "fig4", "--no-sensitivity", "--trace", "bogus", "--chart-cache", cache, "--out", out]);
  assert.ok(isCleanUserError(r), r.stderr);
  assert.match(r.stderr, /^papi: error: unknown trace "bogus" \(not a built-in name nor a file\); known: dolly-creative/);
  assert.ok(!existsSync(out) && !existsSync(cache));
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

test("reproduce --config/--set: an H100 design changes Fig. 8, and the report says what changed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-repro-"));
  const config = join(dir, "h100.yaml");
  writeFileSync(config, "hardware:\n  gpu: h100-sxm\n");
  const out = join(dir, "out");
  const r = await papi(["reproduce", "--figures", "fig8", "--no-sensitivity", "--json", "--config", config, "--set", "hardware.links.gpuGpu=nvlink4", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  // the paper's setup, from the golden run (test/golden): every Fig. 8 ratio moves with the GPU
  const paper = JSON.parse(readFileSync(GOLDEN_FILE, "utf8"));
  for (const m of ["speedupVs", "energyEfficiencyVs"]) {
    for (const b of Object.keys(paper.fig8[m])) assert.ok(Math.abs(j.fig8[m][b] / paper.fig8[m][b] - 1) > 1e-3, `${m}.${b}: ${j.fig8[m][b]} vs ${paper.fig8[m][b]}`);
  }
  assert.deepEqual(j.setup.changes, [{ path: "hardware.gpu", value: "h100-sxm" }, { path: "hardware.links.gpuGpu", value: "nvlink4" }]);
  assert.equal(j.setup.devices.papi.units.gpu, "6 x h100-sxm");
  assert.equal(j.setup.devices["attacc-only"].units.gpu, undefined);
  const md = readFileSync(join(out, "report.md"), "utf8");
  const header = md.slice(md.indexOf("## Design under study"), md.indexOf("## Paper vs papi"));
  assert.match(header, /\| `hardware\.gpu` \| `"h100-sxm"` \|/);
  assert.match(header, /\| `hardware\.links\.gpuGpu` \| `"nvlink4"` \|/);
  assert.match(header, /\| PAPI \| gpu: 6 x h100-sxm; fc-pim: 30 x fc-pim \(4P1B, column-matched\) on hbm3-5\.2; attn-pim: 60 x attn-pim/);
  const csv = readFileSync(join(out, "fig8.csv"), "utf8").split("\n");
  assert.match(csv[0], /(^|,)system,systemLabel(,|$)/);
  assert.ok(csv.some((l) => l.includes(",papi,PAPI,")));
});

test("reproduce --set of a field the figures set themselves is a one-line error naming it", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "papi-repro-")), "out");
  const r = await papi(["reproduce", "--set", "system=x", "--out", out]);
  assert.ok(isCleanUserError(r), r.stderr);
  assert.match(r.stderr, /--set system: papi reproduce sets system itself/);
  assert.ok(!existsSync(out));
});

test("reproduce is byte-identical from run to run (report, summary, CSV, SVG, PNG)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-repro-"));
  const run = async (name: string) => {
    const out = join(dir, name);
    assert.equal((await papi(["reproduce", "--figures", "fig2,fig7,fig12", "--no-sensitivity", "--out", out])).status, 0);
    return out;
  };
  const [a, b] = [await run("a"), await run("b")];
  const files = readdirSync(a).sort();
  assert.deepEqual(readdirSync(b).sort(), files);
  assert.ok(files.includes("report.md") && files.includes("fig12.png") && files.includes("fig7-power.svg"));
  for (const f of files) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f);
});

test("reproduce under a design change says the systems keep the paper's names; without one it says nothing of it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-repro-"));
  const changed = await papi(["reproduce", "--figures", "fig4", "--set", "hardware.gpu=h100-sxm", "--out", join(dir, "a")]);
  assert.equal(changed.status, 0, changed.stderr);
  assert.match(changed.stdout, /^design under study: hardware\.gpu=h100-sxm; the systems keep the paper's names/m);
  const plain = await papi(["reproduce", "--figures", "fig4", "--out", join(dir, "b")]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, /design under study/);
});
