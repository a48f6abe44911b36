import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KvCache } from "../../src/serving/kv-cache.ts";
import { ServingRequest } from "../../src/serving/request-state.ts";

/** A request as the cache sees it: the blocks and reserved bytes it holds. */
const req = () => ({ kvBlocks: 0, kvBytes: 0 }) as unknown as ServingRequest;

test("paged mode by hand: 1,000 B at 10 B/token in 4-token blocks = 25 blocks; a request holds ceil(tokens / 4)", () => {
  const kv = new KvCache(1000, 10, 4, 0);
  assert.equal(kv.numBlocks, 25);
  assert.equal(kv.blockBytes, 40);
  assert.equal(kv.blocksFor(1), 1);
  assert.equal(kv.blocksFor(4), 1);
  assert.equal(kv.blocksFor(5), 2);
  const a = req();
  assert.equal(kv.grow(a, 9), true); // 3 blocks
  assert.deepEqual([a.kvBlocks, kv.usedBlocks, kv.freeBlocks], [3, 3, 22]);
  assert.equal(kv.extraBlocks(a, 12), 0);
  assert.equal(kv.extraBlocks(a, 13), 1);
  assert.equal(kv.grow(a, 8), true, "shrinking allocates nothing");
  assert.equal(a.kvBlocks, 3);
  // exactly the free blocks fit; one more does not, and nothing is allocated then
  const b = req();
  assert.equal(kv.grow(b, 89), false); // 23 blocks > 22
  assert.deepEqual([b.kvBlocks, kv.usedBlocks], [0, 3]);
  assert.equal(kv.grow(b, 88), true); // 22 blocks
  assert.deepEqual([kv.freeBlocks, kv.load, kv.peakLoad], [0, 1, 1]);
  kv.freeBlocksOf(a);
  assert.deepEqual([a.kvBlocks, kv.usedBlocks, kv.load, kv.peakLoad], [0, 22, 22 / 25, 1]);
});

test("reservation mode by hand: bytes fit up to the capacity exactly; release returns them; load and peak", () => {
  const kv = new KvCache(1000, 10, 4, 0);
  const a = req();
  assert.equal(kv.fits(1000), true);
  assert.equal(kv.fits(1001), false);
  kv.reserve(a, 600);
  assert.deepEqual([kv.reservedBytes, a.kvBytes, kv.load, kv.peakLoad], [600, 600, 0.6, 0.6]);
  assert.equal(kv.fits(400), true);
  assert.equal(kv.fits(401), false);
  kv.release(a);
  assert.deepEqual([kv.reservedBytes, a.kvBytes, kv.load, kv.peakLoad], [0, 0, 0, 0.6]);
  // a cache too small for one block is always full
  assert.equal(new KvCache(30, 10, 4, 0).load, 1);
});

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
