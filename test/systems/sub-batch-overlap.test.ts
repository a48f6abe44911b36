import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { parse } from "yaml";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { decodeBatch, type Batch } from "../../src/systems/batch.ts";
import { buildSystem, type SystemContext } from "../../src/systems/build.ts";
import { fcLayersCost, lmHeadCost } from "../../src/systems/fc-cost.ts";
import { interleavedCost, iterationCost, phaseEnergyJoules, phaseTimeSec, subBatchPipelineSec } from "../../src/systems/iteration-cost.ts";
import { SYSTEM_PRESETS } from "../../src/systems/presets.ts";

/**
 * `overlap: sub-batch` (src/systems/iteration-cost.ts): NeuPIMs' sub-batch interleaving, the stage schedule of its
 * artifact (src/StageProgram.cc), on the example NeuPIMs system (examples/systems/neupims.yaml) and on PAPI's.
 */

const close = (a: number, b: number, rel = 1e-9, what = "") => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what} ${a} vs ${b}`);
const example = parse(readFileSync(new URL("../../examples/systems/neupims.yaml", import.meta.url), "utf8")) as { system: Record<string, unknown> };
const opt = MODEL_PRESETS["opt-30b"];
const withOverlap = (overlap: string, units?: Record<string, unknown>) => ({ ...example.system, overlap, ...(units ? { units } : {}) });
const neupims = buildSystem(withOverlap("sub-batch"), opt);
const sequential = buildSystem(withOverlap("none"), opt);
const exampleUnit = (example.system.units as Record<string, Record<string, unknown>>).neupims;
const blocked = buildSystem(withOverlap("sub-batch", { neupims: { ...exampleUnit, dualRowBuffers: false } }), opt);

/** Decode attention of some requests on the system's attention unit, all layers (what a sub-batch costs). */
function attentionOf(ctx: SystemContext, lens: number[], tlp: number): { timeSec: number; energyJoules: number } {
  const c = ctx.attention.decodeAttention!({ shape: ctx.shape, numRequests: lens.length, tlp, contextLens: lens, totalContextTokens: lens.reduce((s, x) => s + x, 0) });
  const L = ctx.model.num_hidden_layers;
  return { timeSec: c.timeSec * L, energyJoules: c.energyJoules * L };
}

describe("the stage schedule", () => {
  test("by hand: 3 layers, q1 1 p1 2 q2 1 p2 1, a1 2 a2 4 (per layer)", () => {
    // A: 1; B: max(1, 2) = 2; C, D twice: max(3, 4) + max(2, 2) = 6; E: max(2, 4) = 4; F: 1
    assert.equal(subBatchPipelineSec(3, 1, 2, 1, 1, 2, 4), 1 + 2 + 2 * 6 + 4 + 1);
    // one layer: no C, D stages
    assert.equal(subBatchPipelineSec(1, 1, 2, 1, 1, 2, 4), 1 + 2 + 4 + 1);
  });

  test("properties: the artifact's stage table, layer by layer; between either unit's work and running all in turn", () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 96 }), fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 6, maxLength: 6 }), (L, [q1, p1, q2, p2, a1, a2]) => {
        // the table of src/StageProgram.cc, one stage at a time: [FC part, attention part]
        const stages: [number, number][] = [[q1, 0], [q2, a1]];
        for (let l = 2; l <= L; l++) stages.push([p1 + q1, a2], [p2 + q2, a1]);
        stages.push([p1, a2], [p2, 0]);
        const t = subBatchPipelineSec(L, q1, p1, q2, p2, a1, a2);
        close(t, stages.reduce((s, [f, a]) => s + Math.max(f, a), 0), 1e-12, "stage table");
        const [f, a] = [L * (q1 + p1 + q2 + p2), L * (a1 + a2)];
        return t >= Math.max(f, a) * (1 - 1e-12) && t <= (f + a) * (1 + 1e-12);
      }),
    ));
});

describe("sub-batch interleaving on the NeuPIMs example", () => {
  test("a compute-bound batch: two sub-batches' FC and attention, interleaved, by hand", () => {
    // 4 decoding requests x TLP 4 and one 100-token prefill chunk; then 120 more decoding requests: 4 x 128 tokens
    const n = 124;
    const lens = Array.from({ length: n }, (_, i) => 600 + 7 * i);
    const b: Batch = {
      numRequests: n + 1,
      numDecode: n,
      tlp: 4,
      newTokens: [...new Array<number>(n).fill(4), 100],
      kvLens: [...lens, 100],
      decodeKvTokens: lens.reduce((s, x) => s + x, 0),
      numPromptsEnded: 1,
    };
    const p = iterationCost(neupims, "neupims", b);
    const q = iterationCost(sequential, "neupims", b);
    const L = opt.num_hidden_layers;
    // sub-batch 1: the first 62 requests (248 tokens); sub-batch 2: the other 62 and the prefill chunk (348 tokens)
    const f1 = fcLayersCost(neupims, "neupims", 248).fc;
    const f2 = fcLayersCost(neupims, "neupims", 348).fc;
    const a1 = attentionOf(neupims, lens.slice(0, 62), 4);
    const a2 = attentionOf(neupims, lens.slice(62), 4);
    // opt-30b: QKV is 3 h^2 of a layer's 12 h^2 FC weights (proj h^2, FFN 2 x 4 h^2)
    const s = 3 / 12;
    const t = subBatchPipelineSec(L, (s * f1.timeSec) / L, ((1 - s) * f1.timeSec) / L, (s * f2.timeSec) / L, ((1 - s) * f2.timeSec) / L, a1.timeSec / L, a2.timeSec / L);
    const head = lmHeadCost(neupims, "neupims", 4 * n + 1).fc;
    close(p.fcSec, f1.timeSec + f2.timeSec + head.timeSec, 1e-12, "fc");
    close(p.attentionSec - p.prefillAttentionSec, a1.timeSec + a2.timeSec, 1e-12, "attention");
    close(p.overlapSec, f1.timeSec + f2.timeSec + a1.timeSec + a2.timeSec - t, 1e-9, "overlap");
    // the rest of the iteration runs as without overlap; what changes is FC + decode attention: T instead of F + A
    const whole = fcLayersCost(neupims, "neupims", 4 * n + 100).fc.timeSec + (q.attentionSec - q.prefillAttentionSec);
    close(phaseTimeSec(p), phaseTimeSec(q) - whole + t, 1e-9, "phase time");
    assert.ok(phaseTimeSec(p) < phaseTimeSec(q) * 0.97, `${phaseTimeSec(p)} vs ${phaseTimeSec(q)}: interleaving hides attention`);
    assert.equal(p.communicationSec, q.communicationSec);
    assert.equal(p.otherSec, q.otherSec);
    assert.equal(p.prefillAttentionSec, q.prefillAttentionSec);
    // every weight is read by both sub-batches: FC energy above the single batch's
    close(p.fcJoules, f1.energyJoules + f2.energyJoules + head.energyJoules, 1e-12, "fc energy");
    assert.ok(p.fcJoules > q.fcJoules && phaseEnergyJoules(p) > phaseEnergyJoules(q));
    close(p.attentionJoules - q.attentionJoules, a1.energyJoules + a2.energyJoules - attentionOf(neupims, lens, 4).energyJoules, 1e-6, "attention energy");
  });

  test("a weight-bound batch runs as one: splitting would read the weights twice for little attention", () => {
    const b = decodeBatch(Array.from({ length: 32 }, (_, i) => 100 + i), 1);
    assert.ok(2 * fcLayersCost(neupims, "neupims", 16).fc.timeSec > fcLayersCost(neupims, "neupims", 32).fc.timeSec + iterationCost(neupims, "neupims", b).attentionSec);
    assert.equal(interleavedCost(neupims, neupims.fc[0], b, fcLayersCost(neupims, "neupims", 32).fc.timeSec), null, "priced without the attention calls");
    assert.deepEqual(iterationCost(neupims, "neupims", b), iterationCost(sequential, "neupims", b));
  });

  test("blocked-mode PIM (no dual row buffers) and a single decoding request never overlap", () => {
    const b = decodeBatch(Array.from({ length: 128 }, () => 1024), 4);
    assert.ok(iterationCost(neupims, "neupims", b).overlapSec > 0);
    assert.deepEqual(iterationCost(blocked, "neupims", b), iterationCost(sequential, "neupims", b));
    const one = decodeBatch([4096], 8);
    assert.deepEqual(iterationCost(neupims, "neupims", one), iterationCost(sequential, "neupims", one));
  });

  test("properties: never slower than one batch; hides no more than the smaller side; the same work otherwise", () => {
    const seen = { interleaved: 0, whole: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 8, max: 2048 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom(1, 2, 4, 8), (n, len, jitter, tlp) => {
        const lens = Array.from({ length: n }, (_, i) => len + ((i * 7919) % (jitter + 1)));
        const b = decodeBatch(lens.map((x) => x + tlp), tlp);
        const p = iterationCost(neupims, "neupims", b);
        const q = iterationCost(sequential, "neupims", b);
        const head = lmHeadCost(neupims, "neupims", lens.length * tlp).fc.timeSec;
        assert.ok(phaseTimeSec(p) <= phaseTimeSec(q) * (1 + 1e-12), `${phaseTimeSec(p)} > ${phaseTimeSec(q)}`);
        assert.ok(p.overlapSec >= 0 && p.overlapSec <= Math.min(p.fcSec - head, p.attentionSec) * (1 + 1e-12));
        if (p.overlapSec === 0) assert.deepEqual(p, q);
        else assert.ok(phaseTimeSec(p) < phaseTimeSec(q));
        assert.equal(p.communicationSec, q.communicationSec);
        assert.equal(p.otherSec, q.otherSec);
        seen[p.overlapSec > 0 ? "interleaved" : "whole"]++;
      }),
      { numRuns: 60 },
    );
    assert.ok(seen.interleaved >= 5 && seen.whole >= 5, JSON.stringify(seen));
  });
});

describe("sub-batch interleaving elsewhere", () => {
  test("PAPI's system with overlap: GPU FC and Attn-PIM attention are different resources; FC-PIM's too", () => {
    const llama = MODEL_PRESETS["llama-65b"];
    const on = buildSystem({ ...SYSTEM_PRESETS.papi, overlap: "sub-batch" }, llama);
    const off = buildSystem("papi", llama);
    const b = decodeBatch(Array.from({ length: 64 }, () => 2048), 8);
    for (const unit of ["gpu", "fc-pim"]) {
      const p = iterationCost(on, unit, b);
      const q = iterationCost(off, unit, b);
      assert.ok(phaseTimeSec(p) <= phaseTimeSec(q), unit);
      if (p.overlapSec > 0) assert.ok(phaseTimeSec(p) < phaseTimeSec(q), unit);
    }
    // gpu-only: FC and attention on the same GPUs, one resource: nothing to overlap
    const g = buildSystem({ ...SYSTEM_PRESETS["gpu-only"], overlap: "sub-batch" }, llama);
    assert.deepEqual(iterationCost(g, "gpu", b), iterationCost(buildSystem("gpu-only", llama), "gpu", b));
  });
});
