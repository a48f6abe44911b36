import { test } from "node:test";
import assert from "node:assert/strict";
import { specToSvg, type VegaLiteSpec } from "../../src/report/plot.ts";
import { latencyHistogram, pimPowerChart, schedulerChart, splitChart, systemsChart } from "../../src/report/run-charts.ts";
import { RunRecorder } from "../../src/serving/recorder.ts";
import { runOnce } from "../../src/serving/run.ts";

/** Renders to SVG and fails on any vega-lite / vega warning. */
async function svgOf(spec: VegaLiteSpec): Promise<string> {
  const warnings: unknown[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    const svg = await specToSvg(spec);
    assert.deepEqual(warnings, []);
    return svg;
  } finally {
    console.warn = original;
  }
}

const recorder = new RunRecorder();
const run = runOnce({ trace: "fixed:64:32", requests: 48, batch: 16, spec: [1, 4], batching: "continuous", ratePerSec: 50 }, { recorder });

test("the explorer's run charts render without warnings, with the run's own values", async () => {
  const sched = await svgOf(schedulerChart(recorder.iterations, run.alpha, "scheduler"));
  assert.match(sched, new RegExp(`alpha = ${run.alpha}`));
  await svgOf(latencyHistogram(recorder.requests, "ttftSec", "TTFT"));
  const split = splitChart(run, "split") as unknown as { layer: { data: { values: { quantity: string; part: string; value: number }[] } }[] };
  // the latency bar's parts add up to the run's latency (prefill + decode + idle), the energy bar's to its energy
  const parts = split.layer[0].data.values;
  const sum = (q: string) => parts.filter((p) => p.quantity === q).reduce((s, p) => s + p.value, 0);
  assert.ok(Math.abs(sum("latency") - run.latencySec) <= 1e-9 * run.latencySec, `${sum("latency")} vs ${run.latencySec}`);
  assert.ok(Math.abs(sum("energy") - run.energyJoules) <= 1e-9 * run.energyJoules, `${sum("energy")} vs ${run.energyJoules}`);
  await svgOf(splitChart(run, "split"));
});

test("systems chart: two bars per finite system, failed systems left out; power chart: the budget line", async () => {
  const rows = [
    { label: "A100+AttAcc", speedupVsA100Attacc: 1, energyEfficiencyVsA100Attacc: 1 },
    { label: "PAPI", speedupVsA100Attacc: 1.8, energyEfficiencyVsA100Attacc: 3.4 },
    { label: "GPU-only", speedupVsA100Attacc: NaN, energyEfficiencyVsA100Attacc: NaN },
  ];
  const spec = systemsChart(rows, "t", "s") as unknown as { data: { values: unknown[] } };
  assert.equal(spec.data.values.length, 4);
  const svg = await svgOf(systemsChart(rows, "t", "s"));
  assert.ok(svg.includes("PAPI") && !svg.includes("GPU-only"));
  const power = await svgOf(pimPowerChart([{ reuse: 1, watts: 20, fpuPeakWatts: 300 }, { reuse: 4, watts: 22, fpuPeakWatts: 90 }], 116, "power"));
  assert.match(power, /budget 116 W/);
});

test("energy by device: one bar per device group that spent energy, stacked by kind, the bars summing to the run's energy", async () => {
  const { energyByDeviceChart } = await import("../../src/report/run-charts.ts");
  const r = runOnce({ system: "papi", trace: "fixed:64:16", requests: 8, batch: 4, spec: 2 });
  const spec = energyByDeviceChart(r, "energy") as unknown as { layer?: { data?: { values: { device: string; kind: string; joules: number }[] } }[]; data?: { values: { device: string; kind: string; joules: number }[] } };
  const values = spec.data?.values ?? spec.layer!.find((l) => l.data)!.data!.values;
  assert.deepEqual([...new Set(values.map((v) => v.device))], ["gpu", "fc-pim", "attn-pim", "links"], "hbm and draft spent nothing");
  const total = values.reduce((a, v) => a + v.joules, 0);
  assert.ok(Math.abs(total - r.energyJoules) <= 1e-9 * r.energyJoules, `${total} vs ${r.energyJoules}`);
  const svg = await svgOf(energyByDeviceChart(r, "energy"));
  for (const d of ["gpu", "fc-pim", "attn-pim", "links"]) assert.match(svg, new RegExp(`>${d}<`));
});

test("energy by device without the total in its title: two runs' charts differ only in their data (the explorer updates the drawn chart)", async () => {
  const { energyByDeviceChart } = await import("../../src/report/run-charts.ts");
  const { specSkeleton } = await import("../../src/web/spec-skeleton.ts");
  const a = runOnce({ system: "papi", trace: "fixed:64:16", requests: 8, batch: 4, spec: 2 });
  const b = runOnce({ system: "papi", trace: "fixed:64:16", requests: 8, batch: 8, spec: 2 });
  assert.notEqual(a.energyJoules, b.energyJoules);
  assert.equal(specSkeleton(energyByDeviceChart(a, "e", false)).skeleton, specSkeleton(energyByDeviceChart(b, "e", false)).skeleton);
  assert.notEqual(specSkeleton(energyByDeviceChart(a, "e")).skeleton, specSkeleton(energyByDeviceChart(b, "e")).skeleton, "the total is in the default title");
  assert.match(JSON.stringify(energyByDeviceChart(a, "e")), new RegExp(`${a.energyJoules.toPrecision(4)} J in all`));
});

test("pure spec data: iterations sampled to at most MAX_CHART_POINTS, the time split in ms, TPOT only for multi-token requests", async () => {
  const { sampleEvery, iterationTimeChart } = await import("../../src/report/run-charts.ts");
  // 5 rows, at most 2: every ceil(5/2) = 3rd row
  assert.deepEqual(sampleEvery([0, 1, 2, 3, 4], 2), [0, 3]);
  assert.deepEqual(sampleEvery([0, 1], 2), [0, 1]);
  const it = { iteration: 7, rlp: 2, tlp: 3, fcUnit: "gpu", fcSec: 0.001, attentionSec: 0.002, communicationSec: 0.0005, otherSec: 0.004 };
  const time = iterationTimeChart([it as never], "t") as unknown as { title: { text: string }; data: { values: { iteration: number; phase: string; ms: number }[] }; encoding: { x: { field: string; title: string } } };
  assert.deepEqual([time.encoding.x.field, time.encoding.x.title], ["iteration", "decode iteration"]);
  assert.deepEqual(time.data.values, [
    { iteration: 7, phase: "FC", ms: 1 }, { iteration: 7, phase: "attention", ms: 2 }, { iteration: 7, phase: "communication", ms: 0.5 }, { iteration: 7, phase: "other", ms: 4 },
  ]);
  assert.deepEqual(time.title, { text: "t" });
  type Layered = { layer: { data: { values: Record<string, unknown>[] }; encoding: Record<string, { field: string }> }[] };
  const sched = schedulerChart([it as never, { ...it, iteration: 8, fcUnit: "fc-pim" } as never], 5, "s") as unknown as Layered;
  assert.deepEqual(sched.layer[0].data.values, [
    { iteration: 7, tokens: 6, rlp: 2, tlp: 3, fc: "GPU" }, { iteration: 8, tokens: 6, rlp: 2, tlp: 3, fc: "FC-PIM" },
  ]);
  assert.deepEqual(sched.layer[1].data.values, [{ alpha: 5 }]);
  assert.deepEqual(sched.layer[2].data.values, [{ alpha: 5, label: "alpha = 5" }]);
  // the rule and its label sit at y = alpha
  assert.deepEqual([sched.layer[1].encoding.y.field, sched.layer[2].encoding.y.field, sched.layer[2].encoding.text.field], ["alpha", "alpha", "label"]);
  assert.equal((schedulerChart([], null, "s") as unknown as Layered).layer.length, 1);
  assert.equal((schedulerChart([], Infinity, "s") as unknown as Layered).layer.length, 1);
  const reqs = [{ ttftSec: 0.5, tpotSec: 0.02, outputTokens: 3 }, { ttftSec: 0.25, tpotSec: 0, outputTokens: 1 }] as never[];
  type Hist = { data: { values: { v: number }[] }; encoding: { x: { title: string } } };
  assert.deepEqual((latencyHistogram(reqs, "tpotSec", "p") as unknown as Hist).data.values, [{ v: 20 }]);
  const ttft = latencyHistogram(reqs, "ttftSec", "p") as unknown as Hist;
  assert.deepEqual(ttft.data.values, [{ v: 0.5 }, { v: 0.25 }]);
  assert.equal(ttft.encoding.x.title, "TTFT (s)");
});

test("run charts by hand: energy labels from 8 % of a bar, systems with any non-finite ratio left out, TPOT in ms", async () => {
  const { energyByDeviceChart } = await import("../../src/report/run-charts.ts");
  const d = (compute: number, dram: number, st: number) => ({ compute, dram, transfer: 0, static: st, refresh: 0, total: compute + dram + st });
  const r = { energyJoules: 10.7, energyByDevice: { gpu: d(9, 1, 0.7), draft: d(0, 0, 0) } } as unknown as Parameters<typeof energyByDeviceChart>[0];
  const spec = energyByDeviceChart(r, "e") as unknown as { layer: { data: { values: Record<string, unknown>[] } }[] };
  // 9 / 10.7 and 1 / 10.7 (9.3 %) are labelled; 0.7 / 10.7 (6.5 %) fits but is left blank; the draft spent nothing: no bar
  assert.deepEqual(spec.layer[1].data.values.map((l) => l.__t), ["9.00 J", "1.00 J", ""]);
  assert.ok(spec.layer[0].data.values.every((v) => v.device === "gpu"));
  const rows = [
    { label: "A", speedupVsA100Attacc: 1, energyEfficiencyVsA100Attacc: 1 },
    { label: "B", speedupVsA100Attacc: 2, energyEfficiencyVsA100Attacc: NaN },
    { label: "C", speedupVsA100Attacc: Infinity, energyEfficiencyVsA100Attacc: 2 },
  ];
  assert.deepEqual((systemsChart(rows, "t", "s") as unknown as { data: { values: { system: string }[] } }).data.values.map((v) => v.system), ["A", "A"]);
  const tpot = latencyHistogram([{ ttftSec: 1, tpotSec: 0.002, outputTokens: 2 }] as never[], "tpotSec", "p") as unknown as { encoding: { x: { title: string } } };
  assert.equal(tpot.encoding.x.title, "TPOT (ms)");
});

test("run charts' legends keep the phase and unit order; the scheduler's subtitle names the rule", async () => {
  const { iterationTimeChart } = await import("../../src/report/run-charts.ts");
  type E = { encoding: { color: { scale: { domain: string[] } }; y: { title: string } } };
  const time = iterationTimeChart([], "t") as unknown as E;
  assert.deepEqual(time.encoding.color.scale.domain, ["FC", "attention", "communication", "other"]);
  assert.equal(time.encoding.y.title, "time per iteration (ms)");
  const sched = schedulerChart([], 3, "s") as unknown as { title: { subtitle: string }; layer: E[] };
  assert.deepEqual(sched.layer[0].encoding.color.scale.domain, ["GPU", "FC-PIM"]);
  assert.match(sched.title.subtitle, /RLP x TLP > alpha/);
  const split = splitChart({ breakdownSec: { fc: 1, attention: 1, communication: 0, other: 0 }, breakdownJoules: { prefill: 0, fc: 1, attention: 1, communication: 0, other: 0, static: 0 }, prefillSec: 0, idleSec: 0 } as never, "split") as unknown as { width: number; layer: { data: { values: { quantity: string }[] } }[] };
  assert.deepEqual([...new Set(split.layer[0].data.values.map((v) => v.quantity))], ["latency", "energy"]);
  assert.ok(split.width < 500, "a small chart beside the others");
});
