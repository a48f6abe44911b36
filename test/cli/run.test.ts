import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCleanUserError, papi } from "./helpers.ts";
import { assumptionLine } from "../../src/serving/design-diff.ts";
import { resolveAssumptions } from "../../src/systems/profiles.ts";

test("papi run --json has the documented keys", async () => {
  const r = await papi(["run", "--system", "papi", "--model", "llama-65b", "--trace", "dolly-creative", "--requests", "16", "--batch", "16", "--spec", "4", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const k of ["latencySec", "energyJoules", "generatedTokens", "tokensPerSec", "iterations", "fcOnGpuIterations", "fcOnPimIterations", "alpha", "prefillSec", "decodeStepSecMean"]) {
    assert.ok(k in j, k);
  }
  for (const k of ["fc", "attention", "communication", "other"]) assert.equal(typeof j.breakdownSec[k], "number");
});

test("bad flags give one-line errors and no output file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-run-"));
  const timeline = join(dir, "t.json");
  const cases = [
    ["--alpha", "abc"],
    ["--batch", "0"],
    ["--spec", "-1"],
    ["--system", "nope"],
    ["--scheduler", "nope"],
    ["--trace", "no-such-trace"],
    ["--model", "nope"],
  ];
  for (const c of cases) {
    const r = await papi(["run", "--requests", "4", ...c, "--timeline", timeline]);
    assert.ok(isCleanUserError(r), `${c.join(" ")}: status ${r.status} stderr ${r.stderr}`);
    assert.ok(!existsSync(timeline));
  }
  assert.match((await papi(["run", "--system", "nope"])).stderr, /known: .*papi/);
  assert.match((await papi(["run", "--scheduler", "nope"])).stderr, /scheduler.*papi.*oracle/);
});

test("a model too large for the system is a clear error", async () => {
  const r = await papi(["run", "--model", "gpt3-175b", "--fc-stacks", "6", "--requests", "2"]);
  assert.ok(isCleanUserError(r), r.stderr);
  assert.match(r.stderr, /weights/);
});

test("a bad trace row names file and line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-trace-"));
  const f = join(dir, "t.csv");
  writeFileSync(f, "lin,lout\n10,5\n12,-3\n");
  const r = await papi(["run", "--trace", f]);
  assert.ok(isCleanUserError(r), r.stderr);
  assert.match(r.stderr, /t\.csv:3/);
});

test("--timeline writes a Chrome trace and --config is validated", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-tl-"));
  const timeline = join(dir, "t.json");
  const r = await papi(["run", "--requests", "8", "--batch", "8", "--timeline", timeline]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(readFileSync(timeline, "utf8"));
  assert.ok(j.traceEvents.some((e: { ph: string }) => e.ph === "X"));
  const cfg = join(dir, "run.yaml");
  writeFileSync(cfg, "system: papi\nbatch: 0\n");
  const bad = await papi(["run", "--config", cfg]);
  assert.ok(isCleanUserError(bad), bad.stderr);
  assert.match(bad.stderr, /batch/);
  writeFileSync(cfg, "system: pim-only-papi\nmodel: llama-65b\ntrace: fixed:32:8\nrequests: 4\nbatch: 4\nspec: 2\n");
  const ok = await papi(["run", "--config", cfg, "--json"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).system, "pim-only-papi");
});

test("papi schema prints a JSON Schema and calibrate prints alpha", async () => {
  const s = await papi(["schema"]);
  assert.equal(s.status, 0);
  assert.ok(JSON.parse(s.stdout).properties.batch);
  const c = await papi(["calibrate", "--system", "papi", "--model", "llama-65b", "--json"]);
  assert.equal(c.status, 0, c.stderr);
  const a = JSON.parse(c.stdout).alpha;
  assert.ok(Number.isInteger(a) && a >= 1, String(a));
});

test("MoE models run on PIM from the CLI (papi run and calibrate with mixtral-8x7b and a Qwen3-MoE config)", async () => {
  for (const system of ["papi", "attacc-only", "pim-only-papi"]) {
    const r = await papi(["run", "--system", system, "--model", "mixtral-8x7b", "--requests", "8", "--json"]);
    assert.equal(r.status, 0, `${system}: ${r.stderr}`);
    assert.ok(JSON.parse(r.stdout).generatedTokens > 0);
  }
  const c = await papi(["calibrate", "--system", "papi", "--model", "mixtral-8x7b", "--json"]);
  assert.equal(c.status, 0, c.stderr);
  // a Hugging Face Qwen3-MoE config as shipped (num_experts, moe_intermediate_size, unknown keys ignored)
  const dir = mkdtempSync(join(tmpdir(), "papi-moe-"));
  const f = join(dir, "qwen3-moe.json");
  writeFileSync(f, JSON.stringify({
    architectures: ["Qwen3MoeForCausalLM"], hidden_size: 2048, intermediate_size: 6144, num_hidden_layers: 48, num_attention_heads: 32,
    num_key_value_heads: 4, head_dim: 128, vocab_size: 151936, hidden_act: "silu", num_experts: 128, num_experts_per_tok: 8,
    moe_intermediate_size: 768, decoder_sparse_step: 1, mlp_only_layers: [], norm_topk_prob: true, torch_dtype: "bfloat16",
  }));
  const q = await papi(["run", "--system", "papi", "--model", f, "--requests", "4", "--json"]);
  assert.equal(q.status, 0, q.stderr);
});

test("the assumptions line: none on the defaults; the profile and every assumption that differs from that profile's", () => {
  const papiDefaults = resolveAssumptions("papi");
  const attacc = resolveAssumptions("attacc-toolchain");
  assert.equal(assumptionLine("papi", papiDefaults), null);
  assert.equal(assumptionLine("papi", { ...papiDefaults, pimRefreshEnergy: !papiDefaults.pimRefreshEnergy }), `profile papi, overridden: pimRefreshEnergy = ${!papiDefaults.pimRefreshEnergy}`);
  // another profile is named even with nothing overridden; an override is judged against that profile's own value
  assert.equal(assumptionLine("attacc-toolchain", attacc), "profile attacc-toolchain");
  assert.equal(assumptionLine("attacc-toolchain", { ...attacc, fcMapping: "k-split", pimElementwiseOverheadSec: 1e-6 }), "profile attacc-toolchain, overridden: fcMapping = k-split, pimElementwiseOverheadSec = 0.000001");
});

test("papi run prints the assumptions line under the design under study when they depart from the defaults", async () => {
  const r = await papi(["run", "--requests", "2", "--trace", "fixed:32:3", "--set", "assumptions.pimRefreshEnergy=false"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\ndesign under study  papi preset, unchanged\nassumptions        profile papi, overridden: pimRefreshEnergy = false\nscheduler /);
  const plain = await papi(["run", "--requests", "2", "--trace", "fixed:32:3"]);
  assert.ok(!plain.stdout.includes("assumptions"), plain.stdout);
});
