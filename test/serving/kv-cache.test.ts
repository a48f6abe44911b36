import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KvCache } from "../../src/serving/kv-cache.ts";
import { ServingRequest } from "../../src/serving/request-state.ts";

const request = (kvBlocks: number) => Object.assign(new ServingRequest({ id: 0, arrivalSec: 0, inputTokens: 1, outputTokens: 1 }, 0), { kvBlocks });

test("extraBlocks by hand: 16-token blocks; none within the held blocks, one more past a boundary", () => {
  const kv = new KvCache(1e9, 1000, 16, 0);
  assert.equal(kv.extraBlocks(request(2), 32), 0); // exactly the 2 blocks held
  assert.equal(kv.extraBlocks(request(2), 33), 1); // one token past them
  assert.equal(kv.extraBlocks(request(0), 1), 1);
  assert.equal(kv.extraBlocks(request(0), 0), 0);
  assert.equal(kv.extraBlocks(request(5), 17), 0); // holds more than it needs: never negative
  assert.equal(kv.extraBlocks(request(1), 16 * 9 + 1), 9);
});

test("property: extraBlocks = max(0, ceil(tokens / blockTokens) - held), the definition, for any block size", () =>
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4096 }), fc.nat(10_000), fc.nat(1_000_000), (blockTokens, held, tokens) => {
      const kv = new KvCache(1e12, 1, blockTokens, 0);
      assert.equal(kv.extraBlocks(request(held), tokens), Math.max(0, Math.ceil(tokens / blockTokens) - held));
    }),
    { numRuns: 2000 },
  ));
