import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { PIM_DESIGNS } from "../../src/hardware/pim/presets.ts";
import { SYSTEM_PRESETS } from "../../src/systems/presets.ts";
import { resolveSystem } from "../../src/systems/resolve.ts";
import { SystemDescriptionChecked, systemRuleViolations } from "../../src/systems/schema.ts";

/** The consistency rules of a system, one at a time, with their messages; and what resolving a system keeps. */
const ok = {
  gpu: { numGpus: 6 }, fcStacks: { design: "fc-pim", numStacks: 30 }, attnStacks: { design: "attn-pim", numStacks: 60 },
  fcUnits: ["gpu", "pim"] as ("gpu" | "pim")[], hostUnit: "gpu" as "gpu" | "pim", links: { numPimPimLinks: 1 },
};
const rules = (patch: object) => systemRuleViolations({ ...ok, ...patch } as typeof ok).map((v) => `${v.path} ${v.message}`);

test("a consistent system breaks no rule; each rule alone names its field", () => {
  assert.deepEqual(rules({}), []);
  assert.deepEqual(rules({ gpu: { numGpus: 0 }, fcUnits: ["pim"], hostUnit: "pim", links: { numPimPimLinks: 6 } }), []);
  assert.deepEqual(rules({ gpu: { numGpus: 0 }, fcUnits: ["gpu", "pim"], hostUnit: "pim", links: { numPimPimLinks: 6 } }), ["gpu.numGpus must be >= 1 when FC may run on the GPU (fcUnits has gpu)"]);
  assert.deepEqual(rules({ fcStacks: { design: null, numStacks: 30 }, fcUnits: ["gpu", "pim"] }), ["fcStacks.design FC on PIM (fcUnits has pim) needs a PIM design on the FC stacks"]);
  assert.deepEqual(rules({ attnStacks: { design: null, numStacks: 60 } }), ["attnStacks.design attention stacks need a PIM design"]);
  assert.deepEqual(rules({ gpu: { numGpus: 0 }, fcUnits: ["pim"], hostUnit: "pim", attnStacks: { design: null, numStacks: 0 }, links: { numPimPimLinks: 6 } }), [
    "attnStacks.numStacks must be >= 1 in a system without GPUs",
    "hostUnit is pim but the system has no attention stacks",
  ]);
  assert.deepEqual(rules({ gpu: { numGpus: 0 }, fcUnits: ["pim"], hostUnit: "gpu", links: { numPimPimLinks: 6 } }), ["hostUnit is gpu but the system has no GPUs"]);
  assert.deepEqual(rules({ fcStacks: { design: null, numStacks: 30 }, fcUnits: ["gpu"], hostUnit: "pim" }), ["hostUnit is pim but the FC stacks have no PIM design"]);
  assert.deepEqual(rules({ fcStacks: { design: "fc-pim", numStacks: 5 } }), ["fcStacks.numStacks must be >= gpu.numGpus (6): every tensor-parallel group needs its own FC stacks"]);
  assert.deepEqual(rules({ gpu: { numGpus: 6 }, fcStacks: { design: "fc-pim", numStacks: 6 } }), []);
  assert.deepEqual(rules({ gpu: { numGpus: 0 }, fcUnits: ["pim"], hostUnit: "pim", fcStacks: { design: "fc-pim", numStacks: 5 }, links: { numPimPimLinks: 6 } }), [
    "fcStacks.numStacks must be >= links.numPimPimLinks (6): every tensor-parallel group needs its own FC stacks",
  ]);
});

test("resolving a preset keeps its description, units, links and counts; counts and overrides apply", () => {
  const p = SYSTEM_PRESETS.papi;
  const s = resolveSystem("papi");
  assert.equal(s.name, "papi");
  assert.equal(s.description, p.description);
  assert.deepEqual(s.fcUnits, ["gpu", "pim"]);
  assert.equal(s.hostUnit, "gpu");
  assert.deepEqual([s.gpu.numGpus, s.fcStacks.numStacks, s.attnStacks.numStacks], [6, 30, 60]);
  assert.equal(s.links.numAttentionLinks, p.links.numAttentionLinks);
  assert.equal(s.links.numPimPimLinks, p.links.numPimPimLinks);
  assert.equal(s.schedulerOverheadSec, p.schedulerOverheadSec);
  assert.equal(s.fcStacks.design!.name, "fc-pim");
  assert.equal(s.attnStacks.design!.name, "attn-pim");
  const c = resolveSystem("papi", { links: { attention: "pcie5" }, hbm: { timing: { nRCD: 20 } } }, { numGpus: 4, numFcStacks: 8, numAttnStacks: 16 });
  assert.deepEqual([c.gpu.numGpus, c.fcStacks.numStacks, c.attnStacks.numStacks], [4, 8, 16]);
  assert.equal(c.links.attention.name, "pcie5");
  assert.equal(c.links.gpuGpu.name, s.links.gpuGpu.name);
  // hardware.hbm reaches the plain stacks and both PIM designs
  assert.deepEqual([c.fcStacks.hbm.timing.nRCD, c.fcStacks.design!.hbm.timing.nRCD, c.attnStacks.design!.hbm.timing.nRCD], [20, 20, 20]);
  assert.notEqual(s.fcStacks.design!.hbm.timing.nRCD, 20);
  // no attention stacks and no design: attention runs on the GPUs
  assert.equal(resolveSystem("gpu-only").attnStacks.design, null);
});

test("hardware.hbm joins a design override (preset name or patch) without replacing it; without either the system's design is its preset as declared", () => {
  // a design override and hbm together: both reach the FC stacks
  const named = resolveSystem("papi", { fcPim: "attacc", hbm: { timing: { nRCD: 20 } } }).fcStacks.design!;
  assert.deepEqual([named.name, named.hbm.timing.nRCD], ["attacc", 20]);
  const patched = resolveSystem("papi", { attnPim: { reductionElementsPerClock: 8 }, hbm: { timing: { nRCD: 20 } } }).attnStacks.design!;
  assert.deepEqual([patched.name, patched.reductionElementsPerClock, patched.hbm.timing.nRCD], ["attn-pim", 8, 20]);
  // no override at all: the preset unchanged, its declared capacity included
  assert.deepEqual(resolveSystem("papi").fcStacks.design, PIM_DESIGNS["fc-pim"]);
  assert.deepEqual(resolveSystem("papi").attnStacks.design, PIM_DESIGNS["attn-pim"]);
  // an inline design of the system description is the system's: its error names system.fcStacks.design, not hardware.fcPim
  const inline = { ...SYSTEM_PRESETS.papi, name: "x", fcStacks: { ...SYSTEM_PRESETS.papi.fcStacks, design: { preset: "fc-pim", capacityBytes: 12345 } } };
  assert.throws(() => resolveSystem(inline), (e: unknown) => e instanceof UserError && /^system\.fcStacks\.design\.capacityBytes: declared 12345 B/.test(e.message));
});

test("an override of a design the system does not have, or a count that breaks a rule, is one line naming it", () => {
  const err = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"));
  err(() => resolveSystem("gpu-only", { fcPim: { numFpus: 2 } }), /^hardware\.fcPim: system gpu-only has no PIM design on its fcStacks \(fcStacks\.design is null\)$/);
  err(() => resolveSystem("gpu-only", { attnPim: { numFpus: 2 } }), /^hardware\.attnPim: system gpu-only has no PIM design on its attnStacks/);
  err(() => resolveSystem("papi", {}, { numFcStacks: 3 }), /^system papi: fcStacks\.numStacks must be >= gpu\.numGpus \(6\)/);
  err(() => resolveSystem("papi", { links: { attention: "nope" } }), /hardware\.links\.attention.*unknown link preset "nope"/);
});

test("a count that is not a number says so, naming the field", () => {
  const r = SystemDescriptionChecked.safeParse({ ...SYSTEM_PRESETS.papi, gpu: { ...SYSTEM_PRESETS.papi.gpu, numGpus: "six" } });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`), ["gpu.numGpus: gpu.numGpus must be a number"]);
});

test("attention stacks: a design is kept at 0 stacks (and its override applies); without a design an override is an error, none gives null", () => {
  // papi's attention design is the attn-pim preset; 0 stacks does not erase it
  const zero = resolveSystem("papi", {}, { numAttnStacks: 0 });
  assert.equal(zero.attnStacks.numStacks, 0);
  assert.equal(zero.attnStacks.design?.name, PIM_DESIGNS["attn-pim"].name);
  assert.equal(resolveSystem("gpu-only").attnStacks.design, null);
  assert.throws(() => resolveSystem("gpu-only", { attnPim: "attacc" }), (e: unknown) => e instanceof UserError && /hardware\.attnPim: system gpu-only has no PIM design on its attnStacks/.test(e.message));
});
