import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { parseSet } from "../../src/node/run-config.ts";
import { builtInTracePath } from "../../src/node/traces.ts";
import { RunConfig } from "../../src/serving/config.ts";
import {
  compactConfig, decodeHash, encodeHash, flattenConfig, getPath, packText, parseValueText, unflattenConfig, unpackText, valueText, withPath,
} from "../../src/web/url-state.ts";

const DEFAULTS = RunConfig.parse({}) as unknown as Record<string, unknown>;

test("a link reads as the --set assignments of papi run", () => {
  const config = { system: "a100-attacc", batch: 64, spec: [1, 2, 4], hardware: { fcPim: { numFpus: 2 }, links: { attention: "cxl2" } } };
  assert.equal(encodeHash({ config }), "system=a100-attacc&batch=64&spec=[1,2,4]&hardware.fcPim.numFpus=2&hardware.links.attention=cxl2");
  assert.deepEqual(decodeHash("#batch=64&spec=4").config, { batch: 64, spec: 4 });
});

test("strings that would read back as something else are quoted", () => {
  // "123" bare would be the number 123; "true" the boolean; a space or & would break the link or the shell
  for (const s of ["123", "true", "null", "no", "a b", "a&b", "", "1e3", "-"]) {
    assert.notEqual(valueText(s), s, s);
    assert.equal(parseValueText(valueText(s)), s);
  }
  assert.equal(valueText("dolly-creative"), "dolly-creative");
  assert.equal(valueText("fixed:128:256"), "fixed:128:256");
});

test("compact: defaults and empty objects go, changed leaves stay", () => {
  assert.deepEqual(compactConfig({ system: "papi", batch: 16, spec: 4, hardware: {}, draft: { timePerTokenSec: 0, energyPerTokenJoules: 0 } }, DEFAULTS), {});
  assert.deepEqual(compactConfig({ batch: 64, draft: { timePerTokenSec: 0.001, energyPerTokenJoules: 0 } }, DEFAULTS), { batch: 64, draft: { timePerTokenSec: 0.001 } });
  // a field with no default (hardware patches, alpha) is kept as set
  assert.deepEqual(compactConfig({ alpha: 0, hardware: { fcPim: { numFpus: 2 } } }, DEFAULTS), { alpha: 0, hardware: { fcPim: { numFpus: 2 } } });
});

test("page fields ride along, unknown page fields are ignored, malformed parts are errors", () => {
  const h = encodeHash({ config: { batch: 8 }, view: "systems", modelFile: "config.json", trace: { fileName: "my trace.csv", text: "x" } }, "abc");
  assert.deepEqual(decodeHash(h), { config: { batch: 8 }, view: "systems", modelFile: "config.json", traceFile: "my trace.csv", packedTrace: "abc" });
  assert.deepEqual(decodeHash("_future=1&batch=2").config, { batch: 2 });
  assert.throws(() => decodeHash("batch"), /"batch" is not path=value/);
});

test("an uploaded trace packs into the link and back (the Dolly file: 67 kB -> well under the limit)", async () => {
  const text = readFileSync(builtInTracePath("dolly-creative"), "utf8");
  const packed = await packText(text);
  assert.match(packed, /^[A-Za-z0-9_-]+$/);
  assert.ok(packed.length < text.length / 2, `${packed.length} chars`);
  assert.equal(await unpackText(packed), text);
});

// Plausible config trees: the fields the page sets, with awkward strings in places.
const word = fc.oneof(fc.constantFrom("papi", "a100-attacc", "h100-sxm", "123", "true", "a b", "x=y&z", "dolly-creative", "é"), fc.string({ maxLength: 8 }));
const leaf = fc.oneof(word, fc.integer({ min: -5, max: 100000 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)), fc.boolean(), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }));
const key = fc.constantFrom("batch", "spec", "system", "model", "numFpus", "hidden_size", "gpu", "rope.scaling", "");
const tree: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  node: fc.dictionary(key, fc.oneof({ depthSize: "small" }, leaf, tie("node")), { minKeys: 1, maxKeys: 4, noNullPrototype: true }),
})).node as fc.Arbitrary<Record<string, unknown>>;
// top-level keys are run config fields (never dotted); nested objects (an HF model config) may have any keys
const config = tree.filter((c) => Object.keys(c).every((k) => k !== "" && !k.includes(".")));

describe("properties", () => {
  test("decode(encode(config)) = config", () =>
    fc.assert(fc.property(config, (config) => {
      const flat = flattenConfig(config);
      assert.deepEqual(decodeHash(encodeHash({ config })).config, unflattenConfig(flat));
      assert.deepEqual(unflattenConfig(flat), config);
    })));

  test("every value of a link is read the same by papi run --set (YAML)", () =>
    fc.assert(fc.property(leaf, (v) => {
      assert.deepEqual(parseSet(`batch=${valueText(v)}`).value, v);
    })));

  test("compacting twice changes nothing, and what it keeps differs from the defaults", () =>
    fc.assert(fc.property(fc.record({ batch: fc.integer({ min: 1, max: 64 }), spec: fc.constantFrom(1, 4, [1, 2]), system: fc.constantFrom("papi", "gpu-only"), seed: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] }), (c) => {
      const once = compactConfig(c, DEFAULTS);
      assert.deepEqual(compactConfig(once, DEFAULTS), once);
      for (const [k, v] of Object.entries(once)) assert.notDeepEqual(v, DEFAULTS[k]);
      assert.deepEqual(RunConfig.parse(once), RunConfig.parse(c));
    })));
});

test("withPath sets and removes one field without touching the input", () => {
  const c = { batch: 64, hardware: { fcPim: { numFpus: 2 }, gpu: "h100-sxm" } };
  assert.deepEqual(withPath(c, "hardware.fcPim.numFpus", undefined), { batch: 64, hardware: { gpu: "h100-sxm" } });
  assert.deepEqual(withPath(c, "hardware.gpu.numSms", 100), { batch: 64, hardware: { fcPim: { numFpus: 2 }, gpu: { preset: "h100-sxm", numSms: 100 } } });
  assert.deepEqual(withPath({ hardware: { gpu: "x" } }, "hardware.gpu", undefined), {});
  assert.deepEqual(withPath(c, "nothing.here", undefined), c);
  assert.deepEqual(c, { batch: 64, hardware: { fcPim: { numFpus: 2 }, gpu: "h100-sxm" } });
  assert.equal(getPath(c, "hardware.fcPim.numFpus"), 2);
  assert.equal(getPath(c, "hardware.gpu.numSms"), undefined);
});

test("by hand: flatten keeps objects whose keys would not survive a dotted path, and empty objects, whole", () => {
  assert.deepEqual(flattenConfig({ a: { "x.y": 1 }, b: {}, c: { "": 2 }, d: undefined, e: { f: { g: 1 } } }), [["a", { "x.y": 1 }], ["b", {}], ["c", { "": 2 }], ["e.f.g", 1]]);
  // an unset field is not a change from the defaults
  assert.deepEqual(compactConfig({ batch: undefined, spec: 8 }, DEFAULTS), { spec: 8 });
});

test("by hand: the hash escapes only what a fragment needs; page fields follow the config; a trace needs its packed text", () => {
  const state = { config: { trace: "a b,c:[d]/e", batch: 4 }, view: "v w", modelFile: "m.json", trace: { fileName: "t.csv", text: "x" } };
  assert.equal(encodeHash(state, "PACK"), "trace=%22a%20b,c:[d]/e%22&batch=4&_view=v%20w&_modelfile=m.json&_tracefile=t.csv&_tracedata=PACK");
  assert.equal(encodeHash({ config: {}, trace: { fileName: "t.csv", text: "x" } }), "");
  assert.deepEqual(decodeHash("#&batch=4&&hardware.gpu=h100-sxm&spec=%5B1%2C2%5D"), { config: { batch: 4, hardware: { gpu: "h100-sxm" }, spec: [1, 2] } });
  assert.throws(() => decodeHash("=4"), /link part "=4" is not path=value/);
  assert.deepEqual([4, "a b", [1, 2], "Yes", "9abc", null].map(valueText), ["4", '"a b"', "[1,2]", '"Yes"', '"9abc"', "null"]);
  // only strings go bare: a list whose text would be a bare word is still JSON
  assert.deepEqual([["abc"], Infinity].map(valueText), ['["abc"]', "null"]);
});

test("by hand: withPath removes a leaf and the objects it leaves empty, and ignores a path through a non-object; getPath", () => {
  assert.deepEqual(withPath({ a: { b: { c: 1 }, d: 2 } }, "a.b.c", undefined), { a: { d: 2 } });
  assert.deepEqual(withPath({ a: 5 }, "a.b", undefined), { a: 5 });
  assert.equal(getPath({ a: "preset" }, "a.b"), undefined);
  // a missing object or a preset name on the way: undefined, not a property of the name nor a TypeError
  assert.equal(getPath({ a: "preset" }, "a.length"), undefined);
  assert.equal(getPath({}, "a.b.c"), undefined);
  assert.deepEqual(getPath({ a: { b: [1] } }, "a.b"), [1]);
});

test("by hand: the packed-trace limit is 256 KiB of link text", async () => {
  const { MAX_PACKED_TRACE_CHARS } = await import("../../src/web/url-state.ts");
  assert.equal(MAX_PACKED_TRACE_CHARS, 262_144);
});
