import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCleanUserError, papi } from "./helpers.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "papi-cfg-"));
const json = (s: string) => JSON.parse(s) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("run configs from files, flags and --set", () => {
  test("--set patches the default system; a later --set wins; flags override the file", async () => {
    const d = tmp();
    const cfg = join(d, "c.yaml");
    writeFileSync(cfg, "batch: 8\nspec: 2\nrequests: 8\n");
    const r = await papi(["run", "--config", cfg, "--batch", "4", "--set", "system.gpu.numGpus=3", "--set", "spec=1", "--set", "spec=2", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const j = json(r.stdout);
    assert.equal(j.config.system.name, "papi");
    assert.equal(j.config.system.units.gpu.count, 3);
    assert.equal(j.config.system.tensorParallel, 3);
    assert.equal(j.batch, 4);
    assert.equal(j.spec, 2);
  });

  test("hardware.* patches a system whose device is written {preset, ...} (examples/systems/h100-fcpim-cxl.yaml)", async () => {
    const r = await papi(["run", "--config", "examples/systems/h100-fcpim-cxl.yaml", "--set", "hardware.fcPim.numFpus=2", "--requests", "4", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const design = json(r.stdout).config.system.units["fc-pim"].design;
    assert.equal(design.numFpus, 2);
    assert.equal(design.hbm.name, "hbm3e", "the system's HBM3E stays under the patch");
    assert.equal(design.numBanksPerFpuGroup, 1);
  });

  test("unknown keys anywhere name the path and the nearest valid key", async () => {
    for (const [set, where, near] of [
      ["hardware.fcPim.numFPUs=2", "hardware.fcPim", "numFpus"],
      ["hardware.gpu.hbmBandwidth=1e12", "hardware.gpu", "hbmBandwidthBytesPerSec"],
      ["hardware.fcPim.hbm.timing.nCCDABX=5", "hardware.fcPim.hbm.timing", "nCCDAB"],
      ["system.attnStacks.numStack=4", "system.attnStacks", "numStacks"],
      ["batchSize=4", "config", "batch"],
    ]) {
      const r = await papi(["run", "--set", set]);
      assert.ok(isCleanUserError(r), `${set}: ${r.stderr}`);
      assert.ok(r.stderr.includes(where) && r.stderr.includes(`did you mean "${near}"`), `${set}: ${r.stderr}`);
    }
  });

  test("typos at two levels: every error keeps its place after the file or config label", async () => {
    const r = await papi(["run", "--set", "hardware.fcPim.numFPUs=2", "--set", "hardwar.x=1"]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.equal(r.stderr, 'papi: error: config: hardware.fcPim: unknown key "numFPUs" (did you mean "numFpus"?); config: unknown key "hardwar" (did you mean "hardware"?)\n');
    const d = tmp();
    writeFileSync(join(d, "s.yaml"), "name: x\nbase:\n  system: papi\n  hardware: {fcPim: {numFPUs: 1}}\n  batchh: 4\ngrid:\n  batch: [4]\n");
    const s = await papi(["sweep", join(d, "s.yaml"), "--out", join(d, "o")]);
    assert.ok(isCleanUserError(s), s.stderr);
    assert.match(s.stderr, /base: hardware\.fcPim: unknown key "numFPUs" .*; base: unknown key "batchh" \(did you mean "batch"\?\)$/m);
    writeFileSync(join(d, "m.json"), JSON.stringify({ name: "m", hidden_size: 8, intermediate_size: 16, num_hidden_layers: 2, num_attention_heads: 2, vocab_size: 10, hidden_szie: 8, rope_thetaa: 1 }));
    const m = await papi(["run", "--model", join(d, "m.json")]);
    assert.ok(isCleanUserError(m), m.stderr);
    assert.match(m.stderr, /m\.json: unknown key "hidden_szie" \(did you mean "hidden_size"\?\)[^;]*; \S*m\.json: unknown key "rope_thetaa" \(did you mean "rope_theta"\?\)/);
  });

  test("unknown preset names list the known ones and suggest the nearest", async () => {
    const r = await papi(["run", "--set", "hardware.gpu=h100-sx"]);
    assert.ok(isCleanUserError(r));
    assert.match(r.stderr, /unknown GPU preset "h100-sx" \(did you mean "h100-sxm"\?\); known: .*h200-sxm/);
  });

  test("paths in a config resolve from the config's folder, not the cwd", async () => {
    const d = tmp();
    mkdirSync(join(d, "m"));
    writeFileSync(join(d, "m", "config.json"), JSON.stringify({ _name_or_path: "acme/Tiny-1B", hidden_size: 2048, intermediate_size: 5632, num_hidden_layers: 4, num_attention_heads: 16, vocab_size: 32000 }));
    writeFileSync(join(d, "t.csv"), "lin,lout\n10,5\n20,3\n");
    writeFileSync(join(d, "c.yaml"), "model: m/config.json\ntrace: t.csv\nbatch: 2\nspec: 1\n");
    const r = await papi(["run", "--config", join(d, "c.yaml"), "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const j = json(r.stdout);
    assert.equal(j.model, "Tiny-1B"); // HF _name_or_path, not "config"
    assert.equal(j.numRequests, 2);
    assert.equal(j.generatedTokens, 8);
    assert.equal(j.config.trace, join(d, "t.csv")); // the resolved config holds the absolute path
  });

  test("what papi systems --json and papi presets --json print is valid input", async () => {
    const systems = json((await papi(["systems", "--json"])).stdout);
    for (const [name, desc] of Object.entries(systems)) {
      const r = await papi(["run", "--set", `system=${JSON.stringify(desc)}`, "--requests", "4", "--trace", "fixed:16:4", "--json"]);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.equal(json(r.stdout).system, name);
    }
    const gpus = json((await papi(["presets", "gpu", "--json"])).stdout);
    const a = await papi(["run", "--set", `hardware.gpu=${JSON.stringify(gpus["h100-sxm"])}`, "--requests", "4", "--trace", "fixed:16:4", "--json"]);
    const b = await papi(["run", "--set", "hardware.gpu=h100-sxm", "--requests", "4", "--trace", "fixed:16:4", "--json"]);
    assert.equal(json(a.stdout).latencySec, json(b.stdout).latencySec);
  });

  test("papi presets collective / profile --json: each entry is valid where a config takes it, and equal to its name", async () => {
    const collectives = json((await papi(["presets", "collective", "--json"])).stdout);
    assert.ok(Object.keys(collectives).includes("nccl-graph"));
    const run = async (...set: string[]) => json((await papi(["run", ...set.flatMap((s) => ["--set", s]), "--requests", "4", "--trace", "fixed:16:4", "--json"])).stdout);
    const byName = await run("hardware.fabrics.gpuGpu.collective=nccl-graph");
    const bySpec = await run(`hardware.fabrics.gpuGpu.collective=${JSON.stringify(collectives["nccl-graph"])}`);
    assert.equal(bySpec.latencySec, byName.latencySec);
    assert.notEqual(byName.latencySec, (await run()).latencySec); // the collective reaches the run
    const profiles = json((await papi(["presets", "profile", "--json"])).stdout);
    assert.deepEqual(Object.keys(profiles), ["papi", "attacc-toolchain"]);
    const named = await run("profile=attacc-toolchain");
    const spelled = await run(`assumptions=${JSON.stringify(profiles["attacc-toolchain"].assumptions)}`, ...Object.entries(profiles["attacc-toolchain"].fabrics as Record<string, unknown>).map(([f, v]) => `hardware.fabrics.${f}=${JSON.stringify(v)}`));
    assert.equal(spelled.energyJoules, named.energyJoules);
    assert.equal(spelled.latencySec, named.latencySec);
  });
});

describe("run folders and papi compare", () => {
  test("--out writes the folder; config.yaml reruns to the same hash; compare lists metrics and config differences", async () => {
    const d = tmp();
    const a = join(d, "a");
    const b = join(d, "b");
    assert.equal((await papi(["run", "--requests", "8", "--out", a])).status, 0);
    assert.equal((await papi(["run", "--requests", "8", "--set", "hardware.links.attention=cxl2", "--out", b])).status, 0);
    for (const f of ["config.yaml", "summary.json", "requests.csv", "iterations.csv", "index.html"]) assert.ok(existsSync(join(a, f)), f);
    const summary = json(readFileSync(join(a, "summary.json"), "utf8"));
    assert.equal(readFileSync(join(a, "requests.csv"), "utf8").trim().split("\n").length, 1 + 8);
    assert.equal(readFileSync(join(a, "iterations.csv"), "utf8").trim().split("\n").length, 1 + summary.iterations);
    const again = json((await papi(["run", "--config", join(a, "config.yaml"), "--json"])).stdout);
    assert.equal(again.configHash, summary.configHash);
    assert.equal(again.latencySec, summary.latencySec);
    const c = await papi(["compare", a, b, "--json"]);
    assert.equal(c.status, 0, c.stderr);
    const cj = json(c.stdout);
    // pcie5 and cxl2 both carry 64 GB/s per direction (PCIe 5.0 x16 PHY); they differ in latency (2 vs 1 us)
    // the system's description is marked "(preset description)" in b: the override changed what it describes
    assert.deepEqual(cj.configDifferences.map((x: { path: string }) => x.path), [
      "system.description", "system.fabrics.attention.link.description", "system.fabrics.attention.link.latencySec", "system.fabrics.attention.link.name",
    ]);
    assert.equal(cj.metrics.find((m: { name: string }) => m.name === "latency").ratioToFirst[0], 1);
    // a modified design's config.yaml reruns to the same hash and the same design under study
    const bSummary = json(readFileSync(join(b, "summary.json"), "utf8"));
    const bAgain = json((await papi(["run", "--config", join(b, "config.yaml"), "--json"])).stdout);
    assert.equal(bAgain.configHash, bSummary.configHash);
    assert.deepEqual(bAgain.designUnderStudy, bSummary.designUnderStudy);
  });

  test("the design under study (preset + every overridden field) in text, --json, the run folder and compare", async () => {
    const d = tmp();
    const args = ["run", "--requests", "4", "--set", "hardware.fcPim.numFpus=2", "--gpus", "10"];
    const want = [
      { path: "system.units.gpu.count", value: 10, presetValue: 6 },
      { path: "system.units.fc-pim.design.numFpus", value: 2, presetValue: 4 },
      { path: "system.tensorParallel", value: 10, presetValue: 6 },
      { path: "system.fabrics.host.numLinks", value: 10, presetValue: 6 },
    ];
    const j = json((await papi([...args, "--json"])).stdout);
    assert.deepEqual(j.designUnderStudy, { preset: "papi", changes: want });
    // no description claims a value an override changed; the untouched Attn-PIM keeps its own
    assert.match(j.config.system.description, /\(preset description\)$/);
    assert.match(j.config.system.units["fc-pim"].design.description, /^PAPI FC-PIM: 4 FPUs per bank.*\(preset description\)$/);
    assert.doesNotMatch(j.config.system.units["attn-pim"].design.description, /preset description/);
    const text = (await papi(args)).stdout;
    assert.match(text, /^design under study {2}papi preset with 4 changes:\n {2}system\.units\.gpu\.count = 10 \(preset: 6\)\n {2}system\.units\.fc-pim\.design\.numFpus = 2 \(preset: 4\)\n/m);
    const plain = (await papi(["run", "--requests", "4"])).stdout;
    assert.match(plain, /^design under study {2}papi preset, unchanged$/m);
    const out = join(d, "r");
    assert.equal((await papi([...args, "--out", out])).status, 0);
    assert.deepEqual(json(readFileSync(join(out, "summary.json"), "utf8")).designUnderStudy.changes, want);
    const page = readFileSync(join(out, "index.html"), "utf8");
    assert.match(page, /papi run: papi \(modified\)/);
    assert.match(page, /system\.units\.fc-pim\.design\.numFpus = 2 \(preset: 4\)/);
    assert.doesNotMatch(page, /<th><\/th>/, "no empty header cells");
    assert.doesNotMatch(page, /width: 960px/, "charts keep their own size");
    const base = join(d, "base");
    assert.equal((await papi(["run", "--requests", "4", "--out", base])).status, 0);
    const c = await papi(["compare", base, out]);
    assert.match(c.stdout, /base: papi preset, unchanged\n {2}r: papi preset with system\.units\.gpu\.count = 10 \(preset: 6\); system\.units\.fc-pim\.design\.numFpus = 2 \(preset: 4\)/);
    // a system of one's own has no preset to compare with
    const own = json((await papi(["run", "--config", "examples/systems/h100-fcpim-cxl.yaml", "--requests", "2", "--json"])).stdout);
    assert.deepEqual(own.designUnderStudy, { preset: null, changes: [] });
  });

  test("--out never replaces a folder of the user's files; compare rejects non-run folders", async () => {
    const d = tmp();
    writeFileSync(join(d, "notes.txt"), "mine");
    const r = await papi(["run", "--requests", "4", "--out", d]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.equal(readFileSync(join(d, "notes.txt"), "utf8"), "mine");
    assert.ok(isCleanUserError(await papi(["compare", d, d])));
  });

  test("compare refuses a run folder whose summary.json lacks a metric or whose config.yaml is no run config", async () => {
    const d = tmp();
    const a = join(d, "a");
    const b = join(d, "b");
    assert.equal((await papi(["run", "--requests", "4", "--trace", "fixed:32:3", "--out", a])).status, 0);
    cpSync(a, b, { recursive: true });
    const summary = readFileSync(join(a, "summary.json"), "utf8");
    for (const [text, want] of [
      ["{}", `${join(b, "summary.json")}: latencySec: is missing (papi compare reads it; write the folder with papi run --out)`],
      [summary.replace(/"latencySec": [^,]+,/, '"latencySec": "abc",'), `${join(b, "summary.json")}: latencySec: must be a finite number, got "abc"`],
    ]) {
      writeFileSync(join(b, "summary.json"), text);
      const r = await papi(["compare", a, b]);
      assert.ok(isCleanUserError(r), r.stderr);
      assert.equal(r.stderr, `papi: error: ${want}\n`);
    }
    writeFileSync(join(b, "summary.json"), summary);
    writeFileSync(join(b, "config.yaml"), readFileSync(join(a, "config.yaml"), "utf8") + "bogus: 1\n");
    const r = await papi(["compare", a, b]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.equal(r.stderr, `papi: error: ${join(b, "config.yaml")}: unknown key "bogus" (did you mean "gpus"?)\n`);
  });
});
