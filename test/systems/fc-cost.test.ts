import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { collectiveCost } from "../../src/hardware/links/collective.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { pimFcCost } from "../../src/hardware/pim/cost.ts";
import { fcShapesPerLayer, lmHeadShape } from "../../src/models/kernels.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { elementwiseCost, fcIterationCost, fcLayersCost, lmHeadCost } from "../../src/systems/fc-cost.ts";
import { roleDevices } from "../../src/systems/devices.ts";

const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
const llama = MODEL_PRESETS["llama-65b"];

describe("communication of the tensor-parallel layout (30 FC stacks, 6 GPUs or 6 PIM-PIM ports)", () => {
  test("gpu-only, 4 tokens: two all-reduces per layer and one LM-head all-gather, by hand", () => {
    // all-reduce of 4 x 8192 x 2 = 65,536 B over 6 GPUs on NVLink 3 (300 GB/s, 3.03 us per message):
    //   10 x (3.03e-6 + 65536 / 6 / 300e9) = 30.664089 us; 2 per layer x 80 layers = 4.906254 ms
    // LM head all-gather of 4 x 32,000 x 2 = 256,000 B: 5 x (3.03e-6 + 256000 / 6 / 300e9) = 15.861111 us
    const c = fcIterationCost(buildSystem("gpu-only", llama), "gpu", 4);
    close(c.comm.timeSec, 160 * 10 * (3.03e-6 + 65536 / 6 / 300e9) + 5 * (3.03e-6 + 256000 / 6 / 300e9));
    close(c.comm.timeSec, 4.922115e-3, 1e-6);
    // energy: every byte every GPU sends, 1.3 pJ/bit: 160 x 10 x 65536 + 5 x 256000 B
    close(c.comm.energyJoules, (160 * 10 * 65536 + 5 * 256000) * 8 * 1.3e-12);
  });

  test("PAPI exchanges the same activations whichever unit runs FC (FC-PIM groups belong to the GPUs)", () => {
    const ctx = buildSystem("papi", llama);
    assert.equal(ctx.numGroups, 6);
    for (const t of [1, 7, 64]) assert.deepEqual(fcIterationCost(ctx, "fc-pim", t).comm, fcIterationCost(ctx, "gpu", t).comm);
  });

  test("groups are the GPUs when there are any (2 GPUs, 6 PIM-PIM ports: 2 groups), else the PIM-PIM ports", () => {
    assert.equal(buildSystem("papi", llama, {}, { numGpus: 2 }).numGroups, 2);
    assert.equal(buildSystem("pim-only-papi", llama).numGroups, 6);
  });

  test("PIM-only: the same collectives among the 6 stack groups, on links.pimPim", () => {
    const ctx = buildSystem("pim-only-papi", llama);
    const ar = collectiveCost(LINK_PRESETS.nvlink3, "all-reduce", 3 * 8192 * 2, 6);
    close(fcLayersCost(ctx, "fc-pim", 3).comm.timeSec, 160 * ar.timeSec);
    const slow = buildSystem("pim-only-papi", llama, { links: { pimPim: { latencySec: 10e-6 } } });
    close(fcLayersCost(slow, "fc-pim", 3).comm.timeSec, 160 * 10 * (10e-6 + (3 * 8192 * 2) / 6 / 300e9));
  });

  test("links.gpuGpu is the one source of NVLink figures: a slower link costs more, the GPU spec has none", () => {
    const base = fcIterationCost(buildSystem("papi", llama), "fc-pim", 16).comm.timeSec;
    const slow = fcIterationCost(buildSystem("papi", llama, { links: { gpuGpu: { bandwidthBytesPerSec: 1e3 } } }), "fc-pim", 16).comm.timeSec;
    // 16 x 8192 x 2 B all-reduced 160 times at 1 kB/s: 160 x 10 x (262144 / 6) / 1e3 s
    assert.ok(slow > 160 * 10 * (262144 / 6) / 1e3 && slow > 1000 * base);
  });
});

describe("FC placement on the layout", () => {
  test("FC-PIM runs each group's Megatron block on its 5 stacks; one LM head per iteration", () => {
    const ctx = buildSystem("papi", llama);
    const block = (m: number, k: number, n: number) => {
      const c = pimFcCost(roleDevices(ctx.spec).fcPim!, { m, k, n, numStacks: 5 });
      return { t: c.timeSec, j: (c.energyJoules - c.energyBreakdownJoules.background) * 6 };
    };
    // 2 tokens: qkv and ffn_up column-parallel (ceil(n / 6): 24576 -> 4096, 44032 -> 7339), proj and ffn_down
    // row-parallel (ceil(k / 6): 8192 -> 1366, 22016 -> 3670)
    const parts = [block(2, 8192, 4096), block(2, 1366, 8192), block(2, 8192, 7339), block(2, 3670, 8192)];
    assert.deepEqual(fcShapesPerLayer(llama, 2).map((s) => s.tpSplit), ["n", "k", "n", "k"]);
    const l = fcLayersCost(ctx, "fc-pim", 2);
    close(l.fc.timeSec, 80 * parts.reduce((a, p) => a + p.t, 0));
    close(l.fc.energyJoules, 80 * parts.reduce((a, p) => a + p.j, 0));
    const head = block(2, 8192, 5334); // vocabulary-parallel: ceil(32000 / 6)
    close(lmHeadCost(ctx, "fc-pim", 2).fc.timeSec, head.t);
    assert.equal(lmHeadShape(llama, 2).tpSplit, "n");
  });

  test("MoE on FC-PIM is the exact expectation over integer token counts (1 token: exactly 2 experts of 1 token)", () => {
    const mix = MODEL_PRESETS["mixtral-8x7b"];
    const ctx = buildSystem("pim-only-papi", mix);
    const t = (m: number, k: number, n: number) => pimFcCost(roleDevices(ctx.spec).fcPim!, { m, k, n, numStacks: 5 }).timeSec;
    // qkv (32 + 16) x 128 = 6144 columns / 6 = 1024; proj k 4096 / 6 -> 683; router replicated (n 8);
    // experts: up 2 x 14336 / 6 -> 4779 columns, down k 14336 / 6 -> 2390
    const one = t(1, 4096, 1024) + t(1, 683, 4096) + t(1, 4096, 8) + 2 * (t(1, 4096, 4779) + t(1, 2390, 4096));
    close(fcLayersCost(ctx, "fc-pim", 1).fc.timeSec, 32 * one);
    // 2 tokens: 3 experts with 1 token and 0.5 with 2 (Binomial(2, 1/4)); cost is linear in those weights
    const expert = (m: number) => t(m, 4096, 4779) + t(m, 2390, 4096);
    const two = t(2, 4096, 1024) + t(2, 683, 4096) + t(2, 4096, 8) + 3 * expert(1) + 0.5 * expert(2);
    close(fcLayersCost(ctx, "fc-pim", 2).fc.timeSec, 32 * two);
  });
});

describe("PIM-only elementwise kernels and the memo of each unit", () => {
  test("elementwise bytes stream through each group's buffer dies, 2 us of command each; energy: every group's bytes over the stack's own data path", () => {
    const ctx = buildSystem("pim-only-papi", llama); // 30 FC stacks in 6 groups of 5
    const kernels = [
      { name: "sharded", flops: 0, bytesRead: 6_000, bytesWritten: 1_200, sharded: true },
      { name: "replicated", flops: 0, bytesRead: 500, bytesWritten: 100, sharded: false },
    ];
    const c = elementwiseCost(ctx, kernels);
    // per group: 7,200 / 6 = 1,200 B of the sharded kernel and all 600 B of the replicated one, plus the
    // assumption's 2 us per kernel (one command message from the host)
    close(c.timeSec, 2 * 2e-6 + (1_200 + 600) / (roleDevices(ctx.spec).fcPim!.hbm.externalBandwidthBytesPerSec * 5));
    // energy: 6 groups x (1,200 + 600) B x 8 bit x (cell read/write 0.44 + column-BG mux 1.01 + BG-GIO 1.23 + TSV 0.5 pJ/bit)
    close(c.energyJoules, 6 * (1_200 + 600) * 8 * 3.18e-12);
    close(elementwiseCost(buildSystem("pim-only-papi", llama, {}, {}, { assumptions: { pimElementwiseOverheadSec: 0 } }), kernels).timeSec, c.timeSec - 4e-6);
    assert.ok(c.energyJoules > 0);
  });

  test("the GPU's and FC-PIM's costs of the same token count are memoized apart, in any order of calls", () => {
    const fresh = (unit: "gpu" | "fc-pim", t: number) => fcLayersCost(buildSystem("papi", llama), unit, t);
    const ctx = buildSystem("papi", llama);
    for (const t of [5, 40]) {
      const gpu = fresh("gpu", t);
      const pim = fresh("fc-pim", t);
      assert.notDeepEqual(gpu.fc, pim.fc);
      for (const order of [["gpu", "fc-pim", "gpu", "fc-pim"], ["fc-pim", "gpu", "fc-pim", "gpu"]] as const) {
        for (const unit of order) assert.deepEqual(fcLayersCost(ctx, unit, t), unit === "gpu" ? gpu : pim, `${unit} at ${t} tokens`);
      }
      for (const unit of ["fc-pim", "gpu"] as const) {
        assert.deepEqual(lmHeadCost(ctx, unit, t), lmHeadCost(buildSystem("papi", llama), unit, t), `LM head on ${unit}`);
        assert.deepEqual(fcIterationCost(ctx, unit, t), fcIterationCost(buildSystem("papi", llama), unit, t), `iteration on ${unit}`);
      }
    }
  });
  test("a context's memo hands back the very object it stored, whatever was stored in between; contexts do not share it", () => {
    const ctx = buildSystem("gpu-only", llama);
    for (const cost of [lmHeadCost, fcLayersCost, fcIterationCost]) {
      const first = cost(ctx, "gpu", 7);
      assert.equal(cost(ctx, "gpu", 7), first, `${cost.name}: a second call is a hit`);
      cost(ctx, "gpu", 8); // a second entry in the same context's map must not replace the map
      assert.equal(cost(ctx, "gpu", 7), first, `${cost.name}: still a hit after another token count`);
    }
    // another context (NVLink at half the bandwidth) has its own map: its LM head is its own, and slower
    const slow = buildSystem("gpu-only", llama, { links: { gpuGpu: { bandwidthBytesPerSec: 150e9 } } });
    const head = lmHeadCost(ctx, "gpu", 7);
    const slowHead = lmHeadCost(slow, "gpu", 7);
    assert.notEqual(slowHead, head);
    assert.ok(slowHead.comm.timeSec > head.comm.timeSec);
    assert.equal(lmHeadCost(ctx, "gpu", 7), head);
  });

  test("an iteration is its layers + its LM head, part by part, in time and energy", () => {
    for (const [sys, unit] of [["gpu-only", "gpu"], ["papi", "fc-pim"], ["pim-only-papi", "fc-pim"]] as const) {
      const ctx = buildSystem(sys, llama);
      const it = fcIterationCost(ctx, unit, 3);
      const l = fcLayersCost(ctx, unit, 3);
      const h = lmHeadCost(ctx, unit, 3);
      for (const part of ["fc", "comm", "other"] as const) {
        assert.ok(h[part].energyJoules > 0 && l[part].energyJoules > 0, `${sys} ${part}`);
        close(it[part].timeSec, l[part].timeSec + h[part].timeSec);
        close(it[part].energyJoules, l[part].energyJoules + h[part].energyJoules);
      }
    }
  });
});
