import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../../src/core/errors.ts";
import { GiB } from "../../../src/core/units.ts";
import { PIM_DESIGNS, resolvePimDesign } from "../../../src/hardware/pim/presets.ts";
import {
  PimDesign, maxBanksPerDie, pimBanksPerDie, pimEnabledBanksPerStack, pimPeakFlopsPerSec, pimStackCapacityBytes,
} from "../../../src/hardware/pim/schema.ts";

test("every PIM design preset re-parses (as a user object) to the same design", () => {
  for (const [name, d] of Object.entries(PIM_DESIGNS)) {
    const again = resolvePimDesign(JSON.parse(JSON.stringify(d)));
    assert.deepEqual(again, d, name);
    assert.equal(resolvePimDesign(name), d);
  }
});

test("capacities and bank counts: FC-PIM 12 GiB with 96 banks per die, the others 16 GiB with 128", () => {
  assert.equal(pimStackCapacityBytes(PIM_DESIGNS["fc-pim"]), 12 * GiB);
  assert.equal(pimBanksPerDie(PIM_DESIGNS["fc-pim"]), 96);
  for (const n of ["attn-pim", "attacc", "hbm-pim"]) {
    assert.equal(pimStackCapacityBytes(PIM_DESIGNS[n]), 16 * GiB, n);
    assert.equal(pimBanksPerDie(PIM_DESIGNS[n]), 128, n);
  }
});

test("peak FLOP/s: banks x FPUs per bank x 16 lanes x 2 x 666 MHz", () => {
  // 1P1B: 1024 x 1 x 16 x 2 x 666e6 = 21.82 TFLOP/s; 4P1B on 768 banks: 3x that
  assert.equal(pimPeakFlopsPerSec(PIM_DESIGNS.attacc), 1024 * 16 * 2 * 666e6);
  assert.equal(pimPeakFlopsPerSec(PIM_DESIGNS["fc-pim"]), 3 * pimPeakFlopsPerSec(PIM_DESIGNS.attacc));
  assert.equal(pimEnabledBanksPerStack(PIM_DESIGNS["fc-pim"]), 768);
});

test("area rule m (n 0.1025 + 0.83) <= 121: 4P1B 97 (96 in whole bank groups), 2P1B 116, 1P1B 129, 1P2B 137", () => {
  assert.equal(maxBanksPerDie(4), 97);
  assert.equal(maxBanksPerDie(2), 116);
  assert.equal(maxBanksPerDie(1), 129);
  assert.equal(maxBanksPerDie(0.5), 137);
  assert.equal(maxBanksPerDie(PIM_DESIGNS["fc-pim"]), 97);
  assert.throws(() => maxBanksPerDie(-1), UserError);
});

test("a design whose FPUs exceed the die area is rejected in one line naming numFpus", () => {
  const fourBgs = { ...PIM_DESIGNS["fc-pim"], numEnabledBankGroups: 4, capacityBytes: undefined };
  assert.throws(
    () => resolvePimDesign(fourBgs),
    (e: unknown) => e instanceof UserError && /numFpus: 4P1B with 128 banks per die needs 158\.7 mm2/.test(e.message) && !e.message.includes("\n"),
  );
  assert.throws(() => resolvePimDesign({ ...PIM_DESIGNS.attacc, numFpus: 8, capacityBytes: undefined }), /numFpus/);
});

test("bad designs name the field: unknown name, zero banks, too many bank groups, wrong capacity, negative timing", () => {
  assert.throws(() => resolvePimDesign("pim9"), /unknown PIM design preset "pim9" \(did you mean "fc-pim"\?\); known: fc-pim, attn-pim, attacc, hbm-pim, 2p1b/);
  const base = { ...PIM_DESIGNS.attacc, capacityBytes: undefined };
  assert.throws(() => resolvePimDesign({ ...base, numFpus: 0 }), /numFpus/);
  assert.throws(() => resolvePimDesign({ ...base, hbm: { preset: "hbm3-5.2", org: { numBanksPerGroup: 0 } } }), /hbm\.org\.numBanksPerGroup/);
  assert.throws(() => resolvePimDesign({ ...base, numEnabledBankGroups: 5 }), /numEnabledBankGroups: must be between 1 and 4/);
  assert.throws(() => resolvePimDesign({ ...base, capacityBytes: 12 * GiB }), /capacityBytes: declared/);
  assert.throws(() => resolvePimDesign({ ...base, hbm: { preset: "hbm3-5.2", timing: { nRP: -19 } } }), /hbm\.timing\.nRP/);
  assert.throws(() => resolvePimDesign({ ...base, numBanksPerFpuGroup: 3 }), /numBanksPerFpuGroup: must divide/);
});

test("a user design with HBM overrides and partial energy is accepted and keeps the default energy elsewhere", () => {
  const d = resolvePimDesign({
    name: "mine", hbm: { preset: "hbm3e" }, numFpus: 2, numBanksPerFpuGroup: 1, macLanesPerFpu: 16,
    fpuClockHz: 1e9, numEnabledBankGroups: 3, powerBudgetWattsPerStack: 150, accumulatorBytesPerFpu: 4096,
    softmaxElementsPerClock: 16, energy: { macJoules: 0.2e-12 },
  });
  assert.equal(d.hbm.name, "hbm3e");
  assert.equal(d.energy.macJoules, 0.2e-12);
  assert.equal(d.energy.cellRdWrJoulesPerBit, 0.44e-12);
  assert.equal(pimStackCapacityBytes(d), 18 * GiB);
  assert.ok(PimDesign.safeParse(d).success);
});

test("every preset is column-matched and power-limited per command, and leaves FC mapping and token reuse to the run; each is a field a user can set", () => {
  for (const d of Object.values(PIM_DESIGNS)) {
    assert.equal(d.computeSemantics, "column-matched", d.name);
    assert.equal(d.macPowerLimitScope, "command", d.name);
    assert.equal(d.fcMapping, undefined, d.name);
    assert.equal(d.reuseReads, undefined, d.name);
    assert.equal(d.kSplitScope, undefined, d.name);
    assert.equal(d.reductionElementsPerClock, 16, d.name);
  }
  const d = resolvePimDesign({ ...PIM_DESIGNS["fc-pim"], computeSemantics: "decoupled-clock", fcMapping: "k-split", macPowerLimitScope: "column-reads", reuseReads: "per-command", kSplitScope: "stack" });
  assert.deepEqual([d.computeSemantics, d.fcMapping, d.macPowerLimitScope, d.reuseReads, d.kSplitScope], ["decoupled-clock", "k-split", "column-reads", "per-command", "stack"]);
});

test("unknown keys and bad choices are one-line errors naming the field", () => {
  const oneLine = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");
  assert.throws(() => resolvePimDesign({ ...PIM_DESIGNS.attacc, numFpu: 2 }), oneLine(/numFpu/));
  assert.throws(() => resolvePimDesign({ ...PIM_DESIGNS.attacc, energy: { macJoule: 1e-12 } }), oneLine(/energy.*macJoule/));
  assert.throws(() => resolvePimDesign({ ...PIM_DESIGNS.attacc, computeSemantics: "fast" }), oneLine(/computeSemantics: .*column-matched.*decoupled-clock/));
  assert.throws(() => resolvePimDesign({ ...PIM_DESIGNS.attacc, fcMapping: "m-split" }), oneLine(/fcMapping: .*auto.*n-split.*k-split/));
  assert.throws(() => resolvePimDesign({ ...PIM_DESIGNS.attacc, reductionElementsPerClock: 0 }), oneLine(/reductionElementsPerClock/));
});
