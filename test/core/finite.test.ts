import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { assertFiniteResult, firstNonFinite, leafPaths } from "../../src/core/finite.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { resolveSystem } from "../../src/systems/resolve.ts";
import { buildContext } from "../../src/systems/build.ts";
import { runOnce } from "../../src/serving/run.ts";

test("firstNonFinite finds the first Infinity or NaN depth-first with its path; null and strings are fine", () => {
  assert.equal(firstNonFinite({ a: 1, b: null, c: "Infinity", d: [1, { e: 2 }] }), undefined);
  assert.deepEqual(firstNonFinite({ a: 1, b: { c: [0, Infinity] }, z: NaN }), { path: "b.c[1]", value: Infinity });
  assert.deepEqual(firstNonFinite([1, -Infinity]), { path: "[1]", value: -Infinity });
  const nan = firstNonFinite({ x: NaN });
  assert.equal(nan?.path, "x");
  assert.ok(Number.isNaN(nan?.value));
  assert.equal(firstNonFinite({ config: { x: Infinity }, y: 1 }, "", new Set(["config"])), undefined);
});

test("property: a non-finite number planted anywhere in a finite object is found at its path", () => {
  fc.assert(
    fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null))), fc.constantFrom(Infinity, -Infinity, NaN), (obj, bad) => {
      assert.equal(firstNonFinite(obj), undefined);
      const planted = { ...obj, zz: { deep: [0, bad] } };
      assert.equal(firstNonFinite(planted)?.path, "zz.deep[1]");
    }),
    { numRuns: 100, seed: 71 },
  );
});

test("leafPaths names the fields a user overrode", () => {
  assert.deepEqual(leafPaths({ gpu: { l2BandwidthBytesPerSec: 1 }, links: { attention: "pcie5" } }, "hardware"), ["hardware.gpu.l2BandwidthBytesPerSec", "hardware.links.attention"]);
  assert.deepEqual(leafPaths({}, "hardware"), []);
});

test("assertFiniteResult: one line naming the quantity, its value and the suspects (at most five)", () => {
  assert.doesNotThrow(() => assertFiniteResult({ a: 1 }, "the run", []));
  const msg = (f: () => void) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof UserError);
      return e.message;
    }
    assert.fail("no error");
  };
  assert.equal(msg(() => assertFiniteResult({ latencySec: Infinity }, "the run", ["hardware.gpu.x"])), "the run's latencySec is not finite (Infinity); check hardware.gpu.x");
  assert.equal(msg(() => assertFiniteResult({ e: NaN }, "the kernel", [])), "the kernel's e is not finite (NaN); check the inputs' values");
  assert.match(msg(() => assertFiniteResult({ e: NaN }, "x", ["a", "b", "c", "d", "e", "f"])), /check a, b, c, d, e, \.\.\.$/);
});

test("runOnce refuses a non-finite result: a device that bypassed the schema (0 B/s of L2) is named, not printed", () => {
  const spec = resolveSystem("papi");
  // what the schema would refuse, built directly: the guard after the run is the last line of defence
  const gpu = spec.units.gpu as { device: Record<string, unknown> } & typeof spec.units.gpu;
  const broken = { ...spec, units: { ...spec.units, gpu: { ...gpu, device: { ...gpu.device, l2BandwidthBytesPerSec: 0 } } } };
  const ctx = buildContext(broken, MODEL_PRESETS["llama-65b"]);
  assert.throws(
    () => runOnce({ system: "papi", trace: "fixed:64:16", requests: 4, batch: 4, scheduler: "static-gpu", hardware: { gpu: { l2BandwidthBytesPerSec: 7e12 } } }, { ctx }),
    (e: unknown) => e instanceof UserError && /^the run's \S+ is not finite \((Infinity|NaN)\); check hardware\.gpu\.l2BandwidthBytesPerSec$/.test(e.message),
  );
});

test("firstNonFinite: objects known to be finite are not walked again; the others still are, paths unchanged", () => {
  const shared = { a: 1, b: [2, 3] };
  const known = new WeakSet<object>([shared]);
  assert.equal(firstNonFinite({ x: shared, y: { z: NaN } }, "", new Set(), known)?.path, "y.z");
  assert.equal(firstNonFinite({ x: shared }, "", new Set(), known), undefined);
  // what `known` means: a caller vouches for the object; one changed behind its back is not re-checked
  (shared as { a: number }).a = Infinity;
  assert.equal(firstNonFinite({ x: shared }, "", new Set(), known), undefined);
  assert.equal(firstNonFinite({ x: shared })?.path, "x.a");
});
