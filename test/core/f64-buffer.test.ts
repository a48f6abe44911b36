import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Float64Buffer } from "../../src/core/f64-buffer.ts";

test("a growable buffer keeps every value across growth: pushes past the capacity double it and copy the values", () => {
  const b = new Float64Buffer(2);
  const pushed = [0.5, -0, 3, 1e300, -7.25, Number.MIN_VALUE, 42];
  for (const x of pushed) b.push(x);
  assert.equal(b.length, 7);
  assert.deepEqual(b.toArray(), pushed); // deepEqual tells -0 from 0
  assert.ok(Object.is(b.at(1), -0));
  assert.equal(b.at(7), undefined);
  assert.equal(b.at(-1), undefined);
  // the view is the filled part only, not the spare capacity (8 after two doublings)
  assert.equal(b.view().length, 7);
});

test("reserve keeps the values and never shrinks; a reserved buffer takes that many pushes without regrowing", () => {
  const b = new Float64Buffer(4);
  b.push(1);
  b.push(2);
  b.reserve(1000);
  const storage = b.view().buffer;
  for (let i = 0; i < 998; i++) b.push(i);
  assert.equal(b.view().buffer, storage, "no reallocation within the reserved capacity");
  assert.deepEqual(b.toArray().slice(0, 4), [1, 2, 0, 1]);
  b.reserve(10); // smaller than the length: nothing changes
  assert.equal(b.length, 1000);
  assert.equal(b.at(999), 997);
});

test("property: the buffer equals an array pushed with the same values, whatever the initial capacity", () =>
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 9 }), fc.array(fc.double(), { maxLength: 200 }), (cap, xs) => {
      const b = new Float64Buffer(cap);
      for (const x of xs) b.push(x);
      assert.deepEqual(b.toArray(), xs);
    }),
  ));
