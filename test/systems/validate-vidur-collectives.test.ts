import { test } from "node:test";
import assert from "node:assert/strict";
import { COLLECTIVE_PRESETS, collectiveSpecCost, type CollectiveSpec } from "../../src/fabric/collective-spec.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { loadVidurMeasurements, SHIPPED_VIDUR_PROFILES } from "../../src/node/vidur-measurements.ts";
import { collectiveErrors, fitCollective, fitEveryCollective, intraNodeRows, VIDUR_NODE_LINKS, type VidurNetworkRow } from "../../src/systems/fit-vidur-collectives.ts";

const link = LINK_PRESETS.nvlink3;
const rowsFrom = (spec: CollectiveSpec, sizes = [2048, 65536, 1 << 20, 8 << 20, 64 << 20]) => {
  let line = 1;
  return [2, 4, 8].flatMap((n) =>
    sizes.map((bytes): VidurNetworkRow => ({ line: ++line, numWorkers: n, devicesPerNode: n, bytes, measuredSec: collectiveSpecCost(spec, link, "all-reduce", bytes, n).timeSec })),
  );
};
const near = (a: number | undefined, b: number, rel: number, what: string) => assert.ok(a !== undefined && Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b}`);

test("the fit recovers the call overhead, message latency and bandwidth efficiency that generated the rows", () => {
  for (const algorithm of ["ring", "tree"] as const) {
    const truth = { algorithm, callOverheadSec: 12e-6, messageLatencySec: 1.5e-6, bandwidthEfficiency: 0.6 };
    const fit = fitCollective(algorithm, link, rowsFrom(truth));
    near(fit.spec.callOverheadSec, 12e-6, 1e-6, `${algorithm} c`);
    near(fit.spec.messageLatencySec, 1.5e-6, 1e-6, `${algorithm} alpha`);
    near(fit.spec.bandwidthEfficiency, 0.6, 1e-6, `${algorithm} eta`);
    assert.ok(fit.objective < 1e-20);
  }
  // one-shot sends one message per call: its overhead and message latency only count together
  const truth = { algorithm: "one-shot" as const, callOverheadSec: 12e-6, messageLatencySec: 1.5e-6, bandwidthEfficiency: 0.6 };
  const fit = fitCollective("one-shot", link, rowsFrom(truth));
  near(fit.spec.callOverheadSec! + fit.spec.messageLatencySec!, 13.5e-6, 1e-6, "one-shot c + alpha");
  near(fit.spec.bandwidthEfficiency, 0.6, 1e-6, "one-shot eta");
});

test("the fit keeps its parameters physical: no negative overhead, no efficiency above 1", () => {
  // a link twice as fast as nvlink3 and no fixed costs: unconstrained, eta would be 2
  const fast = rowsFrom({ algorithm: "ring" }).map((r) => ({ ...r, measuredSec: r.measuredSec / 2 }));
  const fit = fitCollective("ring", link, fast);
  assert.equal(fit.spec.bandwidthEfficiency, 1);
  assert.ok(fit.spec.callOverheadSec! >= 0 && fit.spec.messageLatencySec! >= 0);
});

test("only rows within one node are NVLink collectives", () => {
  const rows = [1, 2, 4].map((dpn, i): VidurNetworkRow => ({ line: i + 2, numWorkers: 4, devicesPerNode: dpn, bytes: 1e6, measuredSec: 1e-4 }));
  assert.deepEqual(intraNodeRows({ path: "p", node: "n", rows }).map((r) => r.devicesPerNode), [4]);
});

test("the eager NCCL presets are the best fits on Vidur's a100_dgx / h100_dgx rows (to their 3 significant digits)", () => {
  const m = loadVidurMeasurements(SHIPPED_VIDUR_PROFILES);
  for (const [node, preset] of [["a100_dgx", "nccl-eager-a100"], ["h100_dgx", "nccl-eager-h100"]] as const) {
    const file = m.network.find((f) => f.node === node)!;
    const l = LINK_PRESETS[VIDUR_NODE_LINKS[node]];
    const [best] = fitEveryCollective(l, intraNodeRows(file));
    const want = COLLECTIVE_PRESETS[preset].spec;
    assert.equal(best.algorithm, want.algorithm, node);
    for (const k of ["callOverheadSec", "messageLatencySec", "bandwidthEfficiency"] as const) near(best.spec[k], want[k]!, 5e-3, `${node} ${k}`);
    // the fitted preset beats AttAcc's A100 ring on the eager kernel times it was fitted to
    assert.ok(collectiveErrors(want, l, intraNodeRows(file)).all.medianAbsRelErr < collectiveErrors(COLLECTIVE_PRESETS["attacc-a100"].spec, l, intraNodeRows(file)).all.medianAbsRelErr);
  }
});
