import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { defineRegistry } from "../../src/core/registry.ts";

const r = defineRegistry("collective algorithm", { ring: 1, "one-shot": 2, tree: 3 });

test("a registry keeps its names in registration order and returns entries by name", () => {
  assert.deepEqual(r.names, ["ring", "one-shot", "tree"]);
  assert.equal(r.get("one-shot"), 2);
  assert.ok(r.has("tree"));
  assert.ok(!r.has("toString"), "inherited properties are not entries");
  assert.ok(Object.isFrozen(r.entries));
});

test("an unknown name is a one-line UserError with the path, the nearest name and the known ones", () => {
  assert.throws(() => r.get("rin", "fabrics.gpuGpu.collective"), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.message, 'fabrics.gpuGpu.collective: unknown collective algorithm "rin" (did you mean "ring"?); known: ring, one-shot, tree');
    return true;
  });
  assert.throws(() => r.get("constructor"), { message: /^unknown collective algorithm "constructor"/ });
});
