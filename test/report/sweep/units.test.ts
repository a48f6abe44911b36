import { test } from "node:test";
import assert from "node:assert/strict";
import { titleWithUnit, unitOf } from "../../../src/report/sweep/units.ts";

test("units from name endings: compound ones before their parts", () => {
  const cases: [string, string][] = [
    ["hbmBandwidthBytesPerSec", "B/s"], ["peakFlopsPerSec", "FLOP/s"], ["linkBitsPerSec", "bit/s"], ["ioJoulesPerBit", "J/bit"],
    ["macJoulesPerMac", "J/MAC"], ["budgetWattsPerStack", "W"],
    ["tokensPerSec", "tokens/s"], ["ratePerSec", "1/s"], ["tokensPerJoule", "tokens/J"], ["ratePerJoule", "1/J"],
    ["energyJoules", "J"], ["fcPimPowerWatts", "W"], ["capacityBytes", "B"], ["areaMm2", "mm²"], ["latencySec", "s"], ["clockHz", "Hz"],
  ];
  for (const [name, unit] of cases) assert.equal(unitOf(name), unit, name);
});

test("a dotted path takes the unit of its last segment naming one; counts, ratios and bare suffixes have none", () => {
  assert.equal(unitOf("breakdownSec.fc"), "s");
  assert.equal(unitOf("hardware.fcPim.area.maxDieAreaMm2"), "mm²");
  assert.equal(unitOf("latencySec.energyJoules"), "J");
  for (const name of ["numFpus", "speedup", "Sec", "Joules", "Mm2", "hardware.fcPim.numFpus"]) assert.equal(unitOf(name), undefined, name);
  assert.equal(titleWithUnit("latencySec"), "latencySec (s)");
  assert.equal(titleWithUnit("numFpus"), "numFpus");
});
