import { test } from "node:test";
import assert from "node:assert/strict";
import { fig8Grid, type Protocol } from "../../src/report/experiments.ts";
import { PAPER_STATED } from "../../src/report/paper.ts";
import { SENSITIVITY_PARAMETERS } from "../../src/report/sensitivity-parameters.ts";
import { pointKey, type SensitivityAnswer, type SensitivityTask } from "../../src/report/sensitivity-worker.ts";
import { sensitivityStudy, type SensitivityRuns } from "../../src/report/sensitivity.ts";
import { PAPER_SETUP } from "../../src/report/setup.ts";
import { fakeExperiments } from "./fake-experiments.ts";

/**
 * Hand-made runs: AttAcc-only 6 s, every other system 1 s, so PAPI's speedup over AttAcc-only is 6x (the paper: 11.1x,
 * missed). The rerun of "alpha" at factor f makes PAPI 1/f s: the ratio is then 6f (1.5, 3, 6, 12, 24), and it
 * reaches 11.1 between f = 1 and 2 at t = (11.1 - 6) / (12 - 6) = 0.85 of the way in log f: f = 2^0.85 = 1.80.
 */
const exp = fakeExperiments((p) => ({
  latencySec: p.system === "attacc-only" ? 6 : 1, energyJoules: 1, attentionLinkBandwidthSec: 0,
  breakdownJoules: { static: 0 } as never, staticJoulesBySource: { gpu: 0, pim: 0 }, prefillSec: 0,
}));
const protocol: Protocol = "one-batch";
const alpha = SENSITIVITY_PARAMETERS.findIndex((p) => p.name === "alpha");
const tasks: SensitivityTask[] = [];
const answers: SensitivityAnswer[] = [];
SENSITIVITY_PARAMETERS.forEach((p, param) => {
  if (p.adjust) return;
  for (const factor of p.factors.filter((f) => f !== 1)) {
    tasks.push({ trace: "t", seed: 1, protocol, setup: PAPER_SETUP, param, factor, systems: ["papi"] });
    const a: SensitivityAnswer = {};
    if (param === alpha) for (const { model, batch, spec } of fig8Grid()) a[pointKey("papi", model, batch, spec)] = { latencySec: 1 / factor, energyJoules: 1, iterations: 0, fcOnGpuIterations: 0 };
    answers.push(a);
  }
});
const missed = PAPER_STATED.filter((s) => s.key === "fig8.speedupVs.attacc-only");
const runs: SensitivityRuns = { missed, withFig11: false, tasks, structuralTasks: [], answers: Promise.resolve(answers), help: () => {} };

test("the study: each parameter's curve from its reruns (or the exact adjustment), and where it closes the gap", async () => {
  const s = await sensitivityStudy(exp, protocol, (key) => (key === missed[0].key ? { "one-batch": 6, "all-batches": 5 } : undefined), runs);
  assert.equal(s.missed.length, 1);
  const m = s.missed[0];
  assert.deepEqual([m.key, m.paper, m.ours], ["fig8.speedupVs.attacc-only", 11.1, 6]);
  assert.deepEqual(m.byProtocol, { "one-batch": 6, "all-batches": 5 });
  const a = m.parameters.find((p) => p.parameter === "alpha")!;
  assert.deepEqual(a.values.map((v) => [v.label, v.value]), [["x0.25", 1.5], ["x0.5", 3], ["x1", 6], ["x2", 12], ["x4", 24]]);
  assert.ok(Math.abs(a.closingFactor! - 2 ** 0.85) < 1e-9, `${a.closingFactor}`);
  // a parameter that changes nothing here never reaches the paper
  const gpu = m.parameters.find((p) => p.parameter === "GPU efficiency")!;
  assert.ok(gpu.values.every((v) => v.value === 6) && gpu.closingFactor === null);
  assert.deepEqual(m.parameters.find((p) => p.parameter === "PIM MAC spacing")!.values.map((v) => v.label), ["4 tCK", "6 tCK", "8 tCK", "12 tCK"]);
  // the exact adjustments: no attention-link time and no GPU static energy here, so nothing moves
  assert.ok(m.parameters.find((p) => p.parameter === "attention link bandwidth")!.values.every((v) => v.value === 6));
  assert.equal(m.parameters.length, SENSITIVITY_PARAMETERS.length);
  // the structural choices, all at 6x (the fake runs ignore them): none within 15 % of 11.1
  assert.ok(m.structural.length > 0 && m.structural.every((c) => c.reaches.length === 0 && c.values.every((v) => v.value === 6)));
  assert.equal(s.structural.rows.length, m.structural.length);
});

test("nothing missed: only the structural part", async () => {
  const s = await sensitivityStudy(exp, protocol, undefined, { ...runs, missed: [], tasks: [], answers: Promise.resolve([]) });
  assert.deepEqual(s.missed, []);
  assert.equal(s.structural.base["fig8.speedupVs.attacc-only"], 6);
});

/** A pool stand-in: answers each part on submission (in the order sent), recording that order. */
function fakePool(answer: (t: { systems: string[]; batches?: number[] }) => Record<string, unknown>) {
  const sent: { systems: string[]; batches?: number[] }[] = [];
  const pool = {
    submit: (tasks: { systems: string[]; batches?: number[] }[]) => {
      sent.push(...tasks);
      return { results: Promise.resolve(tasks.map(answer)), help: () => {} };
    },
  };
  return { pool: pool as never, sent };
}

test("adjustable: only parameters with an exact adjustment, and the arrival-sensitive one only without arrivals", async () => {
  const { adjustable } = await import("../../src/report/sensitivity.ts");
  const param = (name: string) => SENSITIVITY_PARAMETERS.find((p) => p.name === name)!;
  assert.equal(adjustable(param("alpha"), "fixed:64:9", "one-batch"), false);
  assert.equal(adjustable(param("GPU static power"), "azure-conv", "all-batches"), true);
  assert.equal(adjustable(param("attention link bandwidth"), "azure-conv", "one-batch"), true);
  assert.equal(adjustable(param("attention link bandwidth"), "fixed:64:9", "all-batches"), true);
  // the Azure trace replays real arrival times
  assert.equal(adjustable(param("attention link bandwidth"), "azure-conv", "all-batches"), false);
});

test("submitInParts: parts sent smallest batch first under all-batches, answers merged back per task in task order", async () => {
  const { submitInParts } = await import("../../src/report/sensitivity.ts");
  const { pool, sent } = fakePool((t) => ({ [`${t.systems[0]}|${t.batches![0]}`]: 1 }));
  const base = { trace: "t", seed: 1, protocol, setup: PAPER_SETUP, param: 0, factor: 2 };
  const b = submitInParts(pool, [{ ...base, systems: ["papi"] }, { ...base, systems: ["a100-attacc"] }], "all-batches");
  assert.deepEqual(sent.map((t) => `${t.systems[0]}/${t.batches![0]}`), ["papi/4", "a100-attacc/4", "papi/16", "a100-attacc/16", "papi/64", "a100-attacc/64"]);
  assert.deepEqual(await b.results, [{ "papi|4": 1, "papi|16": 1, "papi|64": 1 }, { "a100-attacc|4": 1, "a100-attacc|16": 1, "a100-attacc|64": 1 }]);
});

test("startSensitivityRuns: the missed numbers, one rerun per (parameter without an exact adjustment, factor != 1), and the structural tasks", async () => {
  const { startSensitivityRuns } = await import("../../src/report/sensitivity.ts");
  // PAPI 0.5 s, every other system 1 s, energy 1 J everywhere: speedups 2x (1.8 and 1.9 within 15 %, 11.1 missed),
  // energy efficiency 1x (3.4 missed, 1.15 within 15 %)
  const e = Object.assign(fakeExperiments((p) => ({ latencySec: p.system === "papi" ? 0.5 : 1 })), { trace: "t", seed: 1 });
  const { pool, sent } = fakePool(() => ({}));
  const r = startSensitivityRuns(e, protocol, false, pool);
  assert.deepEqual(r.missed.map((m) => m.key), ["fig8.speedupVs.attacc-only", "fig8.energyEfficiencyVs.a100-attacc"]);
  assert.equal(r.withFig11, false);
  // MAC spacing 3, FPUs 2, PIM-side latency 4, GPU efficiency 3, all-reduce latency 4, alpha 4 (the attention link and
  // GPU static power are adjusted exactly)
  assert.equal(r.tasks.length, 3 + 2 + 4 + 3 + 4 + 4);
  assert.ok(r.tasks.every((t) => t.factor !== 1 && t.trace === "t" && t.seed === 1));
  assert.deepEqual(r.tasks[0].systems, ["papi", "attacc-only", "a100-attacc"]);
  assert.ok(r.structuralTasks.length > 0);
  const answers = await r.answers;
  assert.equal(answers.length, r.tasks.length + r.structuralTasks.length);
  assert.equal(sent.length, 3 * 3 * r.tasks.length + r.structuralTasks.reduce((n, t) => n + t.systems.length * 3, 0));
  r.help();
  // nothing missed: no parameter reruns
  const same = Object.assign(fakeExperiments((p) => ({ latencySec: p.system === "papi" ? 1 / 1.8 : p.system === "attacc-only" ? 11.1 / 1.8 : 1, energyJoules: p.system === "papi" ? 1 / 3.4 : p.system === "attacc-only" ? 1.15 / 3.4 : 1 })), { trace: "t", seed: 1 });
  const none = startSensitivityRuns(same, protocol, true, fakePool(() => ({})).pool);
  assert.deepEqual(none.missed, []);
  assert.deepEqual(none.tasks, []);
  assert.equal(none.withFig11, true);
});
