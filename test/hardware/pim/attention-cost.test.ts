import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../../src/core/errors.ts";
import { pimAttentionCost, pimAttentionDynamic, PimAttentionCounts } from "../../../src/hardware/pim/attention-cost.ts";
import { PIM_DESIGNS, resolvePimDesign } from "../../../src/hardware/pim/presets.ts";
import { pimEnabledBanksPerStack, type PimDesign } from "../../../src/hardware/pim/schema.ts";
import { pimConsts } from "../../../src/hardware/pim/timing.ts";

const tCk = 4 / 5.2e9;
const stretch = 5070 / (5070 - 456);

test("hand-derived: one head, d 128, L 2048, TLP 1 on a 1P1B stack", () => {
  // G = 16 groups (2 pch x 2 ranks x 4 BGs), B = 4 banks: each bank holds 2048/16 = 128 keys x 32 d-values
  // = 128 x 2 columns = 256 columns of K and 256 of V -> 8 rows each; MACAB = 512 = AttAcc's 4 ceil(L/16)
  // (column-matched, 1 FPU per bank, 1 query: one MAC command per column).
  // Row period = max(nRC 63, 64, nRCD + 31 x 6 + nRTPL + nRP = 232, 32 x 6) = 232 tCK; each phase (score, then
  // context) = 8 x 232 tCK x refresh stretch. Bus (per pseudo-channel, 2 tCK per 32 B): query 256 B = 8 columns
  // = 16 tCK; scores 8 groups x 128 x 2 B = 64 columns = 128 tCK out (during the score MACs) and 128 tCK back;
  // context partials 8 x 128 x 2 B = 64 columns = 128 tCK (during the context MACs). Softmax 2048 / 16 per tCK
  // = 128 tCK. One head alone: query 16 + max(score MACs, 128) + softmax 128 + probabilities 128 + max(context
  // MACs, 128) = 2 x 8 x 232 x 1.09883 + 272 = 4350.9 tCK = 3.347 us.
  const c = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 1, headDim: 128, contextLens: [2048], tlp: 1, numStacks: 1 });
  const expected = (2 * 8 * 232 * stretch + 272) * tCk;
  assert.ok(Math.abs(c.timeSec - expected) < 1e-15, `${c.timeSec} vs ${expected}`);
  assert.ok(Math.abs(c.timeSec - 3.347e-6) < 1e-9);
  assert.equal(c.commands.MACAB, 4 * Math.ceil(2048 / 16));
  assert.equal(c.commands.ACTAB, 16);
  assert.equal(c.commands.WRGB, 8);
  assert.equal(c.commands.SFM, 1);
  // score + context MACs (AttAcc's energy counted only one of them)
  assert.equal(c.flops, 2 * 2 * 2048 * 128);
  assert.equal(c.internalBytes, 2 * 2048 * 128 * 2);
});

test("hand-derived bus bytes and refresh count: one head, d 128, L 2048, TLP 1 on a 1P1B stack", () => {
  // Per pseudo-channel bus (P = 2, 32-B columns), as in the test above: in = query 8 columns + probabilities back
  // 64 columns = 72 columns; out = scores 64 + context partials 64 = 128 columns. Over both buses:
  // in 72 x 2 x 32 B = 4,608 B (= 2 x 256 B query + 2 x 2,048 B probabilities), out 128 x 2 x 32 B = 8,192 B.
  const c = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 1, headDim: 128, contextLens: [2048], tlp: 1, numStacks: 1 });
  assert.equal(c.transferBytesIn, 4608);
  assert.equal(c.transferBytesOut, 8192);
  // every channel of the stack refreshes once per tREFI = 5070 tCK while the kernel runs 4350.85 tCK:
  // 4350.85 / 5070 x 16 channels = 13.73 -> 14 REFab commands
  const timeClocks = 2 * 8 * 232 * stretch + 272;
  assert.equal(Math.round((timeClocks / 5070) * 16), 14);
  assert.equal(c.commands.REF, 14);
});

test("hand-derived MACs: score and context, for every head and every query token", () => {
  // 16 heads x TLP 2 queries x L 2048 keys x d 128, once for the scores and once for the context:
  // 2 x 2048 x 16 x 2 x 128 = 16,777,216 MACs = 33,554,432 flops
  const c = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 16, headDim: 128, contextLens: [2048], tlp: 2, numStacks: 1 });
  assert.equal(c.flops, 2 * 16_777_216);
  // two requests: the MACs add up over the batch
  const two = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 16, headDim: 128, contextLens: [2048, 1024], tlp: 2, numStacks: 1 });
  assert.equal(two.flops, 2 * 2 * (2048 + 1024) * 16 * 2 * 128);
});

test("16 heads on one stack run one per channel in parallel: same time as one head", () => {
  const one = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 1, headDim: 128, contextLens: [2048], tlp: 1, numStacks: 1 });
  const sixteen = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 16, headDim: 128, contextLens: [2048], tlp: 1, numStacks: 1 });
  assert.equal(sixteen.timeSec, one.timeSec);
  assert.equal(sixteen.commands.MACAB, 16 * 512);
  const thirtyTwo = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 32, headDim: 128, contextLens: [2048], tlp: 1, numStacks: 1 });
  assert.ok(thirtyTwo.timeSec > one.timeSec && thirtyTwo.timeSec < 2 * one.timeSec);
});

test("1P2B vs 1P1B: column-matched, one FPU per two banks needs two MAC commands per column even at TLP 1", () => {
  const a = { numHeads: 64, headDim: 128, contextLens: [1024, 2048, 512], numStacks: 4 };
  const t = (d: PimDesign, tlp: number) => pimAttentionCost(d, { ...a, tlp });
  // 2 x tlp vs tlp commands per column at the same 6-tCK spacing: the arrays take about twice as long (the row
  // overhead nRCD + nRTPL + nRP is paid once per row in both), the rest (bus, softmax) is the same
  const ratio = t(PIM_DESIGNS["attn-pim"], 1).timeSec / t(PIM_DESIGNS.attacc, 1).timeSec;
  assert.ok(ratio > 1.6 && ratio < 2, String(ratio));
  assert.equal(pimAttentionCost(PIM_DESIGNS["attn-pim"], { ...a, tlp: 1 }).commands.MACAB, 2 * pimAttentionCost(PIM_DESIGNS.attacc, { ...a, tlp: 1 }).commands.MACAB);
  // the decoupled-clock alternative: the 666 MHz FPU does both banks' pairs within one 6-tCK command (3 cycles),
  // so 1P2B equals 1P1B at TLP 1 and falls behind once the FPU is the bottleneck (TLP 4: 8 pairs per command)
  const decoupled = (d: PimDesign) => resolvePimDesign({ ...d, computeSemantics: "decoupled-clock" });
  assert.equal(t(decoupled(PIM_DESIGNS["attn-pim"]), 1).timeSec, t(decoupled(PIM_DESIGNS.attacc), 1).timeSec);
  assert.ok(t(decoupled(PIM_DESIGNS["attn-pim"]), 4).timeSec > t(decoupled(PIM_DESIGNS.attacc), 4).timeSec);
});

test("grouped-query attention reads each K/V head once for its whole query group", () => {
  const base = { numHeads: 64, headDim: 128, contextLens: [4096], tlp: 1, numStacks: 8 };
  const mha = pimAttentionCost(PIM_DESIGNS["attn-pim"], base);
  const gqa = pimAttentionCost(PIM_DESIGNS["attn-pim"], { ...base, numKvHeads: 8 });
  assert.equal(gqa.internalBytes * 8, mha.internalBytes);
  // column-matched: each command serves one (column, query) pair per FPU, so the 8 queries of a group take 8x
  // the commands per column on 1/8 of the columns: the same MAC commands, and the same MACs
  assert.equal(gqa.commands.MACAB, mha.commands.MACAB);
  assert.equal(gqa.flops, mha.flops);
});

test("finished requests (L = 0) cost nothing; an empty batch costs zero; typed arrays work", () => {
  const d = PIM_DESIGNS["attn-pim"];
  const a = { numHeads: 8, headDim: 128, tlp: 2, numStacks: 2 };
  assert.deepEqual(pimAttentionCost(d, { ...a, contextLens: [0, 300, 0] }), pimAttentionCost(d, { ...a, contextLens: Int32Array.from([300]) }));
  const empty = pimAttentionCost(d, { ...a, contextLens: [] });
  assert.equal(empty.timeSec, 0);
  assert.equal(empty.energyJoules, 0);
});

test("bad input: negative or fractional length, heads not divisible, KV larger than capacity", () => {
  const d = PIM_DESIGNS["attn-pim"];
  const a = { numHeads: 8, headDim: 128, tlp: 1, numStacks: 1 };
  assert.throws(() => pimAttentionCost(d, { ...a, contextLens: [5, -1] }), (e: unknown) => e instanceof UserError && /contextLens\[1\]/.test(e.message));
  assert.throws(() => pimAttentionCost(d, { ...a, contextLens: [2.5] }), /contextLens\[0\]/);
  assert.throws(() => pimAttentionCost(d, { ...a, numKvHeads: 3, contextLens: [5] }), /numKvHeads must divide/);
  assert.throws(() => pimAttentionCost(d, { ...a, tlp: 0, contextLens: [5] }), /attention\.tlp/);
  // 8 heads x 128 x 2 B x 2 (K, V) = 4 KiB per token; 16 GiB holds 4 Mi tokens
  assert.throws(() => pimAttentionCost(d, { ...a, contextLens: [5_000_000] }), /KV cache .* exceeds numStacks x capacity/);
});

const lensArb = fc.array(fc.integer({ min: 0, max: 8192 }), { minLength: 1, maxLength: 40 });
const shapeArb = fc.record({
  numHeads: fc.constantFrom(8, 32, 64, 96),
  headDim: fc.constantFrom(64, 128),
  tlp: fc.integer({ min: 1, max: 8 }),
  numStacks: fc.integer({ min: 1, max: 60 }),
});
const designArb = fc.constantFrom(...Object.values(PIM_DESIGNS));

describe("properties", () => {
  test("time never falls when any request's context grows", () =>
    fc.assert(fc.property(designArb, shapeArb, lensArb, fc.nat(), fc.integer({ min: 1, max: 4096 }), (d, s, lens, i, extra) => {
      const longer = lens.slice();
      longer[i % lens.length] += extra;
      return pimAttentionCost(d, { ...s, contextLens: longer }).timeSec >= pimAttentionCost(d, { ...s, contextLens: lens }).timeSec;
    })));

  test("time never falls with more query tokens, nor rises with more stacks", () =>
    fc.assert(fc.property(designArb, shapeArb, lensArb, (d, s, lens) => {
      const t = pimAttentionCost(d, { ...s, contextLens: lens }).timeSec;
      return pimAttentionCost(d, { ...s, tlp: s.tlp + 1, contextLens: lens }).timeSec >= t &&
        pimAttentionCost(d, { ...s, numStacks: s.numStacks + 1, contextLens: lens }).timeSec <= t;
    })));

  test("time is never below bytes read / peak internal bandwidth; energy positive when there is work", () =>
    fc.assert(fc.property(designArb, shapeArb, lensArb, (d, s, lens) => {
      const c = pimAttentionCost(d, { ...s, contextLens: lens });
      const k = pimConsts(d);
      const peak = ((pimEnabledBanksPerStack(d) * k.columnBytes) / k.macSpacingSec) * s.numStacks;
      const work = lens.some((l) => l > 0);
      return c.timeSec >= c.internalBytes / peak && (work ? c.energyJoules > 0 : c.energyJoules === 0);
    })));
});

test("hand-derived bus traffic of 16 heads: every count of the one-head case, once per head", () => {
  // 16 heads of d 128, L 2048, TLP 1 on one 1P1B stack: one head per channel (16 channels), each as the one-head
  // case above. Per head and bus (P = 2): scores out 64 columns, probabilities back 64, context partials 64.
  // MVGB (probabilities back) = 64 x 2 buses x 16 heads = 2,048; MVSB (scores + partials out) = 128 x 2 x 16 = 4,096;
  // bytes out = 16 x 8,192 B (one head: 128 columns x 2 buses x 32 B); bytes in = 16 x 4,608 B
  const c = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 16, headDim: 128, contextLens: [2048], tlp: 1, numStacks: 1 });
  assert.equal(c.commands.MVGB, 2048);
  assert.equal(c.commands.MVSB, 4096);
  assert.equal(c.transferBytesOut, 16 * 8192);
  assert.equal(c.transferBytesIn, 16 * 4608);
});

test("hand-derived softmax energy: one element per (token, head, query), 5 x 0.32 pJ each, on top of the MACs", () => {
  // 16 heads x TLP 2 x L 2048: 65,536 softmax elements x 1.6 pJ; MACs 2 x 2048 x 16 x 2 x 128 = 16,777,216 x 0.32 pJ
  const c = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 16, headDim: 128, contextLens: [2048], tlp: 2, numStacks: 1 });
  const expected = 16_777_216 * 0.32e-12 + 65_536 * 1.6e-12;
  const got = c.energyBreakdownJoules.compute;
  assert.ok(Math.abs(got - expected) <= 1e-12 * expected, `${got} vs ${expected}`);
});

test("hand-derived rounds: 17 heads on 16 channels put two heads of the longest request on one channel, in any order", () => {
  // attacc, d 128, TLP 1, requests L 2048 and L 16. A head of the 2048 request pipelines in P1 = 2 x 8 x 232 tCK x
  // stretch = 4078.9 tCK (its MACs; bus 400 tCK and softmax 128 tCK are shorter), one of the 16 request in
  // P2 = 148 tCK (its bus: query 8 + 2 x 1 score columns + 64 partial columns, 2 tCK each). 17 heads per request
  // need ceil(17 / 16) = 2 rounds, so one channel runs two heads of the 2048 request: 2 P1 = 8157.8 tCK, more than
  // the balanced share 17 (P1 + P2) / 16 = 4491 tCK. Plus the longest lone-head fill (query, softmax, probabilities:
  // 16 + 128 + 128 = 272 tCK for L 2048; 69 tCK for L 16).
  const a = { numHeads: 17, headDim: 128, tlp: 1, numStacks: 1 };
  const expected = (2 * 2 * 8 * 232 * stretch + 272) * tCk;
  for (const contextLens of [[2048, 16], [16, 2048]]) {
    const t = pimAttentionCost(PIM_DESIGNS.attacc, { ...a, contextLens }).timeSec;
    assert.ok(Math.abs(t - expected) <= 1e-12 * expected, `${contextLens}: ${t} vs ${expected}`);
  }
});

test("hand-derived bus traffic with TLP 2 and with two requests: scores scale with the queries, partials with the requests", () => {
  // attacc 1P1B: G = 16 groups, P = 2 buses, 32-B columns; one head of d 128, L 2048 -> 128 keys per group.
  // TLP 2 (q = 2): scores per bus = 8 groups x 128 keys x 2 queries x 2 B / 32 = 128 columns; context partials
  // per bus = 8 groups x 2 queries x 128 d x 2 B / 32 = 128 columns. MVGB = 128 x 2 = 256, MVSB = (128 + 128) x 2 = 512.
  const t2 = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 1, headDim: 128, contextLens: [2048], tlp: 2, numStacks: 1 });
  assert.equal(t2.commands.MVGB, 256);
  assert.equal(t2.commands.MVSB, 512);
  // TLP 1, two requests of 2048: scores 64 columns per bus each (128 in all), partials 64 per bus per request:
  // MVGB = 128 x 2 = 256, MVSB = (128 + 2 x 64) x 2 = 512
  const two = pimAttentionCost(PIM_DESIGNS.attacc, { numHeads: 1, headDim: 128, contextLens: [2048, 2048], tlp: 1, numStacks: 1 });
  assert.equal(two.commands.MVGB, 256);
  assert.equal(two.commands.MVSB, 512);
});

describe("the per-length memo (a request's terms are derived once per design, queries per column, d, dtype and length)", () => {
  const lensArb = fc.array(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constantFrom(1, 16, 17, 1023, 1024, 1025, 40_000)), { minLength: 1, maxLength: 16 });
  const callArb = fc.record({ lens: lensArb, tlp: fc.integer({ min: 1, max: 4 }), numKvHeads: fc.constantFrom(8, 64), design: fc.constantFrom("attacc", "attn-pim", "fc-pim", "hbm-pim") });

  test("costs from a memo warmed by earlier calls (other lengths, TLPs, GQA groups) equal costs from a cold one", () =>
    fc.assert(
      fc.property(fc.array(callArb, { minLength: 1, maxLength: 8 }), (calls) => {
        for (const c of calls) {
          const shape = { numHeads: 64, numKvHeads: c.numKvHeads, headDim: 128, contextLens: c.lens, tlp: c.tlp, numStacks: 60 };
          const warm = pimAttentionCost(PIM_DESIGNS[c.design], shape); // the preset's memo: warmed by every call so far
          const cold = pimAttentionCost(structuredClone(PIM_DESIGNS[c.design]), shape); // a fresh design object: a fresh memo
          assert.deepEqual(warm, cold, JSON.stringify(c));
        }
      }),
      { numRuns: 80 },
    ));

  test("a length learnt while the memo grows keeps its value: the same batch before and after lengths that grow it", () => {
    const design = structuredClone(PIM_DESIGNS["attn-pim"]);
    const shape = (contextLens: number[]) => ({ numHeads: 64, headDim: 128, contextLens, tlp: 2, numStacks: 60 });
    const before = pimAttentionCost(design, shape([3, 700, 1500]));
    pimAttentionCost(design, shape([5000, 70_000, 200_000])); // grows the memo (doubling) past every earlier length
    assert.deepEqual(pimAttentionCost(design, shape([3, 700, 1500])), before);
    assert.deepEqual(pimAttentionCost(structuredClone(PIM_DESIGNS["attn-pim"]), shape([3, 700, 1500])), before);
  });

  test("lengths past the memo's bound (2^18 tokens) are derived each time: a batch mixing them costs the same warm or cold", () => {
    const design = structuredClone(PIM_DESIGNS.attacc);
    const shape = { numHeads: 8, headDim: 128, contextLens: [300_000, 12, 262_144, 262_143, 300_000], tlp: 1, numStacks: 60 };
    const first = pimAttentionCost(design, shape);
    assert.deepEqual(pimAttentionCost(design, shape), first);
    assert.deepEqual(pimAttentionCost(structuredClone(PIM_DESIGNS.attacc), shape), first);
    // and a far length costs more than a near one (it is not read from a stale slot)
    const one = (L: number) => pimAttentionCost(design, { ...shape, contextLens: [L] }).timeSec;
    assert.ok(one(300_000) > one(262_143) && one(262_143) > one(12));
    // a length past 2^31 (its int32 index wraps: it must never be read from the memo) costs more still, warm or cold
    const huge = { numHeads: 1, headDim: 128, contextLens: [2 ** 31 + 12, 12], tlp: 1, numStacks: 1000 };
    const cold = pimAttentionCost(structuredClone(PIM_DESIGNS.attacc), huge);
    assert.deepEqual(pimAttentionCost(design, huge), cold);
    assert.ok(cold.timeSec > pimAttentionCost(design, { ...huge, contextLens: [300_000, 12] }).timeSec);
  });
});

test("pimAttentionDynamic with one reused counts object (the serving loop's) equals pimAttentionCost, design after design", () => {
  const counts = new PimAttentionCounts();
  const split = { dramAccess: 0, transfer: 0, compute: 0 };
  const calls: [string, number, number[]][] = [["attn-pim", 1, [100, 2000]], ["attacc", 1, [100, 2000]], ["attacc", 4, [100]], ["attn-pim", 4, [5, 70, 3000]], ["attn-pim", 1, [100, 2000]]];
  for (const [name, tlp, lens] of calls) {
    const shape = { numHeads: 64, headDim: 128, contextLens: lens, tlp, numStacks: 60, dtypeBytes: 2 };
    const full = pimAttentionCost(PIM_DESIGNS[name], shape);
    const t = pimAttentionDynamic(PIM_DESIGNS[name], shape, lens.length, counts, split);
    assert.equal(t, full.timeSec, `${name} tlp ${tlp}`);
    const b = full.energyBreakdownJoules;
    assert.deepEqual(split, { dramAccess: b.dramAccess, transfer: b.transfer, compute: b.compute }, `${name} tlp ${tlp}`);
  }
});
