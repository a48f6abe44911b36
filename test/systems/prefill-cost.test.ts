import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { gpuPrefillAttentionCost, gpuTensorParallelGemmCost } from "../../src/hardware/gpu/cost.ts";
import { pimAttentionCost } from "../../src/hardware/pim/cost.ts";
import { ModelConfig } from "../../src/models/schema.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { fcLayersCost, lmHeadCost } from "../../src/systems/fc-cost.ts";
import { prefillBatch } from "../../src/systems/batch.ts";
import { roleDevices } from "../../src/systems/devices.ts";
import { iterationCost } from "../../src/systems/iteration-cost.ts";

/** Prefill of whole prompts that start together, on the system's prefill units. */
const prefillCost = (ctx: ReturnType<typeof buildSystem>, lens: number[]) => iterationCost(ctx, ctx.prefill.fc.unit.name, prefillBatch(lens));

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
const llama = MODEL_PRESETS["llama-65b"];

describe("prefill", () => {
  test("communication by layout: GPU-only only its collectives; with attention stacks also the KV written to them", () => {
    const lens = [100, 50];
    const collectives = (ctx: ReturnType<typeof buildSystem>) => fcLayersCost(ctx, "gpu", 150).comm.timeSec + lmHeadCost(ctx, "gpu", 2).comm.timeSec;
    const gpuOnly = buildSystem("gpu-only", llama);
    close(prefillCost(gpuOnly, lens).communicationSec, collectives(gpuOnly));
    // energy likewise: the layers' all-reduces + the LM head's all-gather (2 tokens), both nonzero
    const layersJ = fcLayersCost(gpuOnly, "gpu", 150).comm.energyJoules;
    const headJ = lmHeadCost(gpuOnly, "gpu", 2).comm.energyJoules;
    assert.ok(layersJ > 0 && headJ > 0);
    close(prefillCost(gpuOnly, lens).communicationJoules, layersJ + headJ);
    assert.equal(prefillCost(gpuOnly, lens).attentionLinkBwSec, 0);
    const attacc = buildSystem("a100-attacc", llama);
    assert.ok(prefillCost(attacc, lens).communicationSec > collectives(attacc));
    assert.ok(prefillCost(attacc, lens).attentionLinkBwSec > 0);
  });

  test("the LM head runs once per request (its last prompt token), not per prompt token", () => {
    const ctx = buildSystem("a100-attacc", llama);
    const p = prefillCost(ctx, [100, 50]);
    // LM head of 2 tokens, vocabulary-parallel on 6 GPUs: GEMM 2 x 8192 x ceil(32000 / 6)
    const head = gpuTensorParallelGemmCost(roleDevices(ctx.spec).gpu!, { m: 2, k: 8192, n: 32000, dtypeBytes: 2 }, 6);
    close(p.fcSec, fcLayersCost(ctx, "gpu", 150).fc.timeSec + head.timeSec);
    close(p.fcJoules, fcLayersCost(ctx, "gpu", 150).fc.energyJoules + head.energyJoules);
  });

  test("causal attention on the GPUs at the prefill efficiency: an 8k prompt's attention costs less than its FC (H100)", () => {
    const ctx = buildSystem("a100-attacc", llama, { gpu: "h100-sxm" });
    const p = prefillCost(ctx, [8192]);
    assert.ok(p.attentionSec < p.fcSec, `${p.attentionSec} vs ${p.fcSec}`);
    // 64 heads over 6 GPUs: 11 each; time of one GPU, energy of all six, 80 layers
    const one = gpuPrefillAttentionCost(roleDevices(ctx.spec).gpu!, { numHeads: 11, numKvHeads: 11, headDim: 128, numPromptTokens: 8192, dtypeBytes: 2 });
    close(p.attentionSec, 80 * one.timeSec);
    close(p.attentionJoules, 80 * 6 * one.energyJoules);
  });

  test("properties: prefill attention energy does not depend on how many GPUs share the heads", () => {
    // a small model that fits one GPU: 8 heads, so 1, 2, 4 and 8 GPUs split them evenly
    const small = ModelConfig.parse({ name: "small", hidden_size: 1024, intermediate_size: 2816, num_hidden_layers: 4, num_attention_heads: 8, vocab_size: 1000 });
    fc.assert(
      fc.property(fc.constantFrom(2, 4, 8), fc.integer({ min: 1, max: 3000 }), (g, l) => {
        const one = prefillCost(buildSystem("gpu-only", small, {}, { numGpus: 1, numFcStacks: 24 }), [l]).attentionJoules;
        const many = prefillCost(buildSystem("gpu-only", small, {}, { numGpus: g, numFcStacks: 24 }), [l]).attentionJoules;
        return Math.abs(many - one) <= 1e-9 * one;
      }),
      { numRuns: 30 },
    );
  });

  test("GPU host: the prompt's K and V cross the attention links (one message per layer and link)", () => {
    const ctx = buildSystem("a100-attacc", llama);
    const p = prefillCost(ctx, [100]);
    // 100 tokens x 2.62 MB (K and V, 80 layers) / 6 links at 64 GB/s
    const perLink = (100 * 80 * 2 * 8192 * 2) / 6;
    close(p.attentionLinkBwSec, perLink / 64e9);
    close(p.communicationSec, fcLayersCost(ctx, "gpu", 100).comm.timeSec + /* LM head all-gather of 1 x 32000 x 2 B */ 5 * (3.03e-6 + 64000 / 6 / 300e9) + 80 * 2e-6 + perLink / 64e9);
  });

  test("PIM-only: Q, K and V of the prompt reach the attention stacks over the links they cross (not for free)", () => {
    const ctx = buildSystem("pim-only-papi", llama);
    const p = prefillCost(ctx, [100]);
    // per layer 100 x 32,768 values x 2 B = 6,553,600 B: over 6 PCIe links (2 us x 2 messages) and 6 PIM-PIM ports
    const bytes = 6553600;
    close(p.attentionLinkBwSec, (80 * bytes) / 6 / 64e9);
    const links = 80 * (4e-6 + bytes / 6 / 64e9) + 80 * (2 * 3.03e-6 + bytes / 6 / 300e9);
    const collectives = fcLayersCost(ctx, "fc-pim", 100).comm.timeSec + 5 * (3.03e-6 + 64000 / 6 / 300e9);
    close(p.communicationSec, collectives + links);
  });

  test("PIM-only: each prompt's attention on the stacks once per layer (80), dynamic energy only; other = layers' + LM head's", () => {
    const ctx = buildSystem("pim-only-papi", llama);
    const lens = [100, 50];
    const p = prefillCost(ctx, lens);
    // llama-65b: 64 heads (64 KV heads) of 128, bf16, on the 40 attention stacks; each prompt alone (tlp = its length)
    const each = lens.map((l) => pimAttentionCost(roleDevices(ctx.spec).attnPim!, { numHeads: 64, numKvHeads: 64, headDim: 128, contextLens: [l], tlp: l, numStacks: 40, dtypeBytes: 2 }));
    assert.ok(each.every((c) => c.energyBreakdownJoules.background > 0)); // so leaving it out is visible
    close(p.attentionSec, 80 * (each[0].timeSec + each[1].timeSec));
    close(p.attentionJoules, 80 * (each[0].energyJoules - each[0].energyBreakdownJoules.background + each[1].energyJoules - each[1].energyBreakdownJoules.background));
    const body = fcLayersCost(ctx, "fc-pim", 150).other;
    const head = lmHeadCost(ctx, "fc-pim", 2).other;
    assert.ok(head.timeSec > 0 && head.energyJoules > 0);
    close(p.otherSec, body.timeSec + head.timeSec);
    close(p.otherJoules, body.energyJoules + head.energyJoules);
  });
});
