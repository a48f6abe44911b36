import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { isVidurLayout, loadVidurMeasurements, SHIPPED_VIDUR_PROFILES } from "../../src/node/vidur-measurements.ts";

const oneLine = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");
const H100 = "compute/h100/meta-llama/Llama-2-70b-hf/mlp.csv";

/** A temp folder holding the shipped H100 file (or `text` in its place); removed by the caller. */
function folder(text?: string): string {
  const d = mkdtempSync(join(tmpdir(), "papi-vidur-"));
  mkdirSync(join(d, "compute/h100/meta-llama/Llama-2-70b-hf"), { recursive: true });
  if (text === undefined) cpSync(join(SHIPPED_VIDUR_PROFILES, H100), join(d, H100));
  else writeFileSync(join(d, H100), text);
  return d;
}

test("the shipped copy: three compute files and two network files, times in seconds, the licence beside them", () => {
  const m = loadVidurMeasurements(SHIPPED_VIDUR_PROFILES);
  assert.deepEqual(m.compute.map((f) => [f.path, f.sku, f.model, f.rows.length]), [
    ["compute/a100/meta-llama/Llama-2-70b-hf/mlp.csv", "a100", "meta-llama/Llama-2-70b-hf", 1044],
    ["compute/a100/meta-llama/Meta-Llama-3-70B/mlp.csv", "a100", "meta-llama/Meta-Llama-3-70B", 1824],
    ["compute/h100/meta-llama/Llama-2-70b-hf/mlp.csv", "h100", "meta-llama/Llama-2-70b-hf", 1044],
  ]);
  const r = m.compute[0].rows[0];
  // the file's first row: 4,096 tokens, TP 1, attn_pre_proj median 2.872 ms
  assert.deepEqual([r.line, r.numTokens, r.tensorParallel, r.measuredSec.attn_pre_proj], [2, 4096, 1, 2.872e-3]);
  assert.deepEqual(r.shape, { numHeads: 64, numKvHeads: 8, hiddenSize: 8192, ffnSize: 28672, vocabSize: 32768, gatedMlp: true });
  assert.equal(m.compute[1].rows[0].shape.vocabSize, 128256);
  assert.deepEqual(m.network.map((f) => [f.path, f.node, f.rows.length]), [
    ["network/a100_dgx/all_reduce.csv", "a100_dgx", 6958],
    ["network/h100_dgx/all_reduce.csv", "h100_dgx", 2982],
  ]);
  assert.deepEqual(m.network[0].rows[0], { line: 2, numWorkers: 2, devicesPerNode: 1, bytes: 2048, measuredSec: 0.043000000000000003e-3 });
  assert.match(readFileSync(join(SHIPPED_VIDUR_PROFILES, "LICENSE"), "utf8"), /MIT License[\s\S]*Microsoft Corporation/);
  assert.ok(isVidurLayout(SHIPPED_VIDUR_PROFILES));
});

test("an operation column papi does not price is listed, an empty cell skipped; a bad cell is a one-line error", () => {
  const header = "time_stats.add.median,time_stats.attn.median,time_stats.mlp_act.median,n_head,n_kv_head,n_embd,n_expanded_embd,vocab_size,use_gated_mlp,num_tokens,num_tensor_parallel_workers";
  const d = folder(`${header}\n0.002,0.5,,64,8,8192,28672,32000,True,1,1\n`);
  try {
    const f = loadVidurMeasurements(d).compute[0];
    assert.deepEqual(f.unpricedOps, ["attn"]);
    assert.deepEqual(f.rows[0].measuredSec, { add: 2e-6 });
    writeFileSync(join(d, H100), `${header}\n0.002,0.5,,64,8,8192,28672,32000,maybe,1,1\n`);
    assert.throws(() => loadVidurMeasurements(d), oneLine(/mlp\.csv:2: column "use_gated_mlp" must be True or False, got "maybe"/));
    writeFileSync(join(d, H100), `${header}\n-1,0.5,,64,8,8192,28672,32000,True,1,1\n`);
    assert.throws(() => loadVidurMeasurements(d), oneLine(/mlp\.csv:2: column "time_stats\.add\.median" must be >= /));
    writeFileSync(join(d, H100), `${header}\n0.002,0.5,,64,8,8192,28672,32000,True,0,1\n`);
    assert.throws(() => loadVidurMeasurements(d), oneLine(/column "num_tokens" must be >= 1/));
    writeFileSync(join(d, H100), `${header}\n0.002,0.5,,48,8,8200,28672,32000,True,1,1\n`);
    assert.throws(() => loadVidurMeasurements(d), oneLine(/n_embd \(8200\) must be a multiple of n_head \(48\)/));
    writeFileSync(join(d, H100), "time_stats.add.median,num_tokens\n0.002,1\n");
    assert.throws(() => loadVidurMeasurements(d), oneLine(/mlp\.csv:1: missing column "n_head"/));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("a missing folder, or one with neither compute nor network profiles, is a one-line error", () => {
  assert.throws(() => loadVidurMeasurements(join(tmpdir(), "papi-no-such-vidur")), oneLine(/--measurements: folder not found/));
  const d = mkdtempSync(join(tmpdir(), "papi-vidur-empty-"));
  try {
    assert.ok(!isVidurLayout(d));
    mkdirSync(join(d, "compute/a100/org/model"), { recursive: true });
    assert.ok(isVidurLayout(d));
    assert.throws(() => loadVidurMeasurements(d), oneLine(/no compute\/<sku>\/<org>\/<model>\/mlp\.csv nor network\/<node>\/all_reduce\.csv/));
    mkdirSync(join(d, "network/x"), { recursive: true });
    writeFileSync(join(d, "network/x/all_reduce.csv"), "time_stats.all_reduce.median,num_workers,size,devices_per_node,collective\n0.01,2,2048,2,all_gather\n");
    assert.throws(() => loadVidurMeasurements(d), oneLine(/all_reduce\.csv:2: column "collective" must be all_reduce/));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
