import { test } from "node:test";
import assert from "node:assert/strict";
import { isRunFolder, runPageMarkdown, runSummary } from "../../src/report/run-folder.ts";
import type { RunResult } from "../../src/serving/run.ts";

/** A hand-made run result: only the fields the run page prints. */
const r = {
  system: "papi", model: "llama-65b", trace: "fixed:64:9", numRequests: 8, batching: "static", batch: 4, spec: 2, scheduler: "papi", alpha: 12,
  latencySec: 1.23456, prefillSec: 0.2, decodeSec: 1.0, idleSec: 0.03456, tokensPerSec: 58.333, energyJoules: 1234.56, tokensPerJoule: 0.0583,
  iterations: 20, fcOnGpuIterations: 5, fcOnPimIterations: 15, fcSwitches: 3, ttftSec: { p50: 0.1, p99: 0.25 }, tpotSec: { p50: 0.0123, p99: 0.0456 },
  papiVersion: "9.9.9", seed: 7, configHash: "abc123", config: { system: "papi" },
} as unknown as RunResult;

test("a run folder is one with summary.json and config.yaml", () => {
  assert.equal(isRunFolder(["summary.json", "config.yaml", "x.csv"]), true);
  assert.equal(isRunFolder(["summary.json"]), false);
  assert.equal(isRunFolder(["config.yaml"]), false);
});

test("summary.json is the result without the resolved config", () => {
  const s = runSummary(r) as Record<string, unknown>;
  assert.equal("config" in s, false);
  assert.equal(s.latencySec, 1.23456);
  assert.equal(Object.keys(s).length, Object.keys(r).length - 1);
});

test("the run page: every number of the run with its unit, then the charts and the files", () => {
  const md = runPageMarkdown(r, [["ttft", "TTFT of every request."]]);
  for (const row of [
    "# papi run: papi / llama-65b",
    "| system | papi |",
    "| design under study | papi |",
    "| trace | fixed:64:9 (8 requests) |",
    "| batching | static, batch 4, spec 2 |",
    "| scheduler | papi, alpha 12 |",
    "| latency | 1.235 s (prefill 0.200 s, decode 1.000 s, idle 0.035 s) |",
    "| throughput | 58.3 tokens/s |",
    "| energy | 1234.6 J (0.058 tokens/J) |",
    "| iterations | 20 (FC on GPU 5, FC-PIM 15, 3 switches) |",
    "| TTFT p50 / p99 | 0.100 / 0.250 s |",
    "| TPOT p50 / p99 | 12.300 / 45.600 ms |",
    "| papi | 9.9.9, seed 7, config hash abc123 |",
    "![TTFT of every request.](ttft.svg)\n\nTTFT of every request.\n",
  ]) assert.ok(md.includes(row), row);
  assert.ok(md.endsWith("[iterations.csv](iterations.csv).\n"));
  // no alpha for a scheduler without one
  assert.ok(runPageMarkdown({ ...r, alpha: null }, []).includes("| scheduler | papi |"));
});

test("the run page names the design under study: unchanged, changed (pipes escaped), or of its own", () => {
  const page = (d: unknown) => runPageMarkdown({ ...r, designUnderStudy: d } as RunResult, []);
  const same = page({ preset: "papi", changes: [] });
  assert.ok(same.includes("| design under study | papi preset, unchanged |") && same.startsWith("# papi run: papi / llama-65b"));
  const changed = page({ preset: "papi", changes: [{ path: "system.units.a|b.numFpus", value: 8, presetValue: 4 }] });
  assert.ok(changed.startsWith("# papi run: papi (modified) / llama-65b"));
  assert.ok(changed.includes("| design under study: papi preset with | `system.units.a\\|b.numFpus = 8 (preset: 4)` |"), changed);
  const own = page({ preset: null, changes: [] });
  assert.ok(own.startsWith("# papi run: papi (modified) / llama-65b"));
  assert.ok(own.includes("| design under study | papi: a system of its own (no preset to compare with) |"));
});

test("writeRunFolder: config, summary, per-request and per-iteration CSVs, the charts a run has, and the page", async () => {
  const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const { writeRunFolder } = await import("../../src/report/run-folder.ts");
  const { RunRecorder } = await import("../../src/serving/recorder.ts");
  const { runOnce } = await import("../../src/serving/run.ts");
  const dir = mkdtempSync(join(tmpdir(), "papi-run-folder-"));
  try {
    // two requests of 64 tokens in, 3 out: two decode iterations each
    const rec = new RunRecorder();
    const run = runOnce({ trace: "fixed:64:3", requests: 2, batch: 2 }, { recorder: rec });
    await writeRunFolder(join(dir, "two"), run, rec);
    const files = readdirSync(join(dir, "two"));
    for (const f of ["config.yaml", "summary.json", "requests.csv", "iterations.csv", "index.html", "scheduler.svg", "ttft.svg", "tpot.png"]) assert.ok(files.includes(f), f);
    assert.ok(!files.includes("timeline.json"));
    assert.equal(readFileSync(join(dir, "two", "requests.csv"), "utf8").trim().split("\n").length, 1 + 2);
    assert.equal(readFileSync(join(dir, "two", "iterations.csv"), "utf8").trim().split("\n").length, 1 + run.iterations);
    assert.match(readFileSync(join(dir, "two", "config.yaml"), "utf8"), /^# papi .*: resolved config of a run \(config hash [0-9a-f]+\); rerun with: papi run --config config\.yaml\n/);
    assert.equal(JSON.parse(readFileSync(join(dir, "two", "summary.json"), "utf8")).latencySec, run.latencySec);
    const html = readFileSync(join(dir, "two", "index.html"), "utf8");
    assert.ok(html.includes("ttft.svg") && html.includes("energy-by-device.svg"));
    // one request: no latency histograms
    const one = new RunRecorder();
    await writeRunFolder(join(dir, "one"), runOnce({ trace: "fixed:64:3", requests: 1, batch: 1 }, { recorder: one }), one);
    const oneFiles = readdirSync(join(dir, "one"));
    assert.ok(!oneFiles.includes("ttft.svg") && !oneFiles.includes("tpot.svg") && oneFiles.includes("scheduler.svg"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
