import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { defineBlock, enumFieldsOf } from "../../src/core/blocks.ts";
import { PimDesignBlock } from "../../src/hardware/pim/presets.ts";
import { RunConfig } from "../../src/serving/config.ts";

test("enumFieldsOf: enum fields of objects and blocks, through defaults and optionals, in schema order", () => {
  const Thing = z.object({ name: z.string(), mode: z.enum(["a", "b"]).default("a"), size: z.number(), kind: z.enum(["x", "y", "z"]).optional() });
  const block = defineBlock("thing", Thing, () => ({}));
  assert.deepEqual(enumFieldsOf(Thing), { mode: ["a", "b"], kind: ["x", "y", "z"] });
  assert.deepEqual(enumFieldsOf(block.shape), { mode: ["a", "b"], kind: ["x", "y", "z"] });
  assert.deepEqual(enumFieldsOf(RunConfig), { batching: ["static", "continuous"], scheduler: ["papi", "oracle", "static-gpu", "static-pim"], profile: ["papi", "attacc-toolchain"] });
  // PIM designs: whatever enum fields the schema has (compute semantics, FC mapping, ...) and nothing else
  for (const [k, options] of Object.entries(enumFieldsOf(PimDesignBlock.shape))) {
    assert.ok(options.length >= 2, k);
    assert.ok(options.every((o) => typeof o === "string"), k);
  }
});
