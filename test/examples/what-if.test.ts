import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { papi } from "../cli/helpers.ts";

/**
 * The shipped what-if examples (examples/what-if/*.yaml, examples/what-if.yaml, examples/systems/*.yaml) run as
 * written (`papi run --config FILE`, here on 16 requests), and each changes what it says it changes in the
 * resolved config, and the results, relative to the plain papi system on the same requests.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const ex = (p: string) => join(root, "examples", p);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function run(args: string[]): Promise<Json> {
  const r = await papi(["run", ...args, "--set", "requests=16", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Json;
}

/** What each example must change in the resolved config (and the baseline must not have). */
const EXPECT: Record<string, (c: Json) => boolean> = {
  "01-2p1b-fc-pim.yaml": (c) => c.system.units["fc-pim"].design.numFpus === 2,
  "02-llama-3-70b-gqa.yaml": (c) => c.model.num_key_value_heads === 8 && c.model.num_attention_heads === 64,
  "03-continuous-azure-code.yaml": (c) => c.batching === "continuous" && c.trace === "azure-code",
  "04-acceptance-0.7.yaml": (c) => c.acceptanceRate === 0.7,
  "05-h100.yaml": (c) => c.system.units.gpu.device.name === "h100-sxm" && c.system.fabrics.gpuGpu.link.name === "nvlink4",
  "06-hbm3e.yaml": (c) => c.system.units["fc-pim"].design.hbm.name === "hbm3e" && c.system.units["attn-pim"].design.hbm.name === "hbm3e",
  "07-cxl-attention.yaml": (c) => c.system.fabrics.attention.link.name === "cxl2",
  "08-attention-stacks.yaml": (c) => c.system.units["attn-pim"].count === 40,
  "09-mixtral-moe.yaml": (c) => c.model.num_local_experts === 8 && c.model.num_experts_per_tok === 2,
  // HF's num_experts and moe_intermediate_size, read from the shipped config.json, named after its folder
  "10-qwen3-moe-hf-config.yaml": (c) => c.model.name === "Qwen3-30B-A3B" && c.model.moe_intermediate_size === 768 && (c.model.num_local_experts ?? c.model.num_experts) === 128,
};

describe("what-if examples", () => {
  const files = readdirSync(ex("what-if")).filter((f) => f.endsWith(".yaml")).sort();
  test("every example has an expectation", () => assert.deepEqual(files, Object.keys(EXPECT).sort()));

  for (const f of files) {
    test(f, async () => {
      const base = await run(["--system", "papi"]);
      const r = await run(["--config", ex(join("what-if", f))]);
      assert.ok(EXPECT[f](r.config), `${f}: resolved config does not show the change`);
      assert.ok(!EXPECT[f](base.config), `${f}: the baseline already has it`);
      assert.notEqual(r.configHash, base.configHash);
      // the knob changes what the simulator reports (latency, energy or tokens)
      assert.ok(r.latencySec !== base.latencySec || r.energyJoules !== base.energyJoules || r.generatedTokens !== base.generatedTokens, f);
    });
  }

  test("what-if.yaml (the README's example) runs as written", async () => {
    const r = await run(["--config", ex("what-if.yaml")]);
    assert.equal(r.config.system.units.gpu.device.name, "h100-sxm");
    assert.equal(r.config.system.units["fc-pim"].design.numFpus, 2);
    assert.equal(r.config.system.fabrics.attention.link.bandwidthBytesPerSec, 128e9);
  });

  test("a new system as a config file: H100 + FC-PIM on HBM3E + CXL attention stacks", async () => {
    const r = await run(["--config", ex("systems/h100-fcpim-cxl.yaml")]);
    assert.equal(r.system, "h100-fcpim-cxl");
    assert.equal(r.config.system.units.gpu.count, 8);
    assert.equal(r.config.system.units["fc-pim"].design.hbm.name, "hbm3e");
    assert.equal(r.config.system.fabrics.attention.link.name, "cxl2");
    assert.equal(r.scheduler, "papi");
    // the resolved config round-trips: rerunning it gives the same result
    const again = await papi(["run", "--set", `system=${JSON.stringify(r.config.system)}`, "--model", "llama-3-70b", "--batch", "32", "--spec", "2", "--set", "requests=16", "--json"]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).latencySec, r.latencySec);
  });
});

describe("reproduce examples (the paper's figures for another design)", () => {
  const files = readdirSync(ex("reproduce")).filter((f) => f.endsWith(".yaml")).sort();
  for (const f of files) {
    test(`${f} runs as written and the report names the change`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), "papi-ex-repro-")), "out");
      const r = await papi(["reproduce", "--config", ex(join("reproduce", f)), "--figures", "fig4", "--no-sensitivity", "--out", out, "--json"]);
      assert.equal(r.status, 0, r.stderr);
      const md = readFileSync(join(out, "report.md"), "utf8");
      assert.match(md, /Changed from the paper's setup/);
      assert.match(md, /`hardware\./);
    });
  }
});
