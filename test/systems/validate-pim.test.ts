import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { pimAttentionCost, pimFcCost } from "../../src/hardware/pim/cost.ts";
import { PIM_DESIGNS } from "../../src/hardware/pim/presets.ts";
import { SHIPPED_PIM_REFERENCE, loadPimReference } from "../../src/node/pim-reference.ts";
import { evaluatePim, pimDesignForReference, type PimReferenceUnit } from "../../src/systems/validate-pim.ts";

const reference = loadPimReference(SHIPPED_PIM_REFERENCE);
const v = evaluatePim(reference);

describe("the shipped Ramulator/AttAcc references", () => {
  test("every row is predicted", () => {
    assert.deepEqual([v.attention.rows, v.fc.rows], [160, 5]);
  });

  test("the row list is the measured rows, one each and nothing else; relErr = (predicted - reference) / reference", () => {
    const e = evaluatePim(reference);
    assert.equal(e.rows.length, reference.attention.length + reference.fc.length);
    assert.equal(e.rows.length, 165);
    assert.deepEqual(e.rows.map((r) => `${r.file}:${r.line}`), [...reference.attention.map((r) => `attention:${r.line}`), ...reference.fc.map((r) => `fc:${r.line}`)]);
    // fc.csv line 2 (1P1B, 6 tCK, m 1, k = n = 12,288): measured 56.66223 us
    const row = e.rows.find((r) => r.file === "fc" && r.line === 2)!;
    assert.equal(row.referenceSec, 0.00005666223);
    assert.ok(row.predictedSec > 0 && row.predictedSec !== row.referenceSec);
    assert.equal(row.relErr, (row.predictedSec - 0.00005666223) / 0.00005666223);
  });

  test("targets: median |err| <= 10 %, max <= 25 % for attention and for FC", () => {
    for (const f of ["attention", "fc"] as const) {
      assert.ok(v[f].medianAbsRelErr <= 0.1, `${f} median ${v[f].medianAbsRelErr}`);
      assert.ok(v[f].maxAbsRelErr <= 0.25, `${f} max ${v[f].maxAbsRelErr}`);
    }
  });

  test("FC: one token per MAC command pins the streaming rate and the cost of each extra token (within 1 %)", () => {
    for (const r of v.rows.filter((x) => x.file === "fc")) assert.ok(Math.abs(r.relErr) < 0.01, `${r.label}: ${r.relErr}`);
  });

  test("attention: 2-16 heads take one round (one head per channel), 17-32 two, 39 three, as AttAcc", () => {
    const at = (heads: number) => v.rows.find((r) => r.file === "attention" && r.label === `bank 1P1B nCCDAB 6 heads ${heads} L 2064`)!;
    assert.equal(at(2).predictedSec, at(15).predictedSec);
    const round = at(2).predictedSec;
    assert.ok(at(20).predictedSec > 1.8 * round && at(20).predictedSec < 2.2 * round);
    assert.ok(at(39).predictedSec > 2.8 * round && at(39).predictedSec < 3.2 * round);
  });

  test("rows map onto designs by their stated hardware, column-matched", () => {
    const unit: PimReferenceUnit = { line: 2, unit: "bankgroup", fpusPerBank: 0.25, powerLimited: false, tCkNs: 0.769, timeSec: 1 };
    const d = pimDesignForReference(unit, "x");
    assert.deepEqual([d.numFpus, d.numBanksPerFpuGroup, d.powerConstrainedMacSpacing, d.computeSemantics], [1, 4, false, "column-matched"]);
    const p4 = pimDesignForReference({ ...unit, unit: "bank", fpusPerBank: 4, powerLimited: true, macSpacingClocks: 8 }, "x");
    assert.deepEqual([p4.numFpus, p4.numBanksPerFpuGroup, p4.hbm.timing.nCCDABPowerConstrained], [4, 1, 8]);
    // the prediction is the product's cost function on that design
    const row = reference.fc[0];
    const fcRow = v.rows.find((r) => r.file === "fc" && r.line === row.line)!;
    assert.equal(fcRow.predictedSec, pimFcCost(pimDesignForReference(row, "fc"), { m: row.m, k: row.k, n: row.n, numStacks: row.stacks }).timeSec);
    const a = reference.attention[0];
    const aRow = v.rows.find((r) => r.file === "attention" && r.line === a.line)!;
    const c = pimAttentionCost(pimDesignForReference(a, "a"), { numHeads: a.headsPerStack, numKvHeads: a.kvHeadsPerStack, headDim: a.headDim, contextLens: [a.contextLen], tlp: a.tlp, numStacks: 1 });
    assert.equal(aRow.predictedSec, c.timeSec);
  });
});

describe("designs of reference rows", () => {
  test("the design cache tells rows apart by MAC spacing: two rows differing only in it get two designs", () => {
    const cache = new Map();
    const row: PimReferenceUnit = { line: 3, unit: "bank", fpusPerBank: 1, powerLimited: false, tCkNs: 0.769, timeSec: 1 };
    const six = pimDesignForReference({ ...row, macSpacingClocks: 6 }, "x", cache);
    const eight = pimDesignForReference({ ...row, macSpacingClocks: 8 }, "x", cache);
    const preset = pimDesignForReference(row, "x", cache);
    assert.deepEqual([six.hbm.timing.nCCDAB, eight.hbm.timing.nCCDAB], [6, 8]);
    // no spacing given: the preset's, both of them
    assert.deepEqual([preset.hbm.timing.nCCDAB, preset.hbm.timing.nCCDABPowerConstrained], [PIM_DESIGNS.attacc.hbm.timing.nCCDAB, PIM_DESIGNS.attacc.hbm.timing.nCCDABPowerConstrained]);
    assert.notEqual(preset, six);
    assert.notEqual(preset, eight);
    assert.equal(cache.size, 3);
    // the same row again is the cached design itself
    assert.equal(pimDesignForReference({ ...row, macSpacingClocks: 8 }, "y", cache), eight);
  });
});

describe("bad rows", () => {
  const base: PimReferenceUnit = { line: 7, unit: "bank", fpusPerBank: 1, powerLimited: true, tCkNs: 0.769, timeSec: 1e-6 };
  test("a unit that is not x FPUs per bank or 1 per y banks, or a different clock, is a one-line error naming the row", () => {
    const oneLine = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");
    assert.throws(() => pimDesignForReference({ ...base, fpusPerBank: 0.3 }, "attention.csv:7"), oneLine(/attention\.csv:7: fpusPerBank/));
    // neither whole nor 1/whole: 2.5 FPUs per bank, and no FPU at all
    // (and negative ones: -0.5 is 1/(-2), a whole reciprocal, but no layout)
    // and 1e9 - 2^-23 (one ulp below 1e9, not whole): its reciprocal is exactly the double 1e-9, 1e-9 from the
    // whole number 0, which is not within the strict 1e-9 tolerance
    for (const fpusPerBank of [2.5, 0, -0.5, -1, 1e9 - 2 ** -23]) {
      assert.throws(() => pimDesignForReference({ ...base, fpusPerBank }, "fc.csv:7"), oneLine(/fc\.csv:7: fpusPerBank must be a whole number or 1\/whole number/));
    }
    assert.throws(() => pimDesignForReference({ ...base, tCkNs: 1.0 }, "fc.csv:7"), oneLine(/fc\.csv:7: tCKns 1/));
    // 1P3B does not divide a bank group of 4
    assert.throws(() => pimDesignForReference({ ...base, fpusPerBank: 1 / 3 }, "fc.csv:7"), oneLine(/fc\.csv:7: .*numBanksPerFpuGroup/));
  });
});
