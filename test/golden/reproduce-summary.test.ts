import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { GOLDEN_FILE, goldenDifferences, goldenSummary } from "./golden.ts";

// The headline numbers of `papi reproduce` pinned: a change to any model, preset, scheduler or report formula that
// moves them fails here. If the change is intended, regenerate the file with
//   npm run golden:update
// and explain the new numbers in the commit (the README's results table comes from the same run).
test("papi reproduce --json matches test/golden/reproduce-summary.json (numbers within 1e-9 relative)", async () => {
  const golden = JSON.parse(readFileSync(GOLDEN_FILE, "utf8"));
  const diffs = goldenDifferences(await goldenSummary(), golden);
  assert.deepEqual(diffs.slice(0, 20), [], `${diffs.length} differences from the golden summary (npm run golden:update if intended)`);
});

test("the golden file pins the README's headline numbers, both compute semantics and both assumption profiles", () => {
  const g = JSON.parse(readFileSync(GOLDEN_FILE, "utf8"));
  for (const s of [g, g.otherComputeSemantics, g.otherProfile]) {
    for (const b of ["a100-attacc", "a100-hbmpim", "attacc-only"]) {
      assert.equal(typeof s.fig8.speedupVs[b], "number", b);
      assert.equal(typeof s.fig8.energyEfficiencyVs[b], "number", b);
    }
    assert.deepEqual(Object.keys(s.fig4.crossoverTokens).sort(), ["attacc", "fc-pim", "hbm-pim"]);
    assert.ok(s.claims.length >= 6 && s.claims.every((c: { holds: unknown }) => typeof c.holds === "boolean"));
  }
  assert.equal(g.computeSemantics, "column-matched");
  assert.equal(g.otherComputeSemantics.computeSemantics, "decoupled-clock");
  assert.deepEqual([g.profile, g.otherComputeSemantics.profile, g.otherProfile.profile, g.otherProfile.computeSemantics], ["papi", "papi", "attacc-toolchain", "column-matched"]);
  // the bounds of every profile and semantics
  for (const s of [g, g.otherComputeSemantics, g.otherProfile]) {
    for (const k of ["mean", "min", "max"]) assert.equal(typeof s.bounds.fcOnly[k], "number", k);
    assert.equal(typeof s.bounds.fcPimAlone.fig11Ratio, "number");
  }
});

describe("the comparison", () => {
  test("catches a relative change above 1e-9, a lost or added key, a flipped verdict, a changed array length", () => {
    const golden = { a: 1.5, b: { holds: true, n: [1, 2] }, z: 0 };
    assert.deepEqual(goldenDifferences({ a: 1.5 * (1 + 5e-10), b: { holds: true, n: [1, 2] }, z: 0 }, golden), []);
    assert.equal(goldenDifferences({ a: 1.5 * (1 + 2e-9), b: { holds: true, n: [1, 2] }, z: 0 }, golden).length, 1);
    assert.equal(goldenDifferences({ a: 1.5, b: { holds: false, n: [1, 2] }, z: 0 }, golden).length, 1);
    assert.equal(goldenDifferences({ a: 1.5, b: { holds: true, n: [1] }, z: 0 }, golden).length, 1);
    assert.equal(goldenDifferences({ a: 1.5, b: { holds: true, n: [1, 2] } }, golden).length, 1);
    assert.equal(goldenDifferences({ a: 1.5, b: { holds: true, n: [1, 2] }, z: 0, extra: 1 }, golden).length, 1);
    assert.equal(goldenDifferences({ a: 1.5, b: { holds: true, n: [1, 2] }, z: 1e-300 }, golden).length, 1, "0 is pinned exactly");
  });
});
