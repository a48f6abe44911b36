import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  gpuAttentionCost,
  gpuElementwiseCost,
  gpuGemmCost,
  gpuPrefillAttentionCost,
  gpuStaticEnergyJoules,
  gpuTensorParallelGemmCost,
} from "../../../src/hardware/gpu/cost.ts";
import { GPU_PRESETS } from "../../../src/hardware/gpu/presets.ts";
import { GpuSpec } from "../../../src/hardware/gpu/schema.ts";

/**
 * A toy GPU with round numbers: 1 TFLOP/s, 1 GB/s, no efficiency loss, hard roofline, one SM with 1x1x1
 * tiles and unlimited L2/per-SM bandwidth, so a GEMM costs exactly its roofline.
 */
const toy = GpuSpec.parse({
  name: "toy",
  peakFp16FlopsPerSec: 1e12,
  fp32ThroughputRatio: 0.5,
  hbmBandwidthBytesPerSec: 1e9,
  memoryCapacityBytes: 1e9,
  numSms: 1,
  computeEfficiency: 1,
  memoryEfficiency: 1,
  gemmTileShapes: [{ m: 1, n: 1 }],
  gemmTileK: 1,
  gemmStreamK: true,
  smBandwidthBytesPerSec: 1e16, // the largest a schema allows: 1e7 x the HBM bandwidth, effectively unlimited
  l2BandwidthBytesPerSec: 1e16,
  rooflineSharpness: 1000,
  kernelLaunchOverheadSec: 1e-6,
  graphKernelOverheadSec: 0,
  attentionGraphOverheadSec: 0.5e-6,
  attentionComputeEfficiency: 1,
  attentionMemoryEfficiency: 1,
  attentionLaunchOverheadSec: 2e-6,
  attentionMinSec: 0,
  prefillAttentionComputeEfficiency: 0.5,
  energyPerFlopJoules: 1e-12,
  hbmEnergyPerByteJoules: 1e-11,
  staticPowerWatts: 10,
  tdpWatts: 100,
});
const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

describe("GEMM", () => {
  test("memory-bound toy GEMM, by hand", () => {
    // m 2, k 3, n 4, fp16: 48 FLOPs (48 ps), bytes (6 + 12 + 8)·2 = 52 (52 ns) -> 1 us + 52 ns
    const c = gpuGemmCost(toy, { m: 2, k: 3, n: 4, dtypeBytes: 2 }, "eager");
    assert.equal(c.flops, 48);
    assert.equal(c.bytes, 52);
    close(c.memorySec, 52e-9);
    close(c.computeSec, 48e-12);
    close(c.timeSec, 1e-6 + 52e-9);
    close(c.energyJoules, 48e-12 + 52e-11);
  });

  /** 4 SMs, 64x64 tiles, K step 64, 1 TFLOP/s: one main-loop iteration = 2·64·64·64 / 0.25e12 s. */
  const tiled = GpuSpec.parse({ ...toy, numSms: 4, gemmTileShapes: [{ m: 64, n: 64 }], gemmTileK: 64, gemmStreamK: false, hbmBandwidthBytesPerSec: 1e15, hbmEnergyPerByteJoules: 0 });
  const iterSec = (2 * 64 * 64 * 64) / 0.25e12;

  test("tile quantization: m = 1 pays a 64-row tile; 5 tiles on 4 SMs take 2 waves", () => {
    // n = 320: 5 column tiles -> ceil(5/4) = 2 waves of 4 iterations (k = 256)
    const c = gpuGemmCost(tiled, { m: 1, k: 256, n: 320, dtypeBytes: 2 });
    assert.equal(c.flops, 2 * 256 * 320);
    close(c.computeSec, 2 * 4 * iterSec);
    assert.deepEqual([c.tileM, c.tileN, c.streamK], [64, 64, false]);
    // m = 64 costs the same compute, m = 65 a second row of tiles (10 tiles -> 3 waves)
    close(gpuGemmCost(tiled, { m: 64, k: 256, n: 320, dtypeBytes: 2 }).computeSec, 2 * 4 * iterSec);
    close(gpuGemmCost(tiled, { m: 65, k: 256, n: 320, dtypeBytes: 2 }).computeSec, 3 * 4 * iterSec);
  });

  test("stream-K deals the 5 tiles x 4 iterations evenly: ceil(20/4) = 5 iterations instead of 8", () => {
    const c = gpuGemmCost({ ...tiled, gemmStreamK: true }, { m: 1, k: 256, n: 320, dtypeBytes: 2 });
    assert.equal(c.streamK, true);
    close(c.computeSec, 5 * iterSec);
  });

  test("per-SM bandwidth: one column tile is streamed by one SM", () => {
    // n = 64, k = 256: one CTA must stream 64·256·2 B itself at 1 GB/s
    const slow = { ...tiled, smBandwidthBytesPerSec: 1e9 };
    close(gpuGemmCost(slow, { m: 1, k: 256, n: 64, dtypeBytes: 2 }).memorySec, (64 * 256 * 2) / 1e9);
  });

  test("L2 feed: small tiles lose on a large GEMM, win on a small one", () => {
    const h = GPU_PRESETS["h200-sxm"];
    const big = gpuGemmCost(h, { m: 8192, k: 8192, n: 8192, dtypeBytes: 2 });
    assert.ok(big.tileM! * big.tileN! >= 128 * 256, `${big.tileM}x${big.tileN}`);
    const decode = gpuGemmCost(h, { m: 1, k: 8192, n: 8192, dtypeBytes: 2 });
    assert.equal(decode.tileM, 64);
  });

  test("launch modes: eager pays kernelLaunchOverheadSec, graph (the default) graphKernelOverheadSec", () => {
    const h = GPU_PRESETS["h200-sxm"];
    const g = { m: 16, k: 8192, n: 8192, dtypeBytes: 2 };
    const eager = gpuGemmCost(h, g, "eager").timeSec;
    const graph = gpuGemmCost(h, g, "graph").timeSec;
    assert.equal(gpuGemmCost(h, g).timeSec, graph);
    close(eager - graph, h.kernelLaunchOverheadSec - h.graphKernelOverheadSec, 1e-6);
    close(gpuTensorParallelGemmCost(h, g, 2, "eager").timeSec - gpuTensorParallelGemmCost(h, g, 2).timeSec, h.kernelLaunchOverheadSec - h.graphKernelOverheadSec, 1e-6);
    close(gpuElementwiseCost(h, 1e6, "eager").timeSec - gpuElementwiseCost(h, 1e6).timeSec, h.kernelLaunchOverheadSec - h.graphKernelOverheadSec, 1e-6);
    const a = { numRequests: 4, numHeads: 64, numKvHeads: 8, headDim: 128, tlp: 1, totalContextTokens: 4096, dtypeBytes: 2 };
    close(gpuAttentionCost(h, a, "eager").timeSec - gpuAttentionCost(h, a).timeSec, h.attentionLaunchOverheadSec - h.attentionGraphOverheadSec, 1e-6);
  });

  test("smooth roofline p = 2: compute 3 us and memory 4 us give 5 us", () => {
    const g = { ...toy, rooflineSharpness: 2, kernelLaunchOverheadSec: 0, hbmBandwidthBytesPerSec: 1e12 };
    // m = k = n = 1000, fp16: 2e9 FLOPs -> 3 us needs peak 2e9/3e-6; bytes 6e6 -> 4 us needs 1.5e12 B/s
    const c = gpuGemmCost({ ...g, peakFp16FlopsPerSec: 2e9 / 3e-6, hbmBandwidthBytesPerSec: 6e6 / 4e-6 }, { m: 1000, k: 1000, n: 1000, dtypeBytes: 2 });
    close(c.timeSec, 5e-6, 1e-6); // the smooth max is interpolated from a table (relative error < 1e-6)
  });

  test("smooth-max tables are shared by exponent, never across exponents (also past the table cap)", () => {
    // compute 3 us, memory 4 us as above: (3^p + 4^p)^(1/p) us
    const g = { ...toy, kernelLaunchOverheadSec: 0, graphKernelOverheadSec: 0, peakFp16FlopsPerSec: 2e9 / 3e-6, hbmBandwidthBytesPerSec: 6e6 / 4e-6 };
    const shape = { m: 1000, k: 1000, n: 1000, dtypeBytes: 2 };
    // 70 distinct exponents (more than the 64 tables kept), then the first ones again on fresh spec objects
    const ps = Array.from({ length: 70 }, (_, i) => 1 + i / 8);
    for (const p of [...ps, ...ps.slice(0, 8)]) {
      close(gpuGemmCost({ ...g, rooflineSharpness: p }, shape).timeSec, Math.pow(Math.pow(3, p) + Math.pow(4, p), 1 / p) * 1e-6, 1e-6);
    }
  });

  test("fp32 runs at fp32ThroughputRatio of the fp16 peak", () => {
    const a = gpuGemmCost(toy, { m: 100, k: 100, n: 100, dtypeBytes: 2 });
    const b = gpuGemmCost(toy, { m: 100, k: 100, n: 100, dtypeBytes: 4 });
    close(b.computeSec, 2 * a.computeSec);
  });

  test("tensor parallelism splits N; energy adds up over GPUs", () => {
    const one = gpuGemmCost(toy, { m: 8, k: 1024, n: 256, dtypeBytes: 2 });
    const tp = gpuTensorParallelGemmCost(toy, { m: 8, k: 1024, n: 1024, dtypeBytes: 2 }, 4);
    assert.ok(tp.timeSec < gpuGemmCost(toy, { m: 8, k: 1024, n: 1024, dtypeBytes: 2 }).timeSec);
    close(tp.timeSec, one.timeSec);
    close(tp.energyJoules, 4 * one.energyJoules);
    assert.equal(tp.flops, 2 * 8 * 1024 * 1024);
  });

  test("tensor parallelism: parts = floor(numGpus) (1 below one GPU); 'k' splits k only, 'none' replicates", () => {
    // toy (1 GB/s, p = 1000) is memory-bound here: time = one GPU's bytes / 1 GB/s (compute < 1 % of it).
    // whole GEMM m 8, k 1024, n 1024, fp16: flops 2·8·1024·1024 = 16,777,216; bytes (8·1024 + 1024·1024 + 8·1024)·2 = 2,129,920
    const g = { m: 8, k: 1024, n: 1024, dtypeBytes: 2 };
    // numGpus < 1 runs on one GPU: the whole GEMM
    for (const numGpus of [0.5, 0]) {
      const c = gpuTensorParallelGemmCost(toy, g, numGpus);
      assert.equal(c.flops, 16_777_216);
      assert.equal(c.bytes, 2_129_920);
      close(c.timeSec, 2_129_920e-9, 1e-3);
    }
    // 2 GPUs (and 2.7, floored to 2), split n: each 8 x 1024 x 512, bytes (8192 + 524,288 + 4096)·2 = 1,073,152; flops conserved
    for (const numGpus of [2, 2.7]) {
      const c = gpuTensorParallelGemmCost(toy, g, numGpus);
      assert.equal(c.flops, 16_777_216);
      assert.equal(c.bytes, 2 * 1_073_152);
      close(c.timeSec, 1_073_152e-9, 1e-3);
    }
    // 4 GPUs, split k: each 8 x 256 x 1024 (n whole), bytes (2048 + 262,144 + 8192)·2 = 544,768; flops conserved
    const k = gpuTensorParallelGemmCost(toy, g, 4, "graph", "k");
    assert.equal(k.flops, 16_777_216);
    assert.equal(k.bytes, 4 * 544_768);
    close(k.timeSec, 544_768e-9, 1e-3);
    // 4 GPUs, none: every GPU runs the whole GEMM; totals are 4x, time is one whole GEMM's
    const none = gpuTensorParallelGemmCost(toy, g, 4, "graph", "none");
    assert.equal(none.flops, 4 * 16_777_216);
    assert.equal(none.bytes, 4 * 2_129_920);
    assert.equal(none.timeSec, gpuGemmCost(toy, g).timeSec);
  });

  test("smooth roofline is symmetric: compute 4 us and memory 3 us (compute-bound) also give 5 us at p = 2", () => {
    // m = k = n = 1000, fp16: 2e9 FLOPs at 5e14 FLOP/s = 4 us; 6e6 B at 2e12 B/s = 3 us; sqrt(16 + 9) = 5
    const g = { ...toy, rooflineSharpness: 2, graphKernelOverheadSec: 0, peakFp16FlopsPerSec: 2e9 / 4e-6, hbmBandwidthBytesPerSec: 6e6 / 3e-6 };
    const c = gpuGemmCost(g, { m: 1000, k: 1000, n: 1000, dtypeBytes: 2 });
    close(c.computeSec, 4e-6);
    close(c.timeSec, 5e-6, 1e-6);
  });

  test("smooth roofline at equal compute and memory (ratio 1, the table's last entry): 4 us each give 4·sqrt(2) us", () => {
    // 2e9 FLOPs at 5e14 FLOP/s = 4 us; 6e6 B at 1.5e12 B/s = 4 us; (4^2 + 4^2)^(1/2) = 4·sqrt(2)
    const g = { ...toy, rooflineSharpness: 2, graphKernelOverheadSec: 0, peakFp16FlopsPerSec: 2e9 / 4e-6, hbmBandwidthBytesPerSec: 6e6 / 4e-6 };
    const c = gpuGemmCost(g, { m: 1000, k: 1000, n: 1000, dtypeBytes: 2 });
    close(c.timeSec, 4e-6 * Math.SQRT2, 1e-6);
  });

  test("no tokens, no cost", () => assert.equal(gpuGemmCost(toy, { m: 0, k: 10, n: 10, dtypeBytes: 2 }).timeSec, 0));

  test("an empty GEMM (m, k or n zero or negative) costs nothing at all, not the bytes of its other operands", () => {
    const zero = { timeSec: 0, energyJoules: 0, computeSec: 0, memorySec: 0, flops: 0, bytes: 0 };
    // k = 0 alone would still read m·n outputs (m·n·2 B); n = 0 would read m·k inputs: both must be skipped
    for (const [m, k, n] of [[0, 10, 10], [10, 0, 10], [10, 10, 0], [-1, 10, 10], [10, -1, 10], [10, 10, -1]]) {
      assert.deepEqual(gpuGemmCost(toy, { m, k, n, dtypeBytes: 2 }, "eager"), zero, `${m} ${k} ${n}`);
    }
  });
});

describe("attention, elementwise, all-reduce, static", () => {
  test("attention by hand: 1 request, 2 heads, d 4, T 1, L 10", () => {
    // FLOPs (4·4 + 5)·2·1·10 = 420; bytes (2·2·10·4 + 2·1·2·1·4)·2 = 352
    const a = { numRequests: 1, numHeads: 2, numKvHeads: 2, headDim: 4, tlp: 1, totalContextTokens: 10, dtypeBytes: 2 };
    const c = gpuAttentionCost(toy, a, "eager");
    assert.equal(c.flops, 420);
    assert.equal(c.bytes, 352);
    close(c.timeSec, 2e-6 + 352e-9);
    close(gpuAttentionCost(toy, a).timeSec, 0.5e-6 + 352e-9); // graph mode: attentionGraphOverheadSec
  });

  test("attention bytes by hand with several requests and T > 1: queries and outputs scale with R·H·T", () => {
    // R 2, H 2, KV heads 1, d 4, T 2, L 10, fp16: KV (2·1·10·4) = 80, Q + O (2·2·2·2·4) = 64 -> (80 + 64)·2 = 288 B
    const a = { numRequests: 2, numHeads: 2, numKvHeads: 1, headDim: 4, tlp: 2, totalContextTokens: 10, dtypeBytes: 2 };
    assert.equal(gpuAttentionCost(toy, a).bytes, 288);
  });

  test("GQA reads fewer KV bytes", () => {
    const a = { numRequests: 4, numHeads: 64, headDim: 128, tlp: 1, totalContextTokens: 4096, dtypeBytes: 2 };
    const mha = gpuAttentionCost(GPU_PRESETS["h200-sxm"], { ...a, numKvHeads: 64 });
    const gqa = gpuAttentionCost(GPU_PRESETS["h200-sxm"], { ...a, numKvHeads: 8 });
    assert.ok(gqa.bytes < mha.bytes / 7 && gqa.timeSec < mha.timeSec);
  });

  test("elementwise: launch + bytes / bandwidth", () => {
    close(gpuElementwiseCost(toy, 1000, "eager").timeSec, 1e-6 + 1e-6);
    close(gpuElementwiseCost(toy, 1000).timeSec, 1e-6);
  });

  test("elementwise memory time = bytes / (bandwidth x memoryEfficiency)", () => {
    // 1000 B / (1 GB/s x 0.5) = 2 us; graph overhead 0
    const c = gpuElementwiseCost({ ...toy, memoryEfficiency: 0.5 }, 1000);
    close(c.memorySec, 2e-6);
    close(c.timeSec, 2e-6);
  });

  test("prefill attention by hand: causal pairs, prefill efficiency", () => {
    // L 3, 1 head of d 2: causal pairs 3·4/2 = 6; FLOPs (4·2 + 5)·6 = 78 at 0.5 x 1 TFLOP/s = 156 ps;
    // bytes Q, K, V, O: 2·(1 + 1)·3·2·2 = 48 B at 1 GB/s = 48 ns; graph overhead 0.5 us
    const c = gpuPrefillAttentionCost(toy, { numHeads: 1, numKvHeads: 1, headDim: 2, numPromptTokens: 3, dtypeBytes: 2 });
    assert.equal(c.flops, 78);
    assert.equal(c.bytes, 48);
    close(c.computeSec, 156e-12);
    close(c.timeSec, 0.5e-6 + 48e-9);
    close(c.energyJoules, 78e-12 + 48e-11);
  });

  test("prefill attention: causal FLOPs are (L + 1) / 2L of full attention, at the prefill efficiency", () => {
    const h = GPU_PRESETS["h200-sxm"];
    const L = 2048;
    const p = gpuPrefillAttentionCost(h, { numHeads: 64, numKvHeads: 8, headDim: 128, numPromptTokens: L, dtypeBytes: 2 });
    const full = gpuAttentionCost(h, { numRequests: 1, numHeads: 64, numKvHeads: 8, headDim: 128, tlp: L, totalContextTokens: L, dtypeBytes: 2 });
    close(p.flops, (full.flops * (L + 1)) / (2 * L));
    close(p.computeSec, p.flops / (h.peakFp16FlopsPerSec * h.prefillAttentionComputeEfficiency));
    // an 8k prompt's attention no longer costs more than its decode-efficiency twin: compute-bound, ~12x cheaper
    assert.ok(p.timeSec < full.timeSec / 10);
  });

  test("fp32 attention runs at fp32ThroughputRatio of the fp16 peak (decode and prefill)", () => {
    // decode: 1 request, 2 heads, d 4, T 1, L 10: FLOPs (4·4 + 5)·2·1·10 = 420 (independent of dtype)
    const a = { numRequests: 1, numHeads: 2, numKvHeads: 2, headDim: 4, tlp: 1, totalContextTokens: 10 };
    // fp16: 420 / (1e12 x attentionComputeEfficiency 1) = 420 ps; fp32 (dtypeBytes 4): x fp32ThroughputRatio 0.5 -> 840 ps
    close(gpuAttentionCost(toy, { ...a, dtypeBytes: 2 }).computeSec, 420e-12);
    close(gpuAttentionCost(toy, { ...a, dtypeBytes: 4 }).computeSec, 840e-12);
    // prefill: L 3, 1 head of d 2: 78 FLOPs at 1e12 x prefill efficiency 0.5 x fp32 ratio 0.5 = 0.25e12 FLOP/s -> 312 ps
    const p = { numHeads: 1, numKvHeads: 1, headDim: 2, numPromptTokens: 3 };
    close(gpuPrefillAttentionCost(toy, { ...p, dtypeBytes: 2 }).computeSec, 156e-12);
    close(gpuPrefillAttentionCost(toy, { ...p, dtypeBytes: 4 }).computeSec, 312e-12);
  });

  test("attention memory time = bytes / (bandwidth x attentionMemoryEfficiency), decode and prefill", () => {
    const g = { ...toy, attentionMemoryEfficiency: 0.5 };
    // decode as above: 352 B / (1 GB/s x 0.5) = 704 ns
    const d = gpuAttentionCost(g, { numRequests: 1, numHeads: 2, numKvHeads: 2, headDim: 4, tlp: 1, totalContextTokens: 10, dtypeBytes: 2 });
    close(d.memorySec, 704e-9);
    // prefill: Q, K, V, O = 2·(1 + 1)·3·2·2 = 48 B / (1 GB/s x 0.5) = 96 ns; graph overhead 0.5 us, compute 156 ps
    const c = gpuPrefillAttentionCost(g, { numHeads: 1, numKvHeads: 1, headDim: 2, numPromptTokens: 3, dtypeBytes: 2 });
    close(c.memorySec, 96e-9);
    close(c.timeSec, 0.5e-6 + 96e-9, 1e-6); // p = 1000: the smooth max is the memory time to ~1e-9
  });

  test("attention without requests or without context costs nothing at all", () => {
    const zero = { timeSec: 0, energyJoules: 0, computeSec: 0, memorySec: 0, flops: 0, bytes: 0 };
    const a = { numRequests: 2, numHeads: 2, numKvHeads: 2, headDim: 4, tlp: 1, totalContextTokens: 10, dtypeBytes: 2 };
    assert.deepEqual(gpuAttentionCost(toy, { ...a, numRequests: 0 }, "eager"), zero); // no launch overhead either
    assert.deepEqual(gpuAttentionCost(toy, { ...a, totalContextTokens: 0 }), zero);
  });

  test("static energy = power · time", () => close(gpuStaticEnergyJoules(toy, 2), 20));
});

describe("properties", () => {
  const gpus = Object.values(GPU_PRESETS);
  const gpuArb = fc.constantFrom(...gpus);
  const dim = fc.integer({ min: 1, max: 65536 });
  const dtypeArb = fc.constantFrom(2, 4);

  // An ideal autotuner's time is a staircase in m (tile rows, waves), yet never decreasing: see gemm-tiling.ts.
  test("GEMM time is non-decreasing in m, k and n (also with fractional MoE m)", () =>
    fc.assert(
      fc.property(gpuArb, dim, dim, dim, fc.integer({ min: 1, max: 4096 }), dtypeArb, (g, m, k, n, d, b) => {
        const t = gpuGemmCost(g, { m, k, n, dtypeBytes: b }).timeSec;
        return (
          gpuGemmCost(g, { m: m + d, k, n, dtypeBytes: b }).timeSec >= t &&
          gpuGemmCost(g, { m, k: k + d, n, dtypeBytes: b }).timeSec >= t &&
          gpuGemmCost(g, { m, k, n: n + d, dtypeBytes: b }).timeSec >= t &&
          gpuGemmCost(g, { m: m + 0.37, k, n, dtypeBytes: b }, "eager").timeSec >= gpuGemmCost(g, { m, k, n, dtypeBytes: b }, "eager").timeSec
        );
      }),
    ));

  test("GEMM time never beats the ideal roofline max(flops/peak, bytes/bandwidth); energy positive", () =>
    fc.assert(
      fc.property(gpuArb, dim, dim, dim, dtypeArb, (g, m, k, n, b) => {
        const c = gpuGemmCost(g, { m, k, n, dtypeBytes: b });
        const peak = g.peakFp16FlopsPerSec * (b >= 4 ? g.fp32ThroughputRatio : 1);
        const ideal = Math.max(c.flops / peak, c.bytes / g.hbmBandwidthBytesPerSec);
        return c.timeSec >= ideal && c.timeSec >= Math.max(c.computeSec, c.memorySec) && c.energyJoules > 0;
      }),
    ));

  test("attention time non-decreasing in context and never below its roofline", () =>
    fc.assert(
      fc.property(gpuArb, fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 1 << 20 }), fc.integer({ min: 1, max: 1 << 16 }), (g, B, T, L, dL) => {
        const a = { numRequests: B, numHeads: 64, numKvHeads: 8, headDim: 128, tlp: T, totalContextTokens: L, dtypeBytes: 2 };
        const c = gpuAttentionCost(g, a);
        const c2 = gpuAttentionCost(g, { ...a, totalContextTokens: L + dL });
        const ideal = Math.max(c.flops / g.peakFp16FlopsPerSec, c.bytes / g.hbmBandwidthBytesPerSec);
        return c2.timeSec >= c.timeSec && c.timeSec >= ideal && c.energyJoules > 0;
      }),
    ));

});
