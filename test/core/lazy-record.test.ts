import { test } from "node:test";
import assert from "node:assert/strict";
import { lazyRecord } from "../../src/core/lazy-record.ts";

test("lazyRecord builds a value on its first read, once, and reads like the eager frozen record", () => {
  const built: string[] = [];
  const inputs = { b: 2, a: 1, c: 3 };
  const r = lazyRecord(inputs, (x, key) => {
    built.push(key);
    return { key, twice: 2 * x };
  });
  // keys, order and membership need no build
  assert.deepEqual(Object.keys(r), ["b", "a", "c"]);
  assert.ok(Object.prototype.hasOwnProperty.call(r, "a") && "c" in r && !("d" in r));
  assert.equal((r as Record<string, unknown>).d, undefined);
  assert.deepEqual(built, []);
  const a = r.a;
  assert.deepEqual(a, { key: "a", twice: 2 });
  assert.equal(r.a, a, "the same object on every read");
  assert.deepEqual(built, ["a"]);
  // what the eager record gave: values, entries, spread and JSON see every value, in order
  const eager = Object.freeze(Object.fromEntries(Object.entries(inputs).map(([k, x]) => [k, { key: k, twice: 2 * x }])));
  assert.deepEqual({ ...r }, eager);
  assert.equal(JSON.stringify(r), JSON.stringify(eager));
  assert.deepEqual(Object.values(r).map((v) => v.twice), [4, 2, 6]);
  assert.deepEqual(structuredClone(r), eager);
  assert.deepEqual(built, ["a", "b", "c"]);
  // frozen: no key can be added, replaced or removed
  assert.ok(Object.isFrozen(r));
  assert.throws(() => {
    "use strict";
    (r as Record<string, unknown>).a = 1;
  }, TypeError);
});

test("lazyRecord: a value whose build throws throws on every read, and the others still build", () => {
  let calls = 0;
  const r = lazyRecord({ good: 1, bad: 0 }, (x) => {
    calls++;
    if (x === 0) throw new Error("bad preset");
    return x;
  });
  assert.throws(() => r.bad, /bad preset/);
  assert.throws(() => r.bad, /bad preset/);
  assert.equal(r.good, 1);
  assert.equal(calls, 3);
});
