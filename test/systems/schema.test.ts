import { test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { PIM_DESIGNS } from "../../src/hardware/pim/presets.ts";
import { roleDevices } from "../../src/systems/devices.ts";
import { SYSTEM_PRESETS } from "../../src/systems/presets.ts";
import { resolveSystem } from "../../src/systems/resolve.ts";
import { SystemDescriptionChecked, systemRuleViolations, type Roles } from "../../src/systems/schema.ts";

/** The consistency rules of a system (roles against units and fabrics), one at a time, with their messages. */
const units = {
  gpu: { kind: "gpu", count: 6 },
  "fc-pim": { kind: "pim", count: 30 },
  "attn-pim": { kind: "pim", count: 60 },
  hbm: { kind: "hbm", count: 30 },
};
const roles: Roles = {
  fc: [{ unit: "gpu", reduceOn: "gpuGpu" }, { unit: "fc-pim", reduceOn: "gpuGpu" }],
  attention: "attn-pim", attentionVia: ["attention"], kv: "attn-pim", weights: "fc-pim", elementwise: "gpu", prefill: { fc: "gpu", attention: "gpu" },
};
const fabrics = { gpuGpu: {}, attention: {}, pimPim: {} };
const rules = (patch: { roles?: Partial<Roles>; units?: object; tensorParallel?: number; fabrics?: object } = {}) =>
  systemRuleViolations({ units: (patch.units ?? units) as typeof units, roles: { ...roles, ...patch.roles }, tensorParallel: patch.tensorParallel ?? 6, fabrics: patch.fabrics ?? fabrics }).map((v) => `${v.path} ${v.message}`);

test("a consistent system breaks no rule; each rule alone names its field", () => {
  assert.deepEqual(rules(), []);
  assert.deepEqual(rules({ roles: { fc: [{ unit: "nope", reduceOn: "gpuGpu" }] } }), ['roles.fc.0 names unit "nope", which the system does not have (units: gpu, fc-pim, attn-pim, hbm)']);
  assert.deepEqual(rules({ roles: { fc: [{ unit: "hbm", reduceOn: "gpuGpu" }] } }), ['roles.fc.0 unit "hbm" (hbm) cannot run FC']);
  assert.deepEqual(rules({ roles: { fc: [{ unit: "attn-pim", reduceOn: "gpuGpu" }] } }), ['roles.fc.0 unit "attn-pim" computes in its own memory, so it must be the unit that holds the weights (roles.weights is "fc-pim")']);
  assert.deepEqual(rules({ roles: { fc: ["gpu"] } }), ["roles.fc.0 needs reduceOn (the fabric of its partial sums) with tensorParallel 6"]);
  assert.deepEqual(rules({ roles: { fc: ["gpu"] }, tensorParallel: 1, units: { ...units, gpu: { kind: "gpu", count: 1 } } }), [], "one group needs no collective");
  assert.deepEqual(rules({ roles: { fc: [{ unit: "gpu", reduceOn: "host" }] } }), ['roles.fc.0.reduceOn names fabric "host", which the system does not have (fabrics: gpuGpu, attention, pimPim)']);
  assert.deepEqual(rules({ roles: { fc: [{ unit: "gpu", reduceOn: "gpuGpu" }, { unit: "gpu", reduceOn: "gpuGpu" }] } }), ['roles.fc.1 names unit "gpu" twice']);
  assert.deepEqual(rules({ roles: { weights: "gpu", fc: [{ unit: "gpu", reduceOn: "gpuGpu" }], prefill: { fc: "gpu", attention: "gpu" } } }), ['roles.weights unit "gpu" (gpu) has no memory to hold weights']);
  assert.deepEqual(rules({ roles: { kv: "gpu" } }), ['roles.kv unit "gpu" (gpu) has no memory to hold the KV cache', 'roles.kv must be "attn-pim": attention there computes in the memory that holds the KV cache']);
  assert.deepEqual(rules({ roles: { attention: "hbm", kv: "hbm" } }), ['roles.attention unit "hbm" (hbm) cannot run attention']);
  assert.deepEqual(rules({ roles: { elementwise: "hbm" } }), ['roles.elementwise unit "hbm" (hbm) cannot run elementwise kernels']);
  assert.deepEqual(rules({ roles: { prefill: { fc: "attn-pim", attention: "gpu" } } }), ['roles.prefill.fc unit "attn-pim" computes in its own memory, so it must be the weights unit "fc-pim"']);
  assert.deepEqual(rules({ roles: { prefill: { fc: "gpu", attention: "fc-pim" } } }), ['roles.prefill.attention unit "fc-pim" computes in its own memory, so it must be the KV unit "attn-pim"']);
  assert.deepEqual(rules({ roles: { attentionVia: [] } }), ['roles.attentionVia attention runs on "attn-pim", away from "gpu": name the fabrics its inputs and outputs cross']);
  assert.deepEqual(rules({ roles: { attentionVia: ["host"] } }), ['roles.attentionVia.0 names fabric "host", which the system does not have (fabrics: gpuGpu, attention, pimPim)']);
});

test("tensor-parallel groups: one GPU per group, FC stacks split evenly (the 0.2 capacity bug: stacks past a multiple did nothing)", () => {
  assert.deepEqual(rules({ units: { ...units, gpu: { kind: "gpu", count: 4 } } }), ["units.gpu.count must equal tensorParallel (6), not 4: a GPU unit runs one tensor-parallel shard per GPU"]);
  assert.deepEqual(rules({ units: { ...units, "fc-pim": { kind: "pim", count: 32 } } }), ["units.fc-pim.count must be a multiple of tensorParallel (6), not 32: every tensor-parallel group owns the same number of stacks"]);
  // attention stacks hold no weights: any count
  assert.deepEqual(rules({ units: { ...units, "attn-pim": { kind: "pim", count: 41 } } }), []);
  const err = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"));
  err(() => resolveSystem("papi", {}, { numFcStacks: 11 }), /^system papi: units\.fc-pim\.count must be a multiple of tensorParallel \(6\), not 11/);
});

test("the six presets in 0.2's shape convert to exactly the units, roles and fabrics the presets write", async () => {
  const { toLegacy, fromLegacy } = await import("../../src/systems/legacy.ts");
  for (const [name, d] of Object.entries(SYSTEM_PRESETS)) {
    const old = toLegacy(d);
    assert.ok(old !== null, `${name} has a 0.2 shape`);
    assert.deepEqual(SystemDescriptionChecked.parse(fromLegacy(old!)), d, name);
  }
  // a system of other roles has none
  const custom = { ...SYSTEM_PRESETS.papi, roles: { ...SYSTEM_PRESETS.papi.roles, elementwise: "fc-pim", prefill: { fc: "fc-pim", attention: "attn-pim" } } };
  assert.equal(toLegacy(SystemDescriptionChecked.parse(custom))?.hostUnit, "pim");
});

test("today's config shape is accepted: a 0.2 patch of a preset, and a 0.2 description, resolve like the new shape", () => {
  const old = resolveSystem({ preset: "papi", attnStacks: { numStacks: 40 } });
  const now = resolveSystem({ preset: "papi", units: { "attn-pim": { count: 40 } } });
  assert.deepEqual(old, now);
  assert.equal(now.units["attn-pim"].count, 40);
  const err = (v: unknown, re: RegExp) => assert.throws(() => resolveSystem(v), (e: unknown) => e instanceof UserError && re.test(e.message));
  err({ preset: "papi", attnStacks: { numStacks: 40 }, units: {} }, /^system: mixes papi 0\.2 keys \(attnStacks\) with units/);
  err({ preset: "papi", fcUnits: ["tpu"] }, /^system\.fcUnits\.0: /);
});

test("resolving a preset keeps its description, units, roles and fabrics; counts and overrides apply by role", () => {
  const p = SYSTEM_PRESETS.papi;
  const s = resolveSystem("papi");
  assert.equal(s.name, "papi");
  assert.equal(s.description, p.description);
  assert.deepEqual(s.roles, p.roles);
  const d = roleDevices(s);
  assert.deepEqual([d.numGpus, d.numFcStacks, d.numAttnStacks], [6, 30, 60]);
  assert.deepEqual([s.fabrics.attention!.numLinks, s.fabrics.pimPim!.numLinks, s.fabrics.attention!.link.name], [6, 6, "pcie5"]);
  assert.equal(s.schedulerOverheadSec, p.schedulerOverheadSec);
  assert.deepEqual([d.fcPim!.name, d.attnPim!.name], ["fc-pim", "attn-pim"]);
  const c = resolveSystem("papi", { links: { attention: "cxl" }, hbm: { timing: { nRCD: 20 } } }, { numGpus: 4, numFcStacks: 8, numAttnStacks: 16 });
  const cd = roleDevices(c);
  assert.deepEqual([cd.numGpus, c.tensorParallel, cd.numFcStacks, cd.numAttnStacks], [4, 4, 8, 16]);
  assert.equal(c.fabrics.attention!.link.name, "cxl");
  assert.equal(c.fabrics.gpuGpu!.link.name, s.fabrics.gpuGpu!.link.name);
  // hardware.hbm reaches both PIM designs here, and the plain stacks of a baseline
  assert.deepEqual([cd.fcPim!.hbm.timing.nRCD, cd.attnPim!.hbm.timing.nRCD], [20, 20]);
  assert.equal(roleDevices(resolveSystem("a100-attacc", { hbm: { timing: { nRCD: 20 } } })).hbm.timing.nRCD, 20);
  assert.notEqual(d.fcPim!.hbm.timing.nRCD, 20);
});

test("hardware.hbm joins a design override without replacing it; without either the system's design is its preset as declared, with the run's assumptions filled", () => {
  const named = roleDevices(resolveSystem("papi", { fcPim: "attacc", hbm: { timing: { nRCD: 20 } } })).fcPim!;
  assert.deepEqual([named.name, named.hbm.timing.nRCD], ["attacc", 20]);
  const patched = roleDevices(resolveSystem("papi", { attnPim: { reductionElementsPerClock: 8 }, hbm: { timing: { nRCD: 20 } } })).attnPim!;
  assert.deepEqual([patched.name, patched.reductionElementsPerClock, patched.hbm.timing.nRCD], ["attn-pim", 8, 20]);
  // no override: the preset, and the fields it leaves to the run filled from the profile (papi: n-split, latched)
  assert.deepEqual(roleDevices(resolveSystem("papi")).fcPim, { ...PIM_DESIGNS["fc-pim"], fcMapping: "n-split", reuseReads: "latched" });
  assert.equal(roleDevices(resolveSystem("papi", {}, {}, { assumptions: { fcMapping: "k-split" } })).fcPim!.fcMapping, "k-split");
  // a design that names its own mapping keeps it whatever the assumption says
  assert.equal(roleDevices(resolveSystem("papi", { fcPim: { fcMapping: "auto" } }, {}, { assumptions: { fcMapping: "k-split" } })).fcPim!.fcMapping, "auto");
  // an inline design of the system description is the system's: its error names its path in the system
  const inline = { ...SYSTEM_PRESETS.papi, name: "x", units: { ...SYSTEM_PRESETS.papi.units, "fc-pim": { kind: "pim", design: { preset: "fc-pim", capacityBytes: 12345 }, count: 30 } } };
  assert.throws(() => resolveSystem(inline), (e: unknown) => e instanceof UserError && /^system\.units\.fc-pim\.design\.capacityBytes: declared 12345 B/.test(e.message));
});

test("an override of a device or fabric the system does not have, or a count that breaks a rule, is one line naming it", () => {
  const err = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"));
  err(() => resolveSystem("gpu-only", { fcPim: { numFpus: 2 } }), /^hardware\.fcPim: system gpu-only has no PIM design on the unit that holds its weights \(units\.hbm is hbm\)$/);
  err(() => resolveSystem("gpu-only", { attnPim: { numFpus: 2 } }), /^hardware\.attnPim: system gpu-only has no PIM design on a unit that serves attention/);
  err(() => resolveSystem("papi", { links: { attention: "nope" } }), /hardware\.links\.attention.*unknown link preset "nope"/);
  err(() => resolveSystem("papi", { fabrics: { attention: { numLinks: 0 } } }), /^hardware\.fabrics\.attention: numLinks: /);
  err(() => resolveSystem("papi", { fabrics: { gpuGpu: { collective: { algorithm: "in-switch" } } } }), /^system papi: fabrics\.gpuGpu\.collective: in-switch needs a switch topology/);
  const { host: _h, ...withoutHost } = SYSTEM_PRESETS.papi.fabrics;
  err(() => resolveSystem({ ...SYSTEM_PRESETS.papi, fabrics: withoutHost }, { fabrics: { host: { numLinks: 2 } } }), /^hardware\.fabrics\.host: system papi has no host fabric/);
  err(() => resolveSystem("papi", {}, { numGpus: 0 }), /^gpus: 0 would remove the GPUs of system papi/);
  err(() => resolveSystem("attacc-only", {}, { numGpus: 4 }), /^gpus: system attacc-only has no GPUs/);
  err(() => resolveSystem("gpu-only", {}, { numAttnStacks: 60 }), /^attnStacks: system gpu-only keeps its KV cache beside the weights/);
  err(() => resolveSystem("papi", {}, { gpus: 4 } as never), /^device counts: unknown key "gpus"; known: numGpus, numFcStacks, numAttnStacks$/);
});

test("0 attention stacks (0.2's --attn-stacks 0): attention moves to the elementwise unit, the KV cache beside the weights", () => {
  const zero = resolveSystem("papi", {}, { numAttnStacks: 0 });
  assert.equal(zero.units["attn-pim"], undefined);
  assert.deepEqual([zero.roles.attention, zero.roles.kv, zero.roles.attentionVia], ["gpu", "fc-pim", []]);
  assert.equal(roleDevices(zero).attnPim, null);
});

test("a count that is not a number says so, naming the field", () => {
  const r = SystemDescriptionChecked.safeParse({ ...SYSTEM_PRESETS.papi, units: { ...SYSTEM_PRESETS.papi.units, gpu: { kind: "gpu", device: "a100-hbm3", count: "six" } } });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues.map((i) => i.path.join(".")), ["units.gpu.count"]);
});

test("the assumption pimPartialSums moves the collectives of FC run in memory, and only those", () => {
  const s = resolveSystem("papi", {}, {}, { assumptions: { pimPartialSums: "host" } });
  assert.deepEqual(s.roles.fc, [{ unit: "gpu", reduceOn: "gpuGpu" }, { unit: "fc-pim", reduceOn: "host" }]);
  assert.deepEqual(resolveSystem("papi").roles.fc, SYSTEM_PRESETS.papi.roles.fc);
});
