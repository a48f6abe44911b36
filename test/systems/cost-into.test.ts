import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { attentionIterationCost, attentionIterationCostInto, newAttentionIterationCost } from "../../src/systems/attention-cost.ts";
import type { Batch } from "../../src/systems/batch.ts";
import { buildSystem, fcPlacement } from "../../src/systems/build.ts";
import { fcLayersCost, lmHeadCost } from "../../src/systems/fc-cost.ts";
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

describe("decode-only iterations: the memoized (placement, tokens) template plus attention", () => {
  /**
   * The serving loop's decode-only iterations copy everything but attention from a per-(system, FC placement, tokens)
   * template. Here the expected cost is rebuilt from its parts (the FC layers, the LM head, the iteration's attention
   * with its transfers), as iterationCost's general formula sums them, for batches that revisit token counts on
   * systems and units in turn, so a template served for the wrong system, unit or token count would show.
   */
  function fromParts(ctx: (typeof CTXS)[number], unit: string, b: Batch) {
    const p = fcPlacement(ctx, unit);
    const tokens = b.numDecode * b.tlp;
    const body = fcLayersCost(ctx, p, tokens);
    const head = lmHeadCost(ctx, p, tokens);
    const a = attentionIterationCost(ctx, b, unit);
    const add = (x: { compute: number; dram: number; transfer: number }, y: typeof x) => ({ compute: x.compute + y.compute, dram: x.dram + y.dram, transfer: x.transfer + y.transfer });
    return {
      fcSec: body.fc.timeSec + head.fc.timeSec,
      attentionSec: a.attention.timeSec + a.prefillAttention.timeSec,
      prefillAttentionSec: 0,
      communicationSec: body.comm.timeSec + head.comm.timeSec + a.comm.timeSec,
      otherSec: body.other.timeSec + head.other.timeSec + ctx.spec.schedulerOverheadSec,
      overlapSec: 0,
      fcJoules: body.fc.energyJoules + head.fc.energyJoules,
      attentionJoules: a.attention.energyJoules + a.prefillAttention.energyJoules,
      communicationJoules: body.comm.energyJoules + head.comm.energyJoules + a.comm.energyJoules,
      otherJoules: body.other.energyJoules + head.other.energyJoules,
      attentionLinkBwSec: a.linkBwSec,
      fcUnit: unit,
      split: { fc: add(body.fc.split, head.fc.split), attention: { ...a.attention.split }, prefillAttention: { compute: 0, dram: 0, transfer: 0 }, other: add(body.other.split, head.other.split) },
    };
  }
  const decodeArb = fc.record({ lens: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }), tlp: fc.integer({ min: 1, max: 4 }) });

  test("equals the cost rebuilt from FC layers, LM head and attention, across systems, units and revisited token counts", () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(CTXS.length - 1), fc.nat(3), decodeArb), { minLength: 2, maxLength: 8 }), (steps) => {
        const out = newPhaseCost();
        for (const [c, u, d] of steps) {
          const ctx = CTXS[c];
          const unit = ctx.fc[u % ctx.fc.length].unit.name;
          const b = batchOf(d.lens.map((x) => x + d.tlp), d.tlp, []);
          iterationCostInto(ctx, unit, b, out);
          assert.deepStrictEqual({ ...out, split: { ...out.split } }, fromParts(ctx, unit, b), `${ctx.spec.name} ${unit} ${JSON.stringify(d)}`);
        }
      }),
      { numRuns: 60 },
    ));

  test("hand-checked: two systems alternating on the same token count keep their own FC and transfer costs", () => {
    const b = batchOf([500, 700], 2, []);
    const [papi, attacc] = [CTXS[0], CTXS[1]];
    const first = iterationCost(papi, "gpu", b);
    const other = iterationCost(attacc, "gpu", b);
    assert.notEqual(first.attentionSec, other.attentionSec); // Attn-PIM (1P2B) vs AttAcc (1P1B) stacks
    assert.deepStrictEqual(iterationCost(papi, "gpu", b), first);
    assert.deepStrictEqual(iterationCost(papi, "gpu", b), fromParts(papi, "gpu", b));
    // the same tokens with FC on FC-PIM instead: a different template
    assert.notEqual(iterationCost(papi, "fc-pim", b).fcSec, first.fcSec);
  });
});
