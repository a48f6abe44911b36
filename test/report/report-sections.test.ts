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

  test("free reuse: FPU steps per (column, token) pair divide the spacing; a spacing of exactly 3 steps holds 3", () => {
    // 8 lanes per FPU: a 32-B column of FP16 (16 values) takes 2 steps per token; the paper's 4.615 ns spacing at
    // 666 MHz holds floor(3.07 / 2) = 1 pair: one token per spacing, nothing free
    assert.equal(pimProse({ hardware: { fcPim: { macLanesPerFpu: 8 } } }).freeReuse, "so AttAcc's 1P1B unit gets no reuse for free (one token per MAC spacing)");
    // 650 MHz = half of HBM3's 1.3 GHz command clock: 6 tCK hold exactly 3 steps (3 tokens), whatever the rounding of 6 / 1.3e9 x 6.5e8
    assert.equal(pimProse({ hardware: { fcPim: { fpuClockHz: 6.5e8 } } }).freeReuse, "so AttAcc's 1P1B unit reuses a column for 3 tokens at no cost");
  });

  test("a slower power-limited spacing is stated with its own number", () => {
    const setup: ReportSetup = { hardware: { hbm: { timing: { nCCDABPowerConstrained: 9 } } } };
    assert.match(semanticsSection(headlines, setup), /9 tCK apart under the power limit/);
    assert.match(drivers(setup, {}, headlines).join("\n"), /stretched to 9 cycles under the power limit/);
    // 9 x 0.769 ns = 6.92 ns at 666 MHz: floor(4.61) = 4 tokens
    assert.equal(pimProse(setup).freeReuse, "so AttAcc's 1P1B unit reuses a column for 4 tokens at no cost");
  });
});

describe("the report's tables from hand-made headlines", () => {
  const share = (fc: number, communication: number, gpuStatic: number, fcOnGpu: number) => ({
    latencyShare: { prefill: 0.1, fc, attention: 0.05, communication, other: 0.85 - fc - communication, idle: 0 },
    gpuStaticEnergyShare: gpuStatic, pimStaticEnergyShare: 0.02, fcOnGpuShare: fcOnGpu,
  });
  const mechanisms = {
    systems: { papi: share(0.4, 0.2, 0.3, 0.25), "a100-attacc": share(0.6, 0.1, 0.5, 1), "attacc-only": share(0.7, 0.05, 0, 0), "pim-only-papi": share(0.5, 0.3, 0, 0) },
    papiAlpha: { "llama-65b": 12, "gpt3-66b": 16, "gpt3-175b": null },
  };
  const fig8 = { speedupVs: { "attacc-only": 3.25 }, energyEfficiencyVs: { "a100-attacc": 1.5, "attacc-only": 0.75 }, geomean: { speedupVs: {}, energyEfficiencyVs: {} } };
  const h: Headlines[] = [
    { profile: "papi", computeSemantics: "column-matched", claims: [], mechanisms, fig8, fig11: { speedupVsAttaccOnly: { average: 2, b4s1: 1.25, b64s4: 3 } } } as Headlines,
    { profile: "papi", computeSemantics: "decoupled-clock", claims: [], fig11: { speedupVsAttaccOnly: { b4s1: 1.5 } } } as Headlines,
  ];
  const text = semanticsSection(h);

  test("headline rows only for what some semantics computed; blank where one did not", () => {
    assert.ok(text.includes("| Fig. 11: at B4 S1 | — | 1.25x | 1.50x |"), text);
    assert.ok(text.includes("| Fig. 11: PIM-only PAPI decode speedup vs AttAcc-only, mean | — | 2.00x |  |"));
    assert.ok(text.includes("| Fig. 8: PAPI speedup vs AttAcc-only | 11.10x | 3.25x |  |"));
    assert.ok(!text.includes("Fig. 12:"));
    assert.ok(text.includes("| PAPI alpha, LLaMA-65B | not given |"));
  });

  test("the mechanisms table: each system's latency and energy shares under the semantics that has them", () => {
    assert.ok(text.includes("| PAPI | column-matched | 10 % | 40 % | 5 % | 20 % | 25 % | 30 % | 2 % | 25 % |"), text);
    assert.ok(text.includes("| AttAcc-only | column-matched | 10 % | 70 % | 5 % | 5 % | 10 % | 0 % | 2 % | 0 % |"));
    assert.ok(!text.includes("| PAPI | decoupled-clock |"));
    assert.ok(text.includes("Where the time and energy go (means over the 27 Fig. 8 points"));
    assert.ok(text.includes("| system | semantics | prefill | FC | attention | communication | other | GPU static (of energy) | PIM static (of energy) | FC on GPU (iterations) |\n"));
  });

  test("the gap notes quote the measured shares", () => {
    // the notes follow the mechanisms table directly, speedup first
    assert.ok(text.includes("| 0 % | 2 % | 0 % |\n\n- **PAPI vs AttAcc-only, speedup**"), text);
    assert.ok(text.includes("- **PAPI vs AttAcc-only, speedup** (paper 11.1x): column-matched: 3.25x; AttAcc-only spends 70 % of its latency in FC and 5 % in collectives, PAPI 40 % and 20 %."));
    assert.ok(text.includes("communication is 5 % of AttAcc-only's latency and 30 % of PIM-only PAPI's, FC 70 % and 50 %"));
    assert.ok(text.includes("column-matched: 1.50x; GPU static power is 30 % of PAPI's energy and 50 % of A100+AttAcc's. Both systems hold the same 6 GPUs"), text);
    assert.ok(text.includes("column-matched: 0.75x; PAPI pays GPU static power (30 % of its energy), AttAcc-only none."));
    assert.ok(text.includes("PAPI ran FC on the GPU in 25 % of its iterations (alpha 12 / 16 / — for LLaMA-65B / GPT-3 66B / GPT-3 175B)"));
    assert.ok(text.includes("the grid's RLP x TLP is at most 64 x 4 = 256"));
  });

  test("the drivers quote the mechanisms, and why PAPI can use more energy than AttAcc-only", () => {
    const d = drivers(PAPER_SETUP, {}, h).join("\n");
    assert.match(d, /: 30 % of PAPI's energy and 50 % of A100\+AttAcc's/);
    // energy ratio 0.75 < 1 and GPU static power (30 %) above 1 - 0.75: the static power explains it
    assert.match(d, /and is why PAPI uses more energy than AttAcc-only/);
    assert.match(d, /Communication is 20 % of PAPI's latency, 10 % of A100\+AttAcc's and 5 % of AttAcc-only's/);
    assert.match(d, /PAPI ran FC on the GPU in 25 % of its decode iterations/);
    assert.match(d, /LLaMA-65B 12, GPT-3 66B 16, GPT-3 175B —/);
    // the links as resolved: "—" where a system or fabric is absent
    assert.match(d, /\*\*Links\*\*: the paper gives no bandwidths; attention stacks hang off — links, GPUs talk over —, and the FC stacks of PIM-only systems over —\./);
    const devices = { papi: { units: {}, fabrics: { attention: "6 x pcie5", gpuGpu: "nvlink3" } }, "attacc-only": { units: {}, fabrics: { pimPim: "nvlink3" } } };
    assert.match(drivers(PAPER_SETUP, devices, h).join("\n"), /attention stacks hang off 6 x pcie5 links, GPUs talk over nvlink3, and the FC stacks of PIM-only systems over nvlink3\./);
    const small = { ...mechanisms, systems: { ...mechanisms.systems, papi: share(0.4, 0.2, 0.2, 0.25) } };
    assert.doesNotMatch(drivers(PAPER_SETUP, {}, [{ ...h[0], mechanisms: small }]).join("\n"), /is why PAPI uses more energy/);
    assert.match(drivers(PAPER_SETUP, {}, [{ ...h[0], mechanisms: undefined }]).join("\n"), /alpha\*\*: calibrated per system and model as the first crossover of the offline sweep \(the paper gives no value\): —/);
  });
});

test("the speculation driver: ideal acceptance and no draft cost unless the setup sets them", () => {
  const spec = (setup: ReportSetup) => drivers(setup, {}, headlines).find((d) => d.startsWith("**Speculation**"))!;
  assert.equal(spec(PAPER_SETUP), "**Speculation**: ideal acceptance (every drafted token accepted), as the paper appears to assume; no draft-model cost.");
  assert.equal(spec({ hardware: {}, acceptanceRate: 0.8 }), "**Speculation**: acceptance rate 0.8 per drafted token (set by the setup); no draft-model cost.");
  assert.match(spec({ hardware: {}, draft: { timePerTokenSec: 0.001 } }), /; draft-model cost as the setup sets it\.$/);
  assert.match(spec({ hardware: {}, draft: { energyPerTokenJoules: 0.5 } }), /; draft-model cost as the setup sets it\.$/);
  assert.match(spec({ hardware: {}, draft: {} }), /; no draft-model cost\.$/);
});

test("the paper-vs-papi table: the main column, then the other semantics, profiles and protocols, blank where not computed", async () => {
  const { comparisonTable } = await import("../../src/report/report-sections.ts");
  const c = {
    key: "k", what: "PAPI speedup vs X", ours: 2.7, paper: 1.8, where: "§7.1",
    oursBySemantics: { "decoupled-clock": 3.1 }, oursByProfile: { "attacc-toolchain": 2.2 }, oursByProtocol: { "one-batch": 2.5 },
  };
  const t = comparisonTable([c, { ...c, what: "other", oursBySemantics: undefined, oursByProfile: undefined, oursByProtocol: undefined }], "all-batches", ["all-batches", "one-batch", "equal-lengths"], ["column-matched", "decoupled-clock"], ["papi", "attacc-toolchain"]);
  assert.ok(t.startsWith("| what | paper | papi (all-batches, column-matched, profile papi) | papi / paper | papi (decoupled-clock) | papi (profile attacc-toolchain) | papi (one-batch) | papi (equal-lengths) | where |"), t);
  assert.ok(t.includes("| PAPI speedup vs X | 1.80x | 2.70x | 1.50 | 3.10x | 2.20x | 2.50x |  | §7.1 |"), t);
  assert.ok(t.includes("| other | 1.80x | 2.70x | 1.50 |  |  |  |  | §7.1 |"));
  // no profiles given: no profile in the main column's title
  assert.ok(comparisonTable([c], "one-batch", ["one-batch"], ["column-matched"]).startsWith("| what | paper | papi (one-batch, column-matched) | papi / paper | where |"));
});

test("the semantics table's header names each semantics; Fig. 12's communication share is a percentage", () => {
  const hs: Headlines[] = [
    { profile: "papi", computeSemantics: "column-matched", claims: [], fig12: { fcSpeedup: 2, attentionSlowdown: 1.5, communicationShare: 0.1234 } } as Headlines,
    { profile: "papi", computeSemantics: "decoupled-clock", claims: [], fig12: { fcSpeedup: 3, attentionSlowdown: 1, communicationShare: 0.05 } } as Headlines,
  ];
  const text = semanticsSection(hs);
  assert.ok(text.includes("| headline | paper | column-matched | decoupled-clock |"));
  assert.ok(text.includes("| Fig. 12: communication share of PIM-only PAPI decode time | visible | 12.3 % | 5.0 % |"), text);
  assert.ok(text.includes("| Fig. 12: FC speedup, PIM-only PAPI over AttAcc-only | — | 2.00x | 3.00x |"));
  assert.ok(text.includes("the main figures use column-matched."));
});

test("the setup section: each change as a config path and its JSON value, then every system's units and fabrics", async () => {
  const { setupSection } = await import("../../src/report/report-sections.ts");
  const devices = { papi: { units: { gpu: "6 x a100-hbm3", fcPim: "30 x fc-pim" }, fabrics: { gpuGpu: "nvlink3", attention: "6 x pcie5" } } };
  const changed = setupSection([{ path: "hardware.fcPim.numFpus", value: 8 }, { path: "serving.batching", value: "static" }], devices);
  assert.ok(changed.includes("| config path | value |\n|---|---|\n| `hardware.fcPim.numFpus` | `8` |\n| `serving.batching` | `\"static\"` |"), changed);
  assert.ok(changed.includes("| PAPI | gpu: 6 x a100-hbm3; fcPim: 30 x fc-pim | gpuGpu: nvlink3; attention: 6 x pcie5 |"), changed);
  const same = setupSection([], devices);
  assert.ok(same.startsWith("The paper's setup: every system as its preset describes it"), same);
  assert.ok(!same.includes("config path"));
});
