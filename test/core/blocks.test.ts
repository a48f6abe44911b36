import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { defineBlock, enumFieldsOf, formatIssues, parseBlock, resolveBlock } from "../../src/core/blocks.ts";
import { UserError } from "../../src/core/errors.ts";
import { deepMerge } from "../../src/core/merge.ts";
import { PimDesignBlock, resolvePimDesign } from "../../src/hardware/pim/presets.ts";
import { pimStackCapacityBytes } from "../../src/hardware/pim/schema.ts";
import { RunConfig } from "../../src/serving/config.ts";

test("enumFieldsOf: enum fields of objects and blocks, through defaults and optionals, in schema order", () => {
  const Thing = z.object({ name: z.string(), mode: z.enum(["a", "b"]).default("a"), size: z.number(), kind: z.enum(["x", "y", "z"]).optional() });
  const block = defineBlock("thing", Thing, () => ({}));
  assert.deepEqual(enumFieldsOf(Thing), { mode: ["a", "b"], kind: ["x", "y", "z"] });
  assert.deepEqual(enumFieldsOf(block.shape), { mode: ["a", "b"], kind: ["x", "y", "z"] });
  assert.deepEqual(enumFieldsOf(RunConfig), { batching: ["static", "continuous", "chunked", "disaggregated", "continuous-v02"], scheduler: ["papi", "oracle", "static-gpu", "static-pim"], profile: ["papi", "attacc-toolchain"] });
  // PIM designs: whatever enum fields the schema has (compute semantics, FC mapping, ...) and nothing else
  for (const [k, options] of Object.entries(enumFieldsOf(PimDesignBlock.shape))) {
    assert.ok(options.length >= 2, k);
    assert.ok(options.every((o) => typeof o === "string"), k);
  }
});

// ---- a toy pair of block kinds: a widget (with a derived area) nested in a gadget -------------------------------

const Widget = z
  .strictObject({
    name: z.string().min(1),
    widthMm: z.number().int().min(1).max(100),
    heightMm: z.number().int().min(1).max(100),
    /** derived: widthMm x heightMm; declared only to be checked */
    areaMm2: z.number().optional(),
  })
  .transform((w, ctx) => {
    const area = w.widthMm * w.heightMm;
    if (w.areaMm2 !== undefined && w.areaMm2 !== area) {
      ctx.addIssue({ code: "custom", path: ["areaMm2"], message: `declared ${w.areaMm2} but width x height give ${area}` });
      return z.NEVER;
    }
    return { ...w, areaMm2: area };
  });
type Widget = z.output<typeof Widget>;
const WIDGETS: Record<string, Widget> = { small: Widget.parse({ name: "small", widthMm: 1, heightMm: 2 }), big: Widget.parse({ name: "big", widthMm: 10, heightMm: 20 }) };
const WidgetBlock = defineBlock<Widget>("widget", Widget, () => WIDGETS, ["areaMm2"]);

const Gadget = z
  .strictObject({
    name: z.string().min(1),
    widget: WidgetBlock.field("the gadget's widget").default("small"),
    numWidgets: z.number().int().min(1).max(8),
  })
  .transform((g, ctx) => {
    try {
      return { ...g, widget: resolveBlock(WidgetBlock, g.widget, undefined, "widget") };
    } catch (e) {
      ctx.addIssue({ code: "custom", path: [], message: (e as Error).message });
      return z.NEVER;
    }
  });
type Gadget = z.output<typeof Gadget>;
const GADGETS: Record<string, Gadget> = { g1: Gadget.parse({ name: "g1", numWidgets: 2 }), g2: Gadget.parse({ name: "g2", widget: "big", numWidgets: 4 }) };
const GadgetBlock = defineBlock<Gadget>("gadget", Gadget, () => GADGETS);

const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");

describe("resolveBlock", () => {
  test("a name is the preset itself; an unknown name lists the known ones and the nearest, after the path", () => {
    assert.equal(resolveBlock(WidgetBlock, "big", undefined, "w"), WIDGETS.big);
    assert.equal(resolveBlock(WidgetBlock, "big", "small", "w"), WIDGETS.big, "a name replaces the base");
    assert.throws(() => resolveBlock(WidgetBlock, "bigg", undefined, "hw.widget"), userError(/^hw\.widget: unknown widget preset "bigg" \(did you mean "big"\?\); known: small, big$/));
  });

  test("{preset, ...overrides}: the preset with the fields replaced, whatever the base; derived fields recomputed", () => {
    const w = resolveBlock(WidgetBlock, { preset: "big", widthMm: 3 }, "small", "w");
    assert.deepEqual(w, { name: "big", widthMm: 3, heightMm: 20, areaMm2: 60 });
    assert.deepEqual(resolveBlock(WidgetBlock, { preset: "small" }, WIDGETS.big, "w"), WIDGETS.small);
    assert.throws(() => resolveBlock(WidgetBlock, { preset: "nope", widthMm: 3 }, undefined, "x.w"), userError(/^x\.w\.preset: unknown widget preset "nope"/));
  });

  test("a patch overrides the base, whether the base is a name, a {preset} object or a resolved value", () => {
    const want = { name: "big", widthMm: 10, heightMm: 5, areaMm2: 50 };
    assert.deepEqual(resolveBlock(WidgetBlock, { heightMm: 5 }, "big", "w"), want);
    assert.deepEqual(resolveBlock(WidgetBlock, { heightMm: 5 }, WIDGETS.big, "w"), want);
    assert.deepEqual(resolveBlock(WidgetBlock, { heightMm: 5 }, { preset: "big" }, "w"), want);
    // the base's own overrides are kept under the patch's
    assert.deepEqual(resolveBlock(WidgetBlock, { heightMm: 5 }, { preset: "big", widthMm: 7 }, "w"), { name: "big", widthMm: 7, heightMm: 5, areaMm2: 35 });
    // the derived field of the base is dropped, not contradicted
    assert.equal(WIDGETS.big.areaMm2, 200);
  });

  test("a patch without a base must be a complete description; the error names every missing field with its path", () => {
    assert.deepEqual(resolveBlock(WidgetBlock, { name: "mine", widthMm: 2, heightMm: 3 }, undefined, "w"), { name: "mine", widthMm: 2, heightMm: 3, areaMm2: 6 });
    assert.throws(() => resolveBlock(WidgetBlock, { widthMm: 2 }, undefined, "hw.w"), userError(/^hw\.w\.name: is missing \(a string\); hw\.w\.heightMm: is missing \(a number\)$/));
    // a field given with the wrong type is not "missing"
    assert.throws(() => resolveBlock(WidgetBlock, { name: "w", widthMm: 2, heightMm: "3" }, undefined, "hw.w"), userError(/^hw\.w\.heightMm: Invalid input: expected number, received string$/));
  });

  test("a declared derived value must match; a patch of the geometry recomputes it", () => {
    assert.throws(() => resolveBlock(WidgetBlock, { preset: "small", areaMm2: 3 }, undefined, "w"), userError(/^w\.areaMm2: declared 3 but width x height give 2$/));
    assert.equal(resolveBlock(WidgetBlock, { widthMm: 4 }, "small", "w").areaMm2, 8);
  });

  test("nested blocks: patched field by field, replaced by a name or a {preset} object, derived fields recomputed inside", () => {
    const g = (value: unknown, base: unknown) => resolveBlock(GadgetBlock, value, base, "gadget");
    // a patch of the nested widget of a base given each way
    for (const base of ["g2", GADGETS.g2, { preset: "g2" }]) {
      const r = g({ widget: { widthMm: 3 } }, base);
      assert.deepEqual(r.widget, { name: "big", widthMm: 3, heightMm: 20, areaMm2: 60 }, JSON.stringify(base));
      assert.equal(r.numWidgets, 4);
    }
    // a base whose nested widget is itself a name, patched one field deep
    assert.deepEqual(g({ widget: { heightMm: 1 } }, { preset: "g1", widget: "big" }).widget, { name: "big", widthMm: 10, heightMm: 1, areaMm2: 10 });
    // a name or a {preset} object in a patch replaces the nested block (none of the base's widget fields survive)
    assert.deepEqual(g({ widget: "small" }, "g2").widget, WIDGETS.small);
    assert.deepEqual(g({ widget: { preset: "small" } }, "g2").widget, WIDGETS.small);
    assert.deepEqual(g({ widget: { preset: "small", heightMm: 9 } }, "g2").widget, { name: "small", widthMm: 1, heightMm: 9, areaMm2: 9 });
  });

  test("errors carry the whole path: unknown keys (with the nearest key) at every level, ranges, nested presets", () => {
    const g = (value: unknown, base: unknown = "g1") => () => resolveBlock(GadgetBlock, value, base, "hw.gadget");
    assert.throws(g({ numWidget: 2 }), userError(/^hw\.gadget: unknown key "numWidget" \(did you mean "numWidgets"\?\)$/));
    assert.throws(g({ widget: { widht: 2 } }), userError(/^hw\.gadget\.widget: unknown key "widht" \(did you mean "widthMm"\?\)$/));
    assert.throws(g({ widget: { widht: 2 }, numWidget: 2 }), userError(/hw\.gadget\.widget: unknown key "widht".*; hw\.gadget: unknown key "numWidget"|hw\.gadget: unknown key "numWidget".*; hw\.gadget\.widget: unknown key "widht"/));
    assert.throws(g({ numWidgets: 9 }), userError(/^hw\.gadget\.numWidgets: /));
    assert.throws(g({ widget: { widthMm: 0 } }), userError(/hw\.gadget\.widget\.widthMm: /));
    assert.throws(g({ widget: "huge" }), userError(/^hw\.gadget\.widget: unknown widget preset "huge"/));
    assert.throws(g({ widget: { preset: "huge" } }), userError(/^hw\.gadget\.widget\.preset: unknown widget preset "huge"/));
    assert.throws(g(42), userError(/^hw\.gadget: must be a gadget preset name or an object, got 42$/));
  });
});

describe("resolveBlock on the real PIM design kind", () => {
  test("a patch of a design written {preset, hbm} keeps the HBM and changes only the patched field", () => {
    const d = resolvePimDesign({ numFpus: 2 }, { preset: "fc-pim", hbm: "hbm3e" }, "hardware.fcPim");
    assert.equal(d.numFpus, 2);
    assert.equal(d.hbm.name, "hbm3e");
    assert.equal(d.numEnabledBankGroups, 3);
    assert.equal(pimStackCapacityBytes(d), 18 * 2 ** 30, "3 of 4 bank groups of a 24 GiB stack");
    assert.notEqual(d.capacityBytes, 12 * 2 ** 30, "the declared capacity of the HBM3 preset is not carried over");
  });

  test("{hbm: {preset}} in a patch replaces the design's HBM instead of keeping the old fields", () => {
    const d = resolvePimDesign({ hbm: { preset: "hbm3e" } }, "fc-pim", "hardware.fcPim");
    assert.equal(d.hbm.name, "hbm3e");
    assert.equal(d.hbm.timing.dataRateBitsPerSecPerPin, 9.6e9);
    assert.equal(d.hbm.org.numRows, 24576);
  });
});

test("deepMerge: a patch object with its own preset replaces the base; one without merges key by key", () => {
  assert.deepEqual(deepMerge({ a: { x: 1, y: 2 } }, { a: { preset: "p" } }), { a: { preset: "p" } });
  assert.deepEqual(deepMerge({ a: { x: 1, y: 2 } }, { a: { y: 3 } }), { a: { x: 1, y: 3 } });
  assert.deepEqual(deepMerge("p", { y: 3 }), { preset: "p", y: 3 });
  assert.deepEqual(deepMerge("p", { preset: "q", y: 3 }), { preset: "q", y: 3 });
});

test("parseBlock returns a value resolveBlock made, or a preset, as is (no second parse); anything else is resolved", () => {
  const patched = resolveBlock(WidgetBlock, { preset: "big", widthMm: 3 }, undefined, "w");
  assert.equal(parseBlock(WidgetBlock, patched, "w"), patched);
  assert.equal(parseBlock(WidgetBlock, WIDGETS.small, "w"), WIDGETS.small);
  // an equal copy is not one resolveBlock made: parsed again (a new object, same fields)
  const copy = { ...patched };
  const reparsed = parseBlock(WidgetBlock, copy, "w");
  assert.notEqual(reparsed, copy);
  assert.deepEqual(reparsed, patched);
  // a value of another kind is not taken as is
  assert.throws(() => parseBlock(GadgetBlock, patched, "g"), userError(/^g: /));
  assert.equal(parseBlock(WidgetBlock, "big", "w"), WIDGETS.big);
});

test("a kind whose resolved value is not an object (a number, null) resolves without being remembered", () => {
  const Scalar = z.strictObject({ v: z.number() }).transform((o) => (o.v === 0 ? null : o.v));
  const ScalarBlock = defineBlock<number | null>("scalar", Scalar, () => ({ one: 1 }));
  assert.equal(resolveBlock(ScalarBlock, { v: 2 }, undefined, "s"), 2);
  assert.equal(resolveBlock(ScalarBlock, { v: 0 }, undefined, "s"), null);
  assert.equal(resolveBlock(ScalarBlock, "one", undefined, "s"), 1);
});

test("formatIssues names a field once: a message that repeats the field's name (or its last part) loses it, another name stays", () => {
  const S = z.object({
    a: z.number().min(1, "a must be >= 1"),
    b: z.object({ c: z.number().min(1, "c must be >= 1"), d: z.number().min(1, "x must be > 0"), e: z.number().min(1, "to - from must be finite") }),
    list: z.array(z.number().min(1, "list must be >= 1")),
    word: z.enum(["alpha", "beta"]),
  });
  const r = S.safeParse({ a: 0, b: { c: 0, d: 0, e: 0 }, list: [1, 0], word: "alhpa" }, { reportInput: true });
  assert.ok(!r.success);
  assert.equal(
    formatIssues(r.error.issues, "base", S),
    'base.a: must be >= 1; base.b.c: must be >= 1; base.b.d: x must be > 0; base.b.e: to - from must be finite; base.list.1: must be >= 1; ' +
      'base.word: Invalid option: expected one of "alpha"|"beta", got "alhpa" (did you mean "alpha"?)',
  );
});
