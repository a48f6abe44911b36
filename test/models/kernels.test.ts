import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { papi as cli } from "../cli/helpers.ts";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { decodeKernels, elementwiseKernelsPerLayer, expectedActiveExperts, expertTokenCounts, fcShapesPerLayer, finalNormKernel, lmHeadShape } from "../../src/models/kernels.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";

const papi = (...args: string[]) => cli(args);

describe("FC shapes", () => {
  test("paper Eq. 1: OPT-30B h x h FC at RLP 4, TLP 8 has 31.7 FLOP/B", async () => {
    // by hand: 2·32·h² / ((2·32·h + h²)·2) = 32h / (64 + h) = 32·7168 / 7232 = 31.717
    const proj = decodeKernels(MODEL_PRESETS["opt-30b"], { rlp: 4, tlp: 8, contextLens: [1024] }).find((r) => r.name === "proj")!;
    assert.equal(proj.flops, 2 * 32 * 7168 * 7168);
    assert.equal(proj.bytesRead + proj.bytesWritten, (2 * 32 * 7168 + 7168 * 7168) * 2);
    assert.equal(proj.arithmeticIntensity.toFixed(1), "31.7");
  });

  test("dense shapes: qkv, proj, fused gated up, down, with their Megatron split", () => {
    const s = fcShapesPerLayer(MODEL_PRESETS["llama-65b"], 16);
    assert.deepEqual(s.map((x) => [x.name, x.m, x.k, x.n, x.numInstances, x.tpSplit]), [
      ["qkv", 16, 8192, 24576, 1, "n"],
      ["proj", 16, 8192, 8192, 1, "k"],
      ["ffn_up", 16, 8192, 44032, 1, "n"],
      ["ffn_down", 16, 22016, 8192, 1, "k"],
    ]);
    const g = fcShapesPerLayer(MODEL_PRESETS["gpt3-66b"], 1);
    assert.equal(g.find((x) => x.name === "ffn_up")!.n, 36864);
    // GQA: (64 + 2·8)·128
    assert.equal(fcShapesPerLayer(MODEL_PRESETS["llama-3-70b"], 1)[0].n, 10240);
    assert.deepEqual(lmHeadShape(MODEL_PRESETS["llama-3-70b"], 3), { name: "lm_head", m: 3, k: 8192, n: 128256, numInstances: 1, tpSplit: "n" });
  });

  test("MoE by hand: one shape per integer token count, weighted by the expected number of experts", () => {
    const mix = MODEL_PRESETS["mixtral-8x7b"];
    const ups = (t: number) => fcShapesPerLayer(mix, t).filter((x) => x.name === "ffn_up");
    // 1 token picks exactly k = 2 of the 8 experts: two experts with 1 token each
    assert.deepEqual(ups(1).map((x) => x.m), [1]);
    assert.ok(Math.abs(ups(1)[0].numInstances - 2) < 1e-12);
    // 2 tokens: an expert's count is Binomial(2, 1/4): P(1) = 2·(1/4)·(3/4) = 3/8, P(2) = 1/16;
    // expected experts 8·3/8 = 3 with one token and 8/16 = 0.5 with two (3·1 + 0.5·2 = 4 = 2 tokens x 2 picks)
    const two = ups(2);
    assert.deepEqual(two.map((x) => x.m), [1, 2]);
    assert.ok(Math.abs(two[0].numInstances - 3) < 1e-12 && Math.abs(two[1].numInstances - 0.5) < 1e-12);
    assert.ok(fcShapesPerLayer(mix, 1).some((x) => x.name === "router" && x.n === 8 && x.tpSplit === "none"));
    // 8 tokens: 8·(1 − 0.75^8) = 7.199 distinct experts
    assert.ok(Math.abs(expectedActiveExperts(8, 2, 8) - 8 * (1 - 0.75 ** 8)) < 1e-12);
    assert.deepEqual(expertTokenCounts(4, 4, 5), [{ numTokens: 5, expectedExperts: 4 }]); // k = E: every expert sees every token
    // no tokens (or a negative count): no expert runs
    assert.deepEqual([expectedActiveExperts(8, 2, 0), expectedActiveExperts(8, 2, -1), expertTokenCounts(8, 2, 0).length], [0, 0, 0]);
  });

  test("MoE widths: moe_intermediate_size for routed experts; Qwen2-MoE shared expert and its gate", () => {
    const q3 = fcShapesPerLayer(MODEL_PRESETS["qwen3-30b-a3b"], 1);
    assert.equal(q3.find((x) => x.name === "ffn_up")!.n, 2 * 768); // not 2 x 6144
    assert.equal(q3.find((x) => x.name === "ffn_down")!.k, 768);
    assert.equal(q3.some((x) => x.name.startsWith("shared")), false);
    const q15 = fcShapesPerLayer(MODEL_PRESETS["qwen1.5-moe-a2.7b"], 3);
    assert.equal(q15.find((x) => x.name === "router")!.n, 60 + 1); // 60 experts + the shared-expert gate
    assert.deepEqual(q15.filter((x) => x.name.startsWith("shared")).map((x) => [x.name, x.m, x.k, x.n]), [
      ["shared_up", 3, 2048, 2 * 5632],
      ["shared_down", 3, 5632, 2048],
    ]);
  });

  test("properties: MoE shapes serve every token's k picks, over the expected number of distinct experts", () =>
    fc.assert(
      fc.property(fc.constantFrom("mixtral-8x7b", "qwen3-30b-a3b", "qwen1.5-moe-a2.7b"), fc.integer({ min: 1, max: 6000 }), (name, t) => {
        const m = MODEL_PRESETS[name];
        const ups = fcShapesPerLayer(m, t).filter((x) => x.name === "ffn_up");
        const served = ups.reduce((a, x) => a + x.m * x.numInstances, 0);
        const experts = ups.reduce((a, x) => a + x.numInstances, 0);
        const k = m.num_experts_per_tok!;
        return (
          ups.every((x) => Number.isInteger(x.m) && x.m >= 1 && x.m <= t) &&
          Math.abs(served - k * t) <= 1e-9 * k * t &&
          Math.abs(experts - expectedActiveExperts(m.num_local_experts!, k, t)) <= 1e-9 * experts
        );
      }),
      { numRuns: 60 },
    ));
});

describe("decode kernels", () => {
  test("attention: 2·H·T·L·d per request for score and context, KV bytes kv·L·d each", async () => {
    const m = MODEL_PRESETS["llama-65b"];
    const rows = decodeKernels(m, { rlp: 2, tlp: 4, contextLens: [100, 300] });
    const score = rows.find((r) => r.name === "attn_score")!;
    const ctx = rows.find((r) => r.name === "attn_context")!;
    assert.equal(score.flops, 2 * 64 * 4 * 400 * 128);
    assert.equal(ctx.flops, score.flops);
    assert.equal(rows.find((r) => r.name === "attn_softmax")!.flops, 5 * 64 * 4 * 400);
    assert.equal(score.bytesRead, (2 * 64 * 4 * 128 + 64 * 400 * 128) * 2);
    // the fused attention (score + context, K and V + Q + out) stays near 7 FLOP/B at TLP 8 (PAPI.md §1)
    const r8 = decodeKernels(m, { rlp: 4, tlp: 8, contextLens: [2048] });
    const a = r8.filter((r) => r.name === "attn_score" || r.name === "attn_context");
    const flops = a[0].flops + a[1].flops;
    const bytes = (2 * 64 * 4 * 2048 * 128 + 2 * 4 * 64 * 8 * 128) * 2;
    assert.ok(Math.abs(flops / bytes - 8) < 0.1, String(flops / bytes));
  });

  test("every kernel listed once, LM head and final norm once per iteration", async () => {
    const rows = decodeKernels(MODEL_PRESETS["gpt3-66b"], { rlp: 4, tlp: 2, contextLens: [512] });
    const names = rows.map((r) => r.name);
    for (const n of ["input_norm", "qkv", "kv_write", "attn_score", "attn_softmax", "attn_context", "proj", "attn_residual", "post_attn_norm", "ffn_up", "ffn_act", "ffn_down", "ffn_residual"]) {
      assert.equal(rows.find((r) => r.name === n)?.perLayer, true, n);
    }
    assert.equal(rows.find((r) => r.name === "lm_head")?.perLayer, false);
    assert.equal(rows.find((r) => r.name === "final_norm")?.perLayer, false);
    assert.equal(new Set(names).size, names.length);
  });

  test("bad batches are UserErrors", async () => {
    const m = MODEL_PRESETS["opt-30b"];
    assert.throws(() => decodeKernels(m, { rlp: 0, tlp: 1, contextLens: [10] }), UserError);
    assert.throws(() => decodeKernels(m, { rlp: 1, tlp: 1.5, contextLens: [10] }), UserError);
    assert.throws(() => decodeKernels(m, { rlp: 3, tlp: 1, contextLens: [10, 20] }), UserError);
    assert.throws(() => decodeKernels(m, { rlp: 1, tlp: 8, contextLens: [4] }), UserError);
  });

  describe("properties", () => {
    test("FC FLOPs grow linearly with RLP·TLP; intensity of h x h FC approaches RLP·TLP from below", () =>
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 8 }), (rlp, tlp) => {
          const rows = decodeKernels(MODEL_PRESETS["opt-30b"], { rlp, tlp, contextLens: [1024] });
          const proj = rows.find((r) => r.name === "proj")!;
          return proj.flops === 2 * rlp * tlp * 7168 * 7168 && proj.arithmeticIntensity < rlp * tlp && proj.arithmeticIntensity > 0.9 * rlp * tlp * (7168 / (7168 + 2 * rlp * tlp));
        }),
      ));
  });
});

describe("CLI", () => {
  test("papi kernels --json prints the rows", async () => {
    const r = await papi("kernels", "--model", "opt-30b", "--rlp", "4", "--tlp", "8", "--json");
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; arithmeticIntensity: number }>;
    assert.equal(rows.find((x) => x.name === "proj")!.arithmeticIntensity.toFixed(1), "31.7");
  });

  for (const args of [
    ["kernels", "--model", "gpt5"],
    ["kernels", "--model", "opt-30b", "--rlp", "0"],
    ["kernels", "--model", "opt-30b", "--tlp", "2.5"],
    ["kernels", "--model", "no/such/config.json"],
  ]) {
    test(`bad input: papi ${args.join(" ")}`, async () => {
      const r = await papi(...args);
      assert.equal(r.status, 2);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(!/^\s+at /m.test(r.stderr));
    });
  }
});

test("attention bytes by hand under GQA (llama-2-70b: 64 heads, 8 KV heads, d 128, fp16; RLP 2, TLP 3, L 50 and 70)", () => {
  const rows = decodeKernels(MODEL_PRESETS["llama-2-70b"], { rlp: 2, tlp: 3, contextLens: [50, 70] });
  const k = (n: string) => rows.find((r) => r.name === n)!;
  // sum L = 120; score reads Q (2·64·3·128) and K (8·120·128), writes the scores (64·3·120); context reads the
  // probabilities (64·3·120) and V (8·120·128), writes the outputs (2·64·3·128); all x 2 bytes
  assert.deepEqual([k("attn_score").bytesRead, k("attn_score").bytesWritten], [(2 * 64 * 3 * 128 + 8 * 120 * 128) * 2, 64 * 3 * 120 * 2]);
  assert.deepEqual([k("attn_softmax").bytesRead, k("attn_softmax").bytesWritten], [64 * 3 * 120 * 2, 64 * 3 * 120 * 2]);
  assert.deepEqual([k("attn_context").bytesRead, k("attn_context").bytesWritten], [(64 * 3 * 120 + 8 * 120 * 128) * 2, 2 * 64 * 3 * 128 * 2]);
});

test("elementwise kernels by hand (llama-2-70b, 3 tokens: h 8192, 8 KV heads of 128, gated FFN 28672, fp16)", () => {
  const act = 3 * 8192 * 2; // the activation x, in bytes
  const rows = elementwiseKernelsPerLayer(MODEL_PRESETS["llama-2-70b"], 3).map((k) => [k.name, k.flops, k.bytesRead, k.bytesWritten, k.sharded]);
  // RMSNorm: 4 FLOPs per element, reads x and the weight vector; residual add: 1 FLOP, 2 reads, 1 write; the KV
  // write copies K and V of the 8 KV heads; the gated activation (act(gate) x up) 5 FLOPs, 2 reads, 1 write per element
  const norm = (name: string) => [name, 4 * 3 * 8192, act + 8192 * 2, act, false];
  const residual = (name: string) => [name, 3 * 8192, 2 * act, act, false];
  const kv = 2 * 3 * 8 * 128 * 2;
  assert.deepEqual(rows, [
    norm("input_norm"),
    ["kv_write", 0, kv, kv, true],
    residual("attn_residual"),
    norm("post_attn_norm"),
    ["ffn_act", 5 * 3 * 28672, 2 * 3 * 28672 * 2, 3 * 28672 * 2, true],
    residual("ffn_residual"),
  ]);
  assert.deepEqual(finalNormKernel(MODEL_PRESETS["llama-2-70b"], 3), { name: "final_norm", flops: 4 * 3 * 8192, bytesRead: act + 8192 * 2, bytesWritten: act, sharded: false });
});

test("FFN activation widths: plain (OPT relu: 1 FLOP, 1 read), MoE (k experts' width, plus the shared expert)", () => {
  const ffnAct = (model: string, tokens: number) => elementwiseKernelsPerLayer(MODEL_PRESETS[model], tokens).find((k) => k.name === "ffn_act")!;
  const opt = ffnAct("opt-30b", 2);
  assert.deepEqual([opt.flops, opt.bytesRead, opt.bytesWritten], [2 * 28672, 2 * 28672 * 2, 2 * 28672 * 2]);
  // Mixtral: 2 experts of 14336 per token
  assert.equal(ffnAct("mixtral-8x7b", 1).flops, 5 * 2 * 14336);
  // Qwen1.5-MoE: 4 experts of 1408 + the 5632-wide shared expert per token
  assert.equal(ffnAct("qwen1.5-moe-a2.7b", 2).bytesWritten, 2 * (4 * 1408 + 5632) * 2);
});

test("decode kernels in layer order, then the final norm and LM head; a context as long as TLP is valid", () => {
  const names = decodeKernels(MODEL_PRESETS["llama-65b"], { rlp: 1, tlp: 4, contextLens: [4] }).map((r) => r.name);
  assert.deepEqual(names, [
    "input_norm", "qkv", "kv_write", "attn_score", "attn_softmax", "attn_context", "proj", "attn_residual", "post_attn_norm",
    "ffn_up", "ffn_act", "ffn_down", "ffn_residual", "final_norm", "lm_head",
  ]);
});

test("MoE expert rows count every expected expert instance (Mixtral, 1 token: 2 experts of 1 token each)", () => {
  const up = decodeKernels(MODEL_PRESETS["mixtral-8x7b"], { rlp: 1, tlp: 1, contextLens: [8] }).find((r) => r.name === "ffn_up")!;
  // X[1, 4096] @ W[4096, 2 x 14336] per expert, twice; fp16
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * b, `${a} vs ${b}`);
  near(up.count, 2);
  near(up.flops, 2 * 2 * 4096 * 28672);
  near(up.bytesRead, 2 * (4096 * 28672 + 4096) * 2);
  near(up.bytesWritten, 2 * 28672 * 2);
});
