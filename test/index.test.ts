import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as api from "../src/index.ts";
import { buildSystem, gpuGemmCost, parseGpu, parsePimDesign, pimAttentionCost, pimFcCost, pimStackPowerWatts, presets, resolvePimDesign, UserError } from "../src/index.ts";

const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");
const FC = { m: 4, k: 4096, n: 4096, numStacks: 8 };
const fcPim = presets.pim["fc-pim"];

describe("the JS API's kernel functions check a design they did not get from the schema", () => {
  test("numFpus: -1 is a one-line error naming the field, not a NaN", () => {
    assert.throws(() => pimFcCost({ ...fcPim, numFpus: -1 }, FC), userError(/^design\.numFpus: must be an integer in \[1, 64\]$/));
    assert.throws(() => pimAttentionCost({ ...fcPim, numFpus: -1 }, { numHeads: 8, headDim: 128, tlp: 1, numStacks: 4, contextLens: [512] }), userError(/design\.numFpus/));
    assert.throws(() => pimStackPowerWatts({ ...fcPim, numFpus: -1 }, 4), userError(/design\.numFpus/));
  });

  test("an 8-FPU design breaks the area rule: refused, not timed", () => {
    assert.throws(() => pimFcCost({ ...fcPim, numFpus: 8 }, FC), userError(/^design\.numFpus: 8P1B with 96 banks per die needs .* mm2 > area\.maxDieAreaMm2 121/));
  });

  test("a valid plain object, a name and {preset, ...} are parsed and cost what the resolved design costs", () => {
    const two = resolvePimDesign({ preset: "fc-pim", numFpus: 2 });
    const want = pimFcCost(two, FC).timeSec;
    assert.ok(Number.isFinite(want) && want > 0);
    assert.equal(pimFcCost({ ...fcPim, numFpus: 2 }, FC).timeSec, want);
    assert.equal(pimFcCost({ preset: "fc-pim", numFpus: 2 }, FC).timeSec, want);
    assert.equal(pimFcCost("fc-pim", FC).timeSec, pimFcCost(fcPim, FC).timeSec);
    assert.ok(pimFcCost(fcPim, FC).timeSec < want, "4P1B is faster than 2P1B at m = 4");
  });

  test("a design that came from the schema is used as is (no second parse on the hot path); a copy is parsed", () => {
    assert.equal(parsePimDesign(fcPim), fcPim, "a preset");
    const two = resolvePimDesign({ preset: "fc-pim", numFpus: 2 });
    assert.equal(parsePimDesign(two), two, "a resolved design");
    const parsed = parsePimDesign({ ...two });
    assert.notEqual(parsed, two);
    assert.equal(parsePimDesign(parsed), parsed, "a parsed copy is remembered");
    assert.deepEqual(parsed, two);
  });

  test("GPUs too: a negative bandwidth is refused; presets and resolved GPUs pass through", () => {
    const a100 = presets.gpu["a100-hbm3"];
    assert.throws(() => gpuGemmCost({ ...a100, hbmBandwidthBytesPerSec: -1 }, { m: 4, k: 8, n: 8, dtypeBytes: 2 }), userError(/^gpu\.hbmBandwidthBytesPerSec: /));
    assert.equal(parseGpu(a100), a100);
    assert.equal(gpuGemmCost({ ...a100 }, { m: 4, k: 4096, n: 4096, dtypeBytes: 2 }).timeSec, gpuGemmCost(a100, { m: 4, k: 4096, n: 4096, dtypeBytes: 2 }).timeSec);
  });

  test("the system-level cost functions take contexts from buildSystem only", () => {
    const ctx = buildSystem("papi", "llama-65b");
    const cost = api.fcIterationCost(ctx, "fc-pim", 8);
    assert.ok(cost.fc.timeSec > 0);
    assert.throws(() => api.fcIterationCost({ ...ctx }, "fc-pim", 8), userError(/^ctx: pass a system context returned by buildSystem\(\)/));
    assert.throws(() => api.iterationCost({ ...ctx, numGroups: -1 }, "fc-pim", api.decodeBatch([64], 1)), userError(/^ctx: /));
  });
});

test("docs/configuration.md documents every export of src/index.ts", () => {
  const doc = readFileSync(new URL("../docs/configuration.md", import.meta.url), "utf8");
  const section = doc.slice(doc.indexOf("## The JS API"));
  const src = readFileSync(new URL("../src/index.ts", import.meta.url), "utf8");
  // value exports (at run time) and type exports (from the source)
  const names = new Set(Object.keys(api));
  for (const m of src.matchAll(/export (?:type )?\{([^}]*)\}/g)) for (const part of m[1].split(",")) {
    const name = part.trim().replace(/^type /, "").split(/\s+as\s+/).pop()!.trim();
    if (name !== "") names.add(name);
  }
  for (const m of src.matchAll(/export (?:interface|type|function|const) (\w+)/g)) names.add(m[1]);
  const missing = [...names].filter((n) => !new RegExp(`\`${n}[\`(<]`).test(section));
  assert.deepEqual(missing, [], "exports without a line in docs/configuration.md, The JS API");
});
