import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { drivers, pimProse, semanticsSection } from "../../src/report/report-sections.ts";
import type { Headlines } from "../../src/report/semantics.ts";
import { PAPER_SETUP, type ReportSetup } from "../../src/report/setup.ts";

const headlines: Headlines[] = [{ profile: "papi", computeSemantics: "column-matched", claims: [] }, { profile: "papi", computeSemantics: "decoupled-clock", claims: [] }];

describe("the report's PIM prose comes from the designs under study", () => {
  test("the paper's setup: 6 tCK under the power limit, 666 MHz, 3 free tokens on AttAcc's 1P1B (hand-derived)", () => {
    // HBM3 5.2 Gb/s: tCK = 1 / (5.2e9 / 4) = 0.769 ns; nCCDAB under the power limit 6 -> 4.615 ns; one FPU step
    // (16 lanes, one 32-B column of FP16) takes 1 / 666 MHz = 1.502 ns: floor(4.615 / 1.502) = 3 tokens per spacing
    const p = pimProse(PAPER_SETUP);
    assert.equal(p.macSpacing, "6 tCK apart under the power limit");
    assert.equal(p.fpuClock, "666 MHz");
    assert.equal(p.freeReuse, "so AttAcc's 1P1B unit reuses a column for 3 tokens at no cost");
    assert.equal(p.fcPimLabel, "4P1B");
    const text = semanticsSection(headlines, PAPER_SETUP);
    assert.match(text, /6 tCK apart under the power limit/);
    assert.match(text, /at the 666 MHz FPU clock/);
  });

  test("a design under study that changes the spacing, the clock and the FPUs is described as it is", () => {
    // 1 GHz FPUs and no power-constrained spacing: nCCDAB 4 tCK = 3.077 ns holds floor(3.077 / 1) = 3 steps
    const setup: ReportSetup = { hardware: { fcPim: { fpuClockHz: 1e9, powerConstrainedMacSpacing: false } } };
    const text = semanticsSection(headlines, setup);
    assert.doesNotMatch(text, /6 tCK|666 MHz/);
    assert.match(text, /4 tCK apart \(nCCDAB; no power limit on the spacing\)/);
    assert.match(text, /at the 1000 MHz FPU clock/);
    // AttAcc-only's FC stacks take hardware.fcPim too: 1 FPU per bank, 3 steps per spacing -> 3 tokens
    assert.match(text, /AttAcc's 1P1B unit reuses a column for 3 tokens at no cost/);
    // with the FPU slowed to 400 MHz (2.5 ns a step) a 3.077 ns spacing holds one step: no free reuse
    assert.match(semanticsSection(headlines, { hardware: { fcPim: { fpuClockHz: 4e8, powerConstrainedMacSpacing: false } } }), /AttAcc's 1P1B unit gets no reuse for free/);
    const d = drivers(setup, {}, headlines).join("\n");
    assert.match(d, /MAC commands 4 cycles apart \(no power limit on the spacing\)/);
    assert.doesNotMatch(d, /6 cycles/);
  });

  test("a slower power-limited spacing is stated with its own number", () => {
    const setup: ReportSetup = { hardware: { hbm: { timing: { nCCDABPowerConstrained: 9 } } } };
    assert.match(semanticsSection(headlines, setup), /9 tCK apart under the power limit/);
    assert.match(drivers(setup, {}, headlines).join("\n"), /stretched to 9 cycles under the power limit/);
    // 9 x 0.769 ns = 6.92 ns at 666 MHz: floor(4.61) = 4 tokens
    assert.equal(pimProse(setup).freeReuse, "so AttAcc's 1P1B unit reuses a column for 4 tokens at no cost");
  });
});
