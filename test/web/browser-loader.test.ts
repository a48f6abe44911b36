import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { UserError } from "../../src/core/errors.ts";
import { builtInTracePath, loadTrace as loadTraceFromFiles } from "../../src/node/traces.ts";
import { BUILT_IN_TRACES, loadTrace } from "../../src/serving/trace.ts";
import { browserLoader } from "../../src/web/browser-loader.ts";

const bundle = Object.fromEntries(Object.keys(BUILT_IN_TRACES).map((n) => [BUILT_IN_TRACES[n].file, readFileSync(builtInTracePath(n), "utf8")]));

test("built-in traces from the bundle equal the files the CLI reads (both Dolly categories, both Azure hours)", () => {
  const loader = browserLoader(bundle);
  for (const name of Object.keys(BUILT_IN_TRACES)) {
    assert.deepEqual(loadTrace(name, { seed: 1 }, loader.traceSource), loadTraceFromFiles(name, { seed: 1 }), name);
  }
  // parsed once per bundle: the Fig. 8 column asks six times
  assert.equal(loader.traceSource("dolly-creative", Infinity), browserLoader(bundle).traceSource("dolly-creative", Infinity));
});

test("uploads by file name; anything else is the CLI's unknown-trace error", () => {
  const loader = browserLoader(bundle, { "mine.csv": "lin,lout\n5,6\n7,8\n9,10\n" });
  assert.deepEqual(loadTrace("mine.csv", { numRequests: 2 }, loader.traceSource).requests.map((r) => r.inputTokens), [5, 7]);
  assert.throws(() => loader.traceSource("other.csv", 10), (e) => e instanceof UserError && /unknown trace "other.csv"/.test(e.message));
  assert.throws(() => browserLoader({}).traceSource("dolly-creative", 10), /bundle lacks data\/traces\/dolly-lengths-gpt2.csv/);
  assert.equal(loader.model("opt-30b").hidden_size, 7168);
  assert.throws(() => loader.model("dir/config.json"), /cannot read files/);
});

test("an upload is found by its own name only (not a property every object has), and read up to the limit", () => {
  const loader = browserLoader(bundle, { "mine.csv": "lin,lout\n5,6\n7,8\n9,10\n" });
  for (const name of ["toString", "constructor", "__proto__"]) assert.throws(() => loader.traceSource(name, 10), (e) => e instanceof UserError && e.message.includes(`unknown trace "${name}"`), name);
  assert.equal(loader.traceSource("mine.csv", 2).length, 2);
  assert.equal(loader.traceSource("mine.csv", 10).length, 3);
});
