import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { gpuAttentionCost } from "../../src/hardware/gpu/cost.ts";
import { pimAttentionCost } from "../../src/hardware/pim/cost.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { fcIterationCost, lmHeadCost } from "../../src/systems/fc-cost.ts";
import { gpuDecoderLayerCost } from "../../src/systems/layer-kernels.ts";
import { attentionIterationCost } from "../../src/systems/attention-cost.ts";
import { decodeBatch, type Batch } from "../../src/systems/batch.ts";
import { roleDevices } from "../../src/systems/devices.ts";
import { iterationCost, phaseEnergyJoules, phaseTimeSec, type PhaseCost } from "../../src/systems/iteration-cost.ts";

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
const llama = MODEL_PRESETS["llama-65b"];
const batchOf = (lens: number[], tlp: number): Batch => decodeBatch(lens, tlp);
const decodeStepCost = (ctx: ReturnType<typeof buildSystem>, unit: string, b: Batch) => iterationCost(ctx, unit, b);
const attention = (ctx: ReturnType<typeof buildSystem>, b: Batch) => attentionIterationCost(ctx, b, ctx.fc[0].unit.name);

describe("phase totals", () => {
  test("phaseTimeSec and phaseEnergyJoules are the sums of their four parts (powers of two: every part counted once, with +)", () => {
    const p: PhaseCost = {
      fcSec: 1, attentionSec: 2, prefillAttentionSec: 0, communicationSec: 4, otherSec: 8, overlapSec: 0.5,
      fcJoules: 16, attentionJoules: 32, communicationJoules: 64, otherJoules: 128,
      attentionLinkBwSec: 256, fcUnit: "gpu",
      split: { fc: { compute: 0, dram: 0, transfer: 0 }, attention: { compute: 0, dram: 0, transfer: 0 }, prefillAttention: { compute: 0, dram: 0, transfer: 0 }, other: { compute: 0, dram: 0, transfer: 0 } },
    };
    assert.equal(phaseTimeSec(p), 14.5, "the overlap is subtracted");
    assert.equal(phaseEnergyJoules(p), 240);
    // on a real step too: the conservation law, to rounding
    const q = decodeStepCost(buildSystem("papi", llama), "fc-pim", batchOf([100, 2000], 2));
    close(phaseTimeSec(q), q.fcSec + q.attentionSec + q.communicationSec + q.otherSec);
    assert.equal(q.overlapSec, 0, "papi overlaps nothing");
    close(phaseEnergyJoules(q), q.fcJoules + q.attentionJoules + q.communicationJoules + q.otherJoules);
  });
});

describe("attention and its links", () => {
  test("a100-attacc, 4 tokens: Q, K, V out and the output back over 6 PCIe 5.0 links, by hand", () => {
    // per token and layer: Q + K + V = (64 + 2 x 64) x 128 = 24,576 values, output 64 x 128 = 8,192: 32,768 x 2 B;
    // 4 tokens = 262,144 B, 43,690.67 B per link: 2 messages x 2 us + 43690.67 / 64e9 = 4.682667 us; x 80 layers
    const a = attention(buildSystem("a100-attacc", llama), batchOf([100, 100, 100, 100], 1));
    close(a.comm.timeSec, 80 * (4e-6 + 262144 / 6 / 64e9));
    close(a.comm.timeSec, 374.613333e-6, 1e-8);
    close(a.linkBwSec, (80 * 262144) / 6 / 64e9);
    close(a.comm.energyJoules, 80 * 262144 * 8 * 5e-12); // every byte on its link, PCIe 5 pJ/bit
  });

  test("PIM-only: the same bytes also cross the FC groups' PIM-PIM ports", () => {
    const a = attention(buildSystem("pim-only-papi", llama), batchOf([100, 100], 2));
    // 4 tokens again: attention links as above, plus 6 NVLink-3 ports: 2 x 3.03 us + 43690.67 / 300e9
    close(a.comm.timeSec, 80 * (4e-6 + 262144 / 6 / 64e9) + 80 * (2 * 3.03e-6 + 262144 / 6 / 300e9));
  });

  test("attention on Attn-PIM: the kernel over the given KV lengths, dynamic energy only", () => {
    const ctx = buildSystem("papi", llama);
    const a = attention(ctx, batchOf([9, 130], 2));
    const k = pimAttentionCost(roleDevices(ctx.spec).attnPim!, { numHeads: 64, numKvHeads: 64, headDim: 128, contextLens: [9, 130], tlp: 2, numStacks: 60 });
    close(a.attention.timeSec, 80 * k.timeSec);
    close(a.attention.energyJoules, 80 * (k.energyJoules - k.energyBreakdownJoules.background));
  });

  test("gpu-only: decode attention on the 6 GPUs (ceil(64 / 6) = 11 heads each), energy of all of them", () => {
    const ctx = buildSystem("gpu-only", llama);
    const a = attention(ctx, batchOf([9, 130], 2));
    const one = gpuAttentionCost(roleDevices(ctx.spec).gpu!, { numRequests: 2, numHeads: 11, numKvHeads: 11, headDim: 128, tlp: 2, totalContextTokens: 139, dtypeBytes: 2 });
    close(a.attention.timeSec, 80 * one.timeSec);
    close(a.attention.energyJoules, 80 * 6 * one.energyJoules);
    assert.equal(a.comm.timeSec, 0);
    assert.equal(a.comm.energyJoules, 0);
  });
});

describe("one layer model", () => {
  test("gpu-only's decode step is the validated layer (gpuDecoderLayerCost) x layers + LM head + scheduler", () => {
    const ctx = buildSystem("gpu-only", llama);
    const batch = batchOf([40, 300, 77], 3);
    const p = decodeStepCost(ctx, "gpu", batch);
    const layer = gpuDecoderLayerCost(roleDevices(ctx.spec).gpu!, llama, 6, { numRequests: 3, tlp: 3, totalContextTokens: 417 });
    const head = lmHeadCost(ctx, "gpu", 9);
    close(p.fcSec, 80 * layer.fc.timeSec + head.fc.timeSec);
    close(p.attentionSec, 80 * layer.attention.timeSec);
    close(p.otherSec, 80 * layer.elementwise.timeSec + head.other.timeSec + ctx.spec.schedulerOverheadSec);
    close(p.fcJoules, 80 * layer.fc.energyJoules + head.fc.energyJoules);
  });

  test("the KV write is a GPU kernel only where the KV cache is in GPU memory", () => {
    const ctx = buildSystem("gpu-only", llama);
    const onGpu = fcIterationCost(ctx, "gpu", 8).other.timeSec;
    const offGpu = fcIterationCost(buildSystem("a100-attacc", llama), "gpu", 8).other.timeSec;
    // one elementwise kernel more per layer: the CUDA-graph kernel overhead + the K/V copy (8 x 2 x 64 x 128 x 2 B
    // read and written, 1/6 per GPU) at 3,352 GB/s x 0.85
    close(onGpu - offGpu, 80 * (roleDevices(ctx.spec).gpu!.graphKernelOverheadSec + (2 * 8 * 2 * 64 * 128 * 2) / 6 / (3.352e12 * 0.85)), 1e-6);
  });
});

describe("properties", () => {
  test("decode step time never drops when a request joins or a context grows", () =>
    fc.assert(
      fc.property(
        fc.constantFrom("gpu-only", "a100-attacc", "papi", "pim-only-papi"),
        fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 1, max: 4 }),
        (sys, lens, extra, tlp) => {
          const ctx = buildSystem(sys, llama);
          const unit = ctx.fc[ctx.fc.length - 1].unit.name;
          const t = (l: number[]) => {
            const p = decodeStepCost(ctx, unit, batchOf(l.map((x) => x + tlp), tlp));
            return p.fcSec + p.attentionSec + p.communicationSec + p.otherSec;
          };
          const base = t(lens);
          return t([...lens, extra]) >= base * (1 - 1e-12) && t([...lens.slice(1), lens[0] + extra]) >= base * (1 - 1e-12);
        },
      ),
      { numRuns: 40 },
    ));
});
