import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { expand } from "../../src/sweep/expand.ts";
import { checkSweepInputs, inputPointIndices } from "../../src/sweep/inputs.ts";
import { prepareSweep } from "../../src/sweep/prepare.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";

test("input points: every combination of the axes that change a trace or model, the others at their first step", () => {
  // batch (3 values, weight 4), trace (2, weight 2), spec (2, weight 1)
  assert.deepEqual(inputPointIndices(expand(parseSweepSpec({ grid: { batch: [1, 2, 3], trace: ["a", "b"], spec: [1, 2] } }))), [0, 2]);
  // model (weight 6) and a zip of requests (weight 2): 3 x 3 combinations
  const x = expand(parseSweepSpec({ grid: { model: ["a", "b", "c"] }, zip: [{ batch: [1, 2, 3], requests: [1, 2, 3] }], random: { samples: 2, params: { alpha: { uniform: [1, 2] } } } }));
  assert.deepEqual(inputPointIndices(x), [0, 2, 4, 6, 8, 10, 12, 14, 16]);
  // seeds and rates select requests too; a path below model (an inline config's field) changes the model
  assert.deepEqual(inputPointIndices(expand(parseSweepSpec({ grid: { seed: [1, 2], ratePerSec: [1, 2], batch: [1, 2] } }))), [0, 2, 4, 6]);
  assert.deepEqual(inputPointIndices(expand(parseSweepSpec({ grid: { batch: [1, 2], "model.num_hidden_layers": [1, 2] } }))), [0, 1]);
  assert.deepEqual(inputPointIndices(expand(parseSweepSpec({ grid: { batch: [1, 2, 3] } }))), [0]);
});

test("a missing trace or model file, or an unknown name, in any point fails before the sweep runs, naming the point", () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-sweep-inputs-"));
  try {
    writeFileSync(join(dir, "ok.csv"), "lin,lout\n16,4\n");
    writeFileSync(join(dir, "bad.csv"), "lin,lout\n16,x\n");
    const loader = nodeLoader(dir);
    const run = (raw: unknown) => {
      const spec = parseSweepSpec(raw);
      try {
        checkSweepInputs(prepareSweep(spec, spec.base as Record<string, unknown>), loader);
      } catch (e) {
        assert.ok(e instanceof UserError, String(e));
        assert.ok(!e.message.includes("\n"), e.message);
        return e.message;
      }
      return "";
    };
    assert.equal(run({ base: { requests: 1 }, grid: { trace: ["dolly-creative", "ok.csv", "fixed:8:8"], batch: [1, 2] } }), "");
    assert.match(run({ base: { requests: 1 }, grid: { trace: ["dolly-creative", "nosuch.csv"], batch: [1, 2] } }), /^point 2 \(trace=nosuch\.csv, batch=1\): unknown trace "nosuch\.csv"/);
    assert.match(run({ base: { requests: 1 }, grid: { batch: [1, 2], trace: ["ok.csv", "bad.csv"] } }), /^point 1 \(batch=1, trace=bad\.csv\): bad\.csv/);
    assert.match(run({ base: { requests: 1 }, grid: { model: ["llama-65b", "nosuch/config.json"] } }), /^point 1 \(model=nosuch\/config\.json\): /);
    assert.match(run({ base: { requests: 1 }, grid: { model: ["llama-65b", "lama-65b"] } }), /^point 1 \(model=lama-65b\): .*llama-65b/);
    // a seed only some points use: the trace is loaded with every point's options
    assert.equal(run({ base: { trace: "uniform:10-20:5-9", requests: 2 }, random: { samples: 3, params: { seed: { uniform: [1, 1000], integer: true } } } }), "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("each distinct trace (with its request options) is read once, however many input points use it", () => {
  const base = nodeLoader();
  const reads: string[] = [];
  const loader = { ...base, traceSource: ((spec: string, limit: number) => (reads.push(spec), base.traceSource(spec, limit))) as typeof base.traceSource };
  const spec = parseSweepSpec({ base: { requests: 2, trace: "dolly-creative" }, grid: { model: ["llama-65b", "gpt3-66b", "opt-30b"], seed: [1, 2] } });
  checkSweepInputs(prepareSweep(spec, spec.base as Record<string, unknown>), loader);
  assert.equal(reads.length, 2, reads.join(", ")); // one per seed
});
