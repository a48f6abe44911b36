import { test } from "node:test";
import assert from "node:assert/strict";
import { makePapiPolicy } from "../../src/scheduling/papi-online.ts";
import { makeStaticPolicy } from "../../src/scheduling/static.ts";
import { attentionReuses, decodeShapes, fcPimReuses } from "../../src/sweep/reuse.ts";

const pairs = (spec: Parameters<typeof decodeShapes>[0], maxRlp: number) => decodeShapes(spec, maxRlp).map((s) => `${s.rlp}x${s.tlp}`);

test("decode shapes: RLP 1..max, TLP as the speculation setting gives it at that RLP", () => {
  assert.deepEqual(pairs(4, 3), ["1x4", "2x4", "3x4"]);
  // a cycled list: every listed TLP at every RLP (repeats once)
  assert.deepEqual(pairs([2, 1, 2], 2), ["1x2", "1x1", "2x2", "2x1"]);
  // adaptive: clamp(floor(16 / RLP), 1, 8)
  assert.deepEqual(pairs({ targetTokens: 16, maxTlp: 8 }, 5), ["1x8", "2x8", "3x5", "4x4", "5x3"]);
  assert.deepEqual(pairs({ targetTokens: 2, maxTlp: 8 }, 3), ["1x2", "2x1", "3x1"]);
  assert.deepEqual(pairs(1, 0), []);
});

test("FC-PIM reuses: the RLP x TLP products the policy maps to FC-PIM, ascending and distinct", () => {
  const shapes = decodeShapes([1, 2], 4); // products 1, 2, 3, 4 and 2, 4, 6, 8
  assert.deepEqual(fcPimReuses(shapes, makePapiPolicy(5, "gpu", "fc-pim")), [1, 2, 3, 4]);
  assert.deepEqual(fcPimReuses(shapes, makePapiPolicy(6, "gpu", "fc-pim")), [1, 2, 3, 4, 6]);
  assert.deepEqual(fcPimReuses(shapes, makePapiPolicy(0.9, "gpu", "fc-pim")), []);
  assert.deepEqual(fcPimReuses(shapes, makeStaticPolicy("static-pim", "fc-pim")), [1, 2, 3, 4, 6, 8]);
  assert.deepEqual(fcPimReuses(shapes, makeStaticPolicy("static-gpu", "gpu")), []);
  // the unit name decides: a policy that sends FC to another unit is not FC-PIM
  assert.deepEqual(fcPimReuses(shapes, makeStaticPolicy("static-pim", "fc-pim"), "other"), []);
});

test("attention reuses: TLP x group for every TLP, ascending and distinct", () => {
  assert.deepEqual(attentionReuses(decodeShapes([4, 2, 4], 3), 1), [2, 4]);
  assert.deepEqual(attentionReuses(decodeShapes(3, 5), 8), [24]);
  assert.deepEqual(attentionReuses(decodeShapes({ targetTokens: 16, maxTlp: 8 }, 4), 2), [8, 10, 16]);
});
