import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { attentionIterationCost, attentionIterationCostInto, newAttentionIterationCost } from "../../src/systems/attention-cost.ts";
import type { Batch } from "../../src/systems/batch.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { iterationCost, iterationCostInto, newPhaseCost } from "../../src/systems/iteration-cost.ts";

/**
 * The serving loop's cost path writes into one PhaseCost per replica (iterationCostInto), reused every iteration: a
 * field an iteration does not overwrite would carry the last iteration's value. Here one reused target goes through
 * batches of every shape (decode only, prefill only, mixed), every FC unit and several systems, and must equal a
 * fresh cost each time.
 */
const llama = MODEL_PRESETS["llama-65b"];
const CTXS = ["papi", "a100-attacc", "attacc-only", "gpu-only", "pim-only-papi"].map((s) => buildSystem(s, llama));

/** decoding requests (kvLens, tlp) then prefill chunks (new tokens, cached tokens) */
function batchOf(decodeLens: number[], tlp: number, chunks: [number, number][]): Batch {
  const newTokens = [...decodeLens.map(() => tlp), ...chunks.map(([n]) => n)];
  const kvLens = [...decodeLens, ...chunks.map(([n, cached]) => n + cached)];
  return {
    numRequests: newTokens.length, numDecode: decodeLens.length, tlp, newTokens, kvLens,
    decodeKvTokens: decodeLens.reduce((s, x) => s + x, 0), numPromptsEnded: chunks.filter(([, cached]) => cached === 0).length,
  };
}

const batchArb = fc
  .record({
    decodeLens: fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 12 }),
    tlp: fc.integer({ min: 1, max: 4 }),
    chunks: fc.array(fc.tuple(fc.integer({ min: 1, max: 512 }), fc.constantFrom(0, 256)), { maxLength: 3 }),
  })
  .filter((b) => b.decodeLens.length + b.chunks.length > 0)
  .map((b) => batchOf(b.decodeLens.map((x) => x + b.tlp), b.tlp, b.chunks));

describe("costs written into a reused target", () => {
  test("iterationCostInto over one reused PhaseCost equals a fresh iterationCost, batch after batch, unit after unit, system after system", () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(CTXS.length - 1), fc.nat(3), batchArb), { minLength: 2, maxLength: 6 }), (steps) => {
        const out = newPhaseCost();
        for (const [c, u, b] of steps) {
          const ctx = CTXS[c];
          const units = [...ctx.fc.map((f) => f.unit.name), ctx.prefill.fc.unit.name];
          const unit = units[u % units.length];
          assert.equal(iterationCostInto(ctx, unit, b, out), out);
          assert.deepEqual({ ...out, split: { ...out.split } }, iterationCost(ctx, unit, b), `${ctx.spec.name} ${unit} ${JSON.stringify(b)}`);
        }
      }),
      { numRuns: 60 },
    ));

  test("attentionIterationCostInto: a decode-only batch after a mixed one leaves no prefill attention or link time behind", () => {
    const ctx = CTXS[1]; // a100-attacc: attention over PCIe links, prefill attention on the GPUs
    const out = newAttentionIterationCost();
    const mixed = batchOf([300, 900], 2, [[128, 0]]);
    const decodeOnly = batchOf([300, 900], 2, []);
    attentionIterationCostInto(ctx, mixed, ctx.fc[0].unit.name, out);
    assert.ok(out.prefillAttention.timeSec > 0 && out.comm.timeSec > 0);
    attentionIterationCostInto(ctx, decodeOnly, ctx.fc[0].unit.name, out);
    assert.equal(out.prefillAttention.timeSec, 0);
    assert.deepEqual(out, attentionIterationCost(ctx, decodeOnly, ctx.fc[0].unit.name));
    const prefillOnly = batchOf([], 1, [[64, 0]]);
    attentionIterationCostInto(ctx, prefillOnly, ctx.fc[0].unit.name, out);
    assert.equal(out.attention.timeSec, 0, "no decoding request: no decode attention");
    assert.deepEqual(out, attentionIterationCost(ctx, prefillOnly, ctx.fc[0].unit.name));
  });
});
