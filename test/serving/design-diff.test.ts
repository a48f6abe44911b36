import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { basePresetOf, designSummary, designUnderStudy, leafDifferences, markStaleDescriptions, readableChanges, STALE_DESCRIPTION_MARK, withDesignUnderStudy } from "../../src/serving/design-diff.ts";
import { runOnce } from "../../src/serving/run.ts";
import { resolveSystem } from "../../src/systems/resolve.ts";
import { PIM_DESIGNS } from "../../src/hardware/pim/presets.ts";

describe("design under study", () => {
  test("the preset a system value starts from", () => {
    assert.equal(basePresetOf("papi"), "papi");
    assert.equal(basePresetOf({ preset: "attacc-only", gpu: { numGpus: 0 } }), "attacc-only");
    assert.equal(basePresetOf({ name: "papi", description: "x" }), "papi", "a written-out preset (config.yaml) compares with its preset");
    assert.equal(basePresetOf({ name: "mine" }), null);
    assert.equal(basePresetOf("nope"), null);
    for (const v of [null, undefined, 42, ["papi"]]) assert.equal(basePresetOf(v), null, JSON.stringify(v));
  });

  test("leaf differences: nested objects walked, arrays as leaves, one-sided keys counted", () => {
    assert.deepEqual(leafDifferences({ a: { b: 1, c: [1, 2] }, d: 3 }, { a: { b: 1, c: [1] }, e: 4 }, "x"), [
      { path: "x.a.c", value: [1, 2], presetValue: [1] },
      { path: "x.d", value: 3, presetValue: undefined },
      { path: "x.e", value: undefined, presetValue: 4 },
    ]);
    // an object on one side only is walked to its leaves, on either side
    assert.deepEqual(leafDifferences({ a: 1 }, { a: 1, b: { c: 2, d: [1] } }, "x"), [
      { path: "x.b.c", value: undefined, presetValue: 2 },
      { path: "x.b.d", value: undefined, presetValue: [1] },
    ]);
    assert.deepEqual(leafDifferences({ a: 1, b: { c: 2 } }, { a: 1 }, "x"), [{ path: "x.b.c", value: 2, presetValue: undefined }]);
  });

  test("the one-line summary: no design, a system of its own, an unchanged preset", () => {
    assert.equal(designSummary(undefined, "S", {}), "S");
    assert.equal(designSummary({ preset: null, changes: [] }, "S", {}), "S: a system of its own (no preset to compare with)");
    assert.equal(designSummary({ preset: "papi", changes: [] }, "S", {}), "papi preset, unchanged");
    const one = { preset: "papi", changes: [{ path: "system.units.fc-pim.design.numFpus", value: 2, presetValue: 4 }] };
    assert.equal(designSummary(one, "S", {}), "papi preset with system.units.fc-pim.design.numFpus = 2 (preset: 4)");
  });

  test("every overridden leaf is listed against the preset's value, whatever the override route, and nothing else", () => {
    const via = (hardware: object, counts = {}) => designUnderStudy("papi", resolveSystem("papi", hardware, counts)).changes;
    assert.deepEqual(via({ fcPim: { numFpus: 2 } }), [{ path: "system.units.fc-pim.design.numFpus", value: 2, presetValue: 4 }]);
    assert.deepEqual(via({}, { numGpus: 3 }), [
      { path: "system.units.gpu.count", value: 3, presetValue: 6 },
      { path: "system.tensorParallel", value: 3, presetValue: 6 },
      { path: "system.fabrics.host.numLinks", value: 3, presetValue: 6 },
    ]);
    assert.deepEqual(via({}), []);
    // a whole system written {preset, ...}
    assert.deepEqual(designUnderStudy({ preset: "papi", attnStacks: { numStacks: 40 } }, resolveSystem({ preset: "papi", attnStacks: { numStacks: 40 } })).changes, [
      { path: "system.units.attn-pim.count", value: 40, presetValue: 60 },
    ]);
  });

  test("a device swapped for another preset reads as one line; its fields stay in the full list", () => {
    const sys = resolveSystem("papi", { hbm: "hbm3e" });
    const d = designUnderStudy("papi", sys);
    assert.ok(d.changes.length > 10);
    assert.ok(d.changes.every((c) => c.path.includes(".hbm.")));
    assert.deepEqual(readableChanges(d, sys).map((c) => `${c.path}=${String(c.value)}`), [
      "system.units.fc-pim.design.hbm=hbm3e", "system.units.attn-pim.design.hbm=hbm3e",
    ]);
  });

  test("descriptions that no longer hold are marked, once; those that do are kept", () => {
    const sys = resolveSystem("papi", { fcPim: { numFpus: 2 }, attnPim: "attacc" });
    const d = designUnderStudy("papi", sys);
    const marked = markStaleDescriptions(sys, d);
    assert.ok(marked.description.endsWith(STALE_DESCRIPTION_MARK));
    const units = marked.units as unknown as Record<string, { design: { description: string } }>;
    assert.ok(units["fc-pim"].design.description.endsWith(STALE_DESCRIPTION_MARK), "fc-pim's text claims 4 FPUs per bank");
    assert.ok(!units["attn-pim"].design.description.endsWith(STALE_DESCRIPTION_MARK), "attacc's own text describes attacc");
    assert.ok(!marked.fabrics.attention!.link.description.endsWith(STALE_DESCRIPTION_MARK));
    assert.deepEqual(markStaleDescriptions(marked, d), marked, "idempotent");
    assert.equal(sys.description.endsWith(STALE_DESCRIPTION_MARK), false, "the input is not modified");
    const plain = resolveSystem("papi");
    assert.deepEqual(markStaleDescriptions(plain, designUnderStudy("papi", plain)), plain);
  });

  test("a device block is stale only when it carries a preset's own description with other values (a dropped field is no change)", () => {
    const fcPim = PIM_DESIGNS["fc-pim"] as unknown as Record<string, unknown>;
    const desc = (block: Record<string, unknown>) => (markStaleDescriptions({ description: "s", u: block }, { preset: "papi", changes: [] }) as { description: string; u: { description: string } });
    assert.equal(desc({ ...fcPim, numFpus: 2 }).u.description, `${fcPim.description}${STALE_DESCRIPTION_MARK}`);
    // its own text: it describes itself, whatever its values
    assert.equal(desc({ ...fcPim, description: "my own", numFpus: 2 }).u.description, "my own");
    // a declared value dropped to be recomputed (capacityBytes) is not a different value
    const { capacityBytes: _c, ...dropped } = fcPim;
    assert.equal(desc(dropped).u.description, fcPim.description);
    assert.equal(desc(dropped).description, "s", "no design change: the system's own text holds");
  });

  test("withDesignUnderStudy: the result carries the design; the hash is of the config as written", () => {
    const base = runOnce({ requests: 2, trace: "fixed:16:4" });
    const same = withDesignUnderStudy(base, "papi");
    assert.equal(same.configHash, base.configHash, "nothing changed: the hash stays");
    const r = withDesignUnderStudy(runOnce({ requests: 2, trace: "fixed:16:4", hardware: { fcPim: { numFpus: 2 } } }), "papi");
    assert.deepEqual(r.designUnderStudy.changes.map((c) => c.path), ["system.units.fc-pim.design.numFpus"]);
    // rerunning the written config gives the same hash and design
    const again = withDesignUnderStudy(runOnce({ ...r.config, system: r.config.system } as never), r.config.system);
    assert.equal(again.configHash, r.configHash);
    assert.deepEqual(again.designUnderStudy, r.designUnderStudy);
  });
});
