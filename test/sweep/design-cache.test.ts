import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { UserError } from "../../src/core/errors.ts";
import { nodeLoader } from "../../src/node/loader.ts";
import { parseRunConfig, systemOf, systemSpecOf } from "../../src/serving/run.ts";
import { DesignCache, designKey, MAX_ENTRIES } from "../../src/sweep/design-cache.ts";
import { evaluatePoint, makeEnv, prepareSweep } from "../../src/sweep/prepare.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";

const loader = nodeLoader();
const cfg = (raw: Record<string, unknown>) => parseRunConfig({ system: "papi", trace: "fixed:16:4", requests: 4, batch: 4, ...raw });

describe("the design cache of a sweep worker", () => {
  test("one resolution per design: the same objects for points that differ outside the system", () => {
    const cache = new DesignCache();
    const a = cache.specOrError(cfg({ batch: 4 }));
    const b = cache.specOrError(cfg({ batch: 16, spec: 2, trace: "fixed:8:8" }));
    assert.ok("spec" in a && "spec" in b);
    assert.equal(a.spec, b.spec);
    assert.deepEqual(a.spec, systemSpecOf(cfg({})));
    assert.equal(cache.context(cfg({ batch: 4 }), loader), cache.context(cfg({ batch: 64, seed: 3 }), loader));
    // the context is the one systemOf builds (same system, model, assumptions)
    const ctx = cache.context(cfg({}), loader);
    const ref = systemOf(cfg({}), loader);
    assert.deepEqual([ctx.spec, ctx.model, ctx.assumptions, ctx.kvCapacityBytes], [ref.spec, ref.model, ref.assumptions, ref.kvCapacityBytes]);
  });

  test("every system-relevant field makes another design", () => {
    const cache = new DesignCache();
    const base = cache.context(cfg({}), loader);
    for (const raw of [
      { system: "a100-attacc" }, { hardware: { fcPim: { numFpus: 2 } } }, { gpus: 3 }, { fcStacks: 36 }, { attnStacks: 42 },
      { profile: "attacc-toolchain" }, { assumptions: { pimRefreshEnergy: false } }, { model: "gpt3-66b" },
    ]) {
      const c = cfg(raw);
      assert.notEqual(cache.context(c, loader), base, JSON.stringify(raw));
      assert.deepEqual(cache.context(c, loader).spec, systemOf(c, loader).spec, JSON.stringify(raw));
    }
  });

  test("errors are remembered with the resolver's own message: a design that does not resolve, a model that does not fit", () => {
    const cache = new DesignCache();
    const big = cfg({ hardware: { fcPim: { numFpus: 8 } } });
    const r = cache.specOrError(big);
    assert.ok("error" in r && r.error instanceof UserError);
    assert.throws(() => systemSpecOf(big), { message: r.error.message });
    assert.equal(cache.specOrError(big), cache.specOrError(big));
    // gpt3-175b on 5 FC stacks: the weights do not fit; thrown on every call, with systemOf's message
    const small = cfg({ model: "gpt3-175b", fcStacks: 5 });
    let message = "";
    assert.throws(() => systemOf(small, loader), (e: Error) => ((message = e.message), e instanceof UserError));
    assert.throws(() => cache.context(small, loader), { message });
    assert.throws(() => cache.context(small, loader), { message });
    assert.throws(() => cache.context(big, loader), { message: r.error.message });
  });

  test(`keeps at most ${MAX_ENTRIES} designs, dropping the oldest`, () => {
    const cache = new DesignCache();
    const first = cfg({ fcStacks: 1 });
    const kept = cache.specOrError(first);
    assert.equal(cache.specOrError(first), kept);
    // designKey differs per seed-free field; fill with distinct attnStacks x fcStacks keys without resolving twice
    let n = 1;
    for (let f = 2; n < MAX_ENTRIES + 1; f++) for (let at = 0; at < 64 && n < MAX_ENTRIES + 1; at++, n++) cache.specOrError(cfg({ fcStacks: f, attnStacks: at }));
    assert.notEqual(cache.specOrError(first), kept); // evicted, resolved again
    assert.equal(designKey(first), designKey(cfg({ fcStacks: 1, batch: 64 })));
  });

  test("a sweep's rows are the same with one cache for all points as with a fresh one per point", () => {
    // feasible points, area-infeasible FC-PIM (8P1B), weights that do not fit (gpt3-175b on 6 stacks), stacks that do not
    // split over the 6 GPUs (10), another profile
    const spec = parseSweepSpec({
      base: { system: "papi", trace: "fixed:32:8", seed: 1 },
      grid: { "hardware.fcPim.numFpus": [1, 8], fcStacks: [6, 10, 30], model: ["llama-65b", "gpt3-175b"], profile: ["papi", "attacc-toolchain"], spec: [1, 4] },
      zip: [{ batch: [4, 16], requests: [4, 16] }],
      constraints: { area: {}, capacity: {}, power: {} },
      metrics: ["latencySec", "energyJoules", "areaMm2", "fcPimPowerWatts", "alpha"],
    });
    const prep = prepareSweep(spec, spec.base as Record<string, unknown>);
    const shared = makeEnv(loader);
    const statuses = new Set<string>();
    for (let i = 0; i < prep.expansion.numPoints; i++) {
      const row = evaluatePoint(prep, i, shared);
      assert.deepEqual(row, evaluatePoint(prep, i, makeEnv(loader)), `point ${i}`);
      statuses.add(`${row.status}:${String(row.reason).split(":")[0]}`);
    }
    // the grid reaches every outcome the cache keeps
    assert.deepEqual([...statuses].sort(), ["infeasible:area", "infeasible:capacity", "infeasible:config", "ok:"]);
  });
});

test("the design cache keeps the MAX_ENTRIES most recently used designs: a hit makes an entry newest, the least recently used goes first", () => {
  const cache = new DesignCache();
  const c = cfg({});
  const specOf = (key: string) => {
    const r = cache.specOrError(c, key);
    assert.ok("spec" in r);
    return r.spec;
  };
  const first = specOf("k0");
  const second = specOf("k1");
  const third = specOf("k2");
  for (let i = 3; i < MAX_ENTRIES; i++) specOf(`k${i}`);
  assert.equal(specOf("k0"), first, "full, nothing evicted yet; k0 is now the most recently used");
  const newest = specOf(`k${MAX_ENTRIES}`); // one past: the least recently used entry (k1) goes, not k0
  assert.equal(specOf(`k${MAX_ENTRIES}`), newest);
  assert.equal(specOf("k0"), first, "k0 was used recently and stays");
  assert.equal(specOf("k2"), third, "k2 stays");
  assert.notEqual(specOf("k1"), second, "k1 was evicted and is resolved again");
});

test("the relaxed system is computed once per design, an undefined outcome too", () => {
  const cache = new DesignCache();
  let calls = 0;
  const relax = (v: undefined | "spec") => () => (calls++, v as never);
  assert.equal(cache.relaxedSpec(cfg({}), relax(undefined)), undefined);
  assert.equal(cache.relaxedSpec(cfg({ batch: 16 }), relax("spec")), undefined, "same design: the remembered outcome");
  assert.equal(calls, 1);
  assert.equal(cache.relaxedSpec(cfg({ fcStacks: 20 }), relax("spec")), "spec");
  assert.equal(cache.relaxedSpec(cfg({ fcStacks: 20 }), relax(undefined)), "spec");
  assert.equal(calls, 2);
});
