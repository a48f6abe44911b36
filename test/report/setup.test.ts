import { roleDevices } from "../../src/systems/devices.ts";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  PAPER_SETUP, applySetup, mainComputeSemantics, mainProfile, otherProfile, setupChanges, setupDevices, setupPimDesign, setupSystem, withComputeSemantics, withProfile,
  type ReportSetup,
} from "../../src/report/setup.ts";

const point = (system: string) => ({ system, model: "llama-65b", batch: 4, spec: 2 });
const h100: ReportSetup = { hardware: { gpu: "h100-sxm" }, gpus: 8, fcStacks: 40, attnStacks: 40 };

test("the paper's setup leaves a point as it is (same object: the run cache and the sensitivity study rely on it)", () => {
  const p = point("papi");
  assert.equal(applySetup(p, PAPER_SETUP), p);
});

test("each system takes only the parts of the setup that fit it", () => {
  const papi = applySetup(point("papi"), h100);
  assert.deepEqual([papi.hardware, papi.gpus, papi.fcStacks, papi.attnStacks], [{ gpu: "h100-sxm" }, 8, 40, 40]);
  // AttAcc-only has no GPU: no GPU device, no GPU count (it would gain GPUs it cannot use)
  const attacc = applySetup(point("attacc-only"), h100);
  assert.deepEqual([attacc.hardware, attacc.gpus, attacc.fcStacks], [undefined, undefined, 40]);
  // A100+AttAcc has plain FC stacks: hardware.fcPim would be an error there, so it is left out
  const fcPatch: ReportSetup = { hardware: { fcPim: { computeSemantics: "decoupled-clock" }, attnPim: { computeSemantics: "decoupled-clock" } } };
  assert.deepEqual(applySetup(point("a100-attacc"), fcPatch).hardware, { attnPim: { computeSemantics: "decoupled-clock" } });
  assert.deepEqual(Object.keys(applySetup(point("papi"), fcPatch).hardware ?? {}).sort(), ["attnPim", "fcPim"]);
});

test("a point's own overrides (a probe, a sensitivity factor) go on top of the setup's", () => {
  const p = applySetup({ ...point("papi"), hardware: { gpu: { staticPowerWatts: 0 } } }, h100);
  assert.deepEqual(p.hardware, { gpu: { preset: "h100-sxm", staticPowerWatts: 0 } });
  const s = setupSystem({ ...point("papi"), hardware: { gpu: { staticPowerWatts: 0 } } }, h100);
  assert.equal(roleDevices(s).gpu!.name, "h100-sxm");
  assert.equal(roleDevices(s).gpu!.staticPowerWatts, 0);
  assert.equal(roleDevices(s).numGpus, 8);
});

test("withComputeSemantics switches every PIM design of every system, keeping the setup's other changes", () => {
  const dc = withComputeSemantics({ hardware: { fcPim: "2p1b", hbm: { timing: { nCCDABPowerConstrained: 8 } } } }, "decoupled-clock");
  for (const system of ["a100-attacc", "a100-hbmpim", "attacc-only", "papi", "pim-only-papi"]) {
    const s = setupSystem(point(system), dc);
    for (const d of [roleDevices(s).fcPim, roleDevices(s).attnPim]) {
      if (d === null) continue;
      assert.equal(d.computeSemantics, "decoupled-clock", system);
      assert.equal(d.hbm.timing.nCCDABPowerConstrained, 8, system);
    }
  }
  assert.equal(roleDevices(setupSystem(point("papi"), dc)).fcPim!.numFpus, 2, "fcPim: 2p1b kept");
  assert.equal(mainComputeSemantics(PAPER_SETUP), "column-matched");
  assert.equal(mainComputeSemantics(dc), "decoupled-clock");
});

test("device-level figures resolve a design in its role: fcPim reaches FC designs, attnPim attention-only ones", () => {
  const s: ReportSetup = { hardware: { attnPim: { numFpus: 2 }, hbm: "hbm3e" } };
  assert.equal(setupPimDesign(s, "attnPim", "hbm-pim").numFpus, 2);
  assert.equal(setupPimDesign(s, "fcPim", "fc-pim").numFpus, 4);
  assert.equal(setupPimDesign(s, "fcPim", "fc-pim").hbm.name, "hbm3e", "hardware.hbm reaches every stack");
});

test("profiles: the setup's (papi by default), the other one, and every point of the other one takes it", () => {
  assert.equal(mainProfile(PAPER_SETUP), "papi");
  assert.equal(otherProfile("papi"), "attacc-toolchain");
  assert.equal(otherProfile("attacc-toolchain"), "papi");
  const at = withProfile(h100, "attacc-toolchain");
  assert.equal(mainProfile(at), "attacc-toolchain");
  assert.equal(applySetup(point("attacc-only"), at).profile, "attacc-toolchain");
  assert.deepEqual({ ...withProfile(at, "papi") }, h100, "the default profile stays implicit");
  // the setup's own assumption overrides survive the switch
  assert.deepEqual(withProfile({ hardware: {}, assumptions: { fcMapping: "auto" } }, "attacc-toolchain").assumptions, { fcMapping: "auto" });
});

test("device-level figures' PIM designs take the setup's assumptions where the design leaves them open", () => {
  assert.equal(setupPimDesign(PAPER_SETUP, "fcPim", "fc-pim").reuseReads, "latched");
  assert.equal(setupPimDesign({ hardware: {}, profile: "attacc-toolchain" }, "fcPim", "fc-pim").reuseReads, "per-command");
  assert.equal(setupPimDesign({ hardware: {}, assumptions: { fcMapping: "k-split" } }, "fcPim", "attacc").fcMapping, "k-split");
  // a design that names its own keeps it
  assert.equal(setupPimDesign({ hardware: { fcPim: { fcMapping: "n-split" } }, assumptions: { fcMapping: "k-split" } }, "fcPim", "fc-pim").fcMapping, "n-split");
});

test("setupChanges lists every leaf the setup sets, in a stable order", () => {
  const s: ReportSetup = { hardware: { links: { gpuGpu: "nvlink4" }, gpu: { preset: "h100-sxm", staticPowerWatts: 0 } }, gpus: 8, draft: { timePerTokenSec: 1e-3 } };
  assert.deepEqual(setupChanges(s), [
    { path: "hardware.gpu.preset", value: "h100-sxm" },
    { path: "hardware.gpu.staticPowerWatts", value: 0 },
    { path: "hardware.links.gpuGpu", value: "nvlink4" },
    { path: "gpus", value: 8 },
    { path: "draft.timePerTokenSec", value: 1e-3 },
  ]);
  assert.deepEqual(setupChanges(PAPER_SETUP), []);
});

test("setupDevices names each system's devices and marks the ones the setup modified", () => {
  const paper = setupDevices(PAPER_SETUP, ["papi", "attacc-only"]);
  assert.deepEqual(paper.papi, {
    units: {
      gpu: "6 x a100-hbm3",
      "fc-pim": "30 x fc-pim (4P1B, column-matched) on hbm3-5.2",
      "attn-pim": "60 x attn-pim (1P2B, column-matched) on hbm3-5.2",
    },
    fabrics: { gpuGpu: "nvlink3", attention: "6 x pcie5", pimPim: "6 x nvlink3", host: "6 x pcie5" },
  });
  assert.equal(paper["attacc-only"].units.gpu, undefined);
  const patched = setupDevices({ hardware: { gpu: { staticPowerWatts: 0 }, hbm: { timing: { nCCDABPowerConstrained: 8 } } } }, ["papi"]).papi;
  assert.equal(patched.units.gpu, "6 x a100-hbm3 (modified)");
  assert.match(patched.units["fc-pim"], /fc-pim \(modified\) .* on hbm3-5\.2 \(modified\)/);
});

describe("properties", () => {
  test("a setup's GPU and counts reach every GPU system and never a GPU-less one", () =>
    fc.assert(
      fc.property(
        fc.constantFrom(undefined, "a100-80gb", "h100-sxm", "h200-sxm"),
        fc.option(fc.constantFrom(1, 2, 3, 4, 5, 6, 10, 12), { nil: undefined }), // divisors of the 60 FC stacks
        fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }),
        (gpu, gpus, attnStacks) => {
          const setup: ReportSetup = { hardware: gpu === undefined ? {} : { gpu }, gpus, attnStacks, fcStacks: 60 };
          for (const system of ["a100-attacc", "papi"]) {
            const s = setupSystem(point(system), setup);
            assert.equal(roleDevices(s).gpu!.name, gpu ?? "a100-hbm3");
            assert.equal(roleDevices(s).numGpus, gpus ?? 6);
            assert.equal(roleDevices(s).numAttnStacks, attnStacks ?? 60);
          }
          for (const system of ["attacc-only", "pim-only-papi"]) {
            const s = setupSystem(point(system), setup);
            assert.equal(roleDevices(s).numGpus, 0);
            assert.equal(roleDevices(s).numFcStacks, 60);
          }
        },
      ),
      { numRuns: 30 },
    ));
});

test("a point's own profile stays over the setup's; no profile key when neither names one", () => {
  const p = { system: "papi", model: "llama-65b", batch: 4, spec: 1 };
  assert.equal(applySetup({ ...p, profile: "papi" as const }, { hardware: {}, profile: "attacc-toolchain" }).profile, "papi");
  assert.equal(applySetup(p, { hardware: {}, profile: "attacc-toolchain" }).profile, "attacc-toolchain");
  assert.equal("profile" in applySetup(p, { hardware: {}, gpus: 6 }), false);
});

test("the setup's acceptance rate, draft cost and assumptions fill what a point leaves open; none appear when the setup has none", () => {
  const setup: ReportSetup = { hardware: {}, acceptanceRate: 0.5, draft: { timePerTokenSec: 0.001 }, assumptions: { fcMapping: "k-split" } };
  const open = applySetup(point("papi"), setup);
  assert.deepEqual([open.acceptanceRate, open.draft, open.assumptions], [0.5, { timePerTokenSec: 0.001 }, { fcMapping: "k-split" }]);
  const own = applySetup({ ...point("papi"), acceptanceRate: 0.9, draft: { energyPerTokenJoules: 1 }, assumptions: { fcMapping: "auto" as const, pimReuseReads: "latched" as const } }, setup);
  assert.deepEqual([own.acceptanceRate, own.draft, own.assumptions], [0.9, { energyPerTokenJoules: 1 }, { fcMapping: "auto", pimReuseReads: "latched" }]);
  const bare = applySetup(point("papi"), { hardware: {}, gpus: 6 });
  for (const k of ["acceptanceRate", "draft", "assumptions", "attnStacks", "fcStacks"]) assert.equal(k in bare, false, k);
  // a system without attention stacks takes no attention-stack count
  assert.equal("attnStacks" in applySetup(point("gpu-only"), { hardware: {}, attnStacks: 40 }), false);
  assert.equal(applySetup(point("papi"), { hardware: {}, attnStacks: 40 }).attnStacks, 40);
});
