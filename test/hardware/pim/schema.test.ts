import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../../src/core/errors.ts";
import { PIM_DESIGNS, resolvePimDesign } from "../../../src/hardware/pim/presets.ts";
import { PimDesign, maxBanksPerDie, pimFpusPerBank } from "../../../src/hardware/pim/schema.ts";

// (more design checks live in presets.test.ts)

test("area rule at its limit: a 1P1B die exactly filled (128 x (0.25 + 0.75) mm2 = 128 mm2) is accepted", () => {
  // attacc: 1,024 banks / 8 dies = 128 banks per die, 1 FPU per bank; 0.25 and 0.75 are exact in binary, so the
  // die area is exactly 128 mm2 = the limit: m (n A_FPU + A_bank) <= A_max holds with equality
  const exact = { preset: "attacc", area: { fpuAreaMm2: 0.25, bankAreaMm2: 0.75, maxDieAreaMm2: 128 } };
  assert.equal(resolvePimDesign(exact).area.maxDieAreaMm2, 128);
  // one more bank's worth of area (a bank of 0.76 mm2: 128 x 1.01 = 129.28 mm2) is over it
  assert.throws(() => resolvePimDesign({ ...exact, area: { ...exact.area, bankAreaMm2: 0.76 } }), /numFpus: 1P1B with 128 banks per die needs 129\.3 mm2/);
});

test("area rule tolerance: a die over the limit by exactly the relative rounding slack 1e-12 is still accepted", () => {
  // c = fl(1 + 1e-12) in [1, 2); c - 0.5 is exact, so A_FPU + A_bank = (c - 0.5) + 0.5 = c exactly and the die
  // area 128 c = fl(128 x c) = A_max (1 + 1e-12) in floating point: the slack is inclusive
  const c = 1 + 1e-12;
  const d = resolvePimDesign({ preset: "attacc", area: { fpuAreaMm2: c - 0.5, bankAreaMm2: 0.5, maxDieAreaMm2: 128 } });
  assert.equal(d.area.fpuAreaMm2 + d.area.bankAreaMm2, c);
  assert.equal(128 * (d.area.fpuAreaMm2 + d.area.bankAreaMm2), 128 * c);
});

test("maxBanksPerDie: an exact fit counts, and so does one that floating point puts a hair below an integer", () => {
  // 128 / (1 x 0.25 + 0.75) = 128 exactly
  assert.equal(maxBanksPerDie(1, { fpuAreaMm2: 0.25, bankAreaMm2: 0.75, maxDieAreaMm2: 128 }), 128);
  // 0.3 / 0.1 = 2.9999999999999996 in binary, yet 3 banks of 0.1 mm2 fit a 0.3 mm2 die
  assert.ok(0.3 / 0.1 < 3);
  assert.equal(maxBanksPerDie(0, { fpuAreaMm2: 1, bankAreaMm2: 0.1, maxDieAreaMm2: 0.3 }), 3);
});

test("an HBM block the design cannot resolve is a validation issue of the design, not an exception from parsing", () => {
  // the hbm field passes its shape check (known keys), then the full HBM schema refuses the declared capacity
  const bad = { ...PIM_DESIGNS.attacc, hbm: { preset: "hbm3-5.2", capacityBytes: 12345 } };
  const r = PimDesign.safeParse(bad);
  assert.equal(r.success, false);
  assert.match(r.error!.issues[0].message, /^hbm\.capacityBytes: declared 12345 B/);
  // through resolvePimDesign: one line prefixed with the design's path
  assert.throws(
    () => resolvePimDesign(bad),
    (e: unknown) => e instanceof UserError && /^design: hbm\.capacityBytes: declared 12345 B/.test(e.message),
  );
});

test("a bug inside HBM resolution (an error that is not a UserError) propagates as itself", () => {
  // an hbm value whose `name` getter fails only while resolveHbm (the design's transform) reads it: the shape
  // checks before pass, and the TypeError must reach the caller rather than become a user-facing message
  const hbm = {
    preset: "hbm3-5.2",
    get name(): string {
      if (new Error().stack!.includes("resolveHbm")) throw new TypeError("boom");
      return "x";
    },
  };
  assert.throws(() => PimDesign.safeParse({ ...PIM_DESIGNS.attacc, hbm }), (e: unknown) => e instanceof TypeError && e.message === "boom");
});

test("zero is refused for the bank area, the stack power budget and the softmax rate (each an exclusive lower bound)", () => {
  // a bank of no area, a stack with no power, a softmax unit that never finishes: each is a division by zero later
  for (const [over, field] of [
    [{ area: { ...PIM_DESIGNS.attacc.area, bankAreaMm2: 0 } }, "area.bankAreaMm2"],
    [{ powerBudgetWattsPerStack: 0 }, "powerBudgetWattsPerStack"],
    [{ softmaxElementsPerClock: 0 }, "softmaxElementsPerClock"],
  ] as const) {
    const r = PimDesign.safeParse({ ...PIM_DESIGNS.attacc, ...over });
    assert.equal(r.success, false, field);
    assert.ok(r.error!.issues.some((i) => i.path.join(".") === field), `${field}: ${r.error!.issues.map((i) => i.path.join(".")).join(", ")}`);
  }
});

test("powerConstrainedMacSpacing defaults to true (AttAcc's power-constrained MAC spacing)", () => {
  const { powerConstrainedMacSpacing: _, ...rest } = PIM_DESIGNS.attacc;
  assert.equal(PimDesign.parse(rest).powerConstrainedMacSpacing, true);
});

test("FPUs per bank of an xPyB design is x / y: 1P2B has half an FPU per bank, 2P1B two", () => {
  assert.equal(pimFpusPerBank({ numFpus: 1, numBanksPerFpuGroup: 2 }), 0.5);
  assert.equal(pimFpusPerBank({ numFpus: 2, numBanksPerFpuGroup: 1 }), 2);
  assert.equal(pimFpusPerBank({ numFpus: 4, numBanksPerFpuGroup: 2 }), 2);
});
