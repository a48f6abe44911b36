import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { calibratedAlpha } from "../../src/scheduling/calibrate.ts";
import { fcPlacementTimeSec, makeOraclePolicy } from "../../src/scheduling/oracle.ts";
import { makePapiPolicy } from "../../src/scheduling/papi-online.ts";
import { SCHEDULER_NAMES } from "../../src/scheduling/policy.ts";
import { defaultScheduler, makePolicy } from "../../src/scheduling/registry.ts";
import { makeStaticPolicy } from "../../src/scheduling/static.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { fcIterationCost } from "../../src/systems/fc-cost.ts";

const model = MODEL_PRESETS["llama-65b"];
// at paper scale: papi (GPU + FC-PIM), gpu-only (FC on GPUs only), attacc-only (FC on PIM only)
const papi = buildSystem("papi", model);
const gpuOnly = buildSystem("gpu-only", model);
const pimOnly = buildSystem("attacc-only", model);

describe("scheduler registry", () => {
  test("the default: papi where FC may run on both units, else the one unit's static policy", () => {
    assert.deepEqual(papi.fc.map((f) => f.unit.name), ["gpu", "fc-pim"]);
    assert.equal(defaultScheduler(papi), "papi");
    assert.equal(defaultScheduler(gpuOnly), "static-gpu");
    assert.equal(defaultScheduler(pimOnly), "static-pim");
  });

  test("every name builds a policy of that name on a system that can run it", () => {
    for (const name of SCHEDULER_NAMES) assert.equal(makePolicy(name, papi).name, name);
    assert.equal(makePolicy("static-gpu", gpuOnly).name, "static-gpu");
    assert.equal(makePolicy("static-pim", pimOnly).name, "static-pim");
  });

  test("papi takes the override, else the calibrated alpha; the others have none (NaN)", () => {
    assert.equal(makePolicy("papi", papi, 7).alpha, 7);
    assert.equal(makePolicy("papi", papi, 0).alpha, 0); // 0 is a value, not "no override"
    assert.equal(makePolicy("papi", papi).alpha, calibratedAlpha(papi));
    for (const n of ["oracle", "static-gpu", "static-pim"]) assert.ok(Number.isNaN(makePolicy(n, papi).alpha), n);
  });

  test("a name the system cannot run, or an unknown name, is a one-line error naming it", () => {
    const err = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"));
    err(() => makePolicy("nope", papi), /^scheduler: unknown scheduler "nope" \(did you mean "[^"]+"\?\); known: papi, oracle, static-gpu, static-pim$/);
    err(() => makePolicy("papi", gpuOnly), /alpha needs a system whose roles.fc names two units .*; gpu-only names gpu$/);
    err(() => makePolicy("oracle", pimOnly), /scheduler "oracle" needs .* attacc-only runs it on fc-pim only/);
    err(() => makePolicy("static-gpu", pimOnly), /scheduler "static-gpu": system attacc-only cannot run FC on a GPU/);
    err(() => makePolicy("static-pim", gpuOnly), /scheduler "static-pim": system gpu-only cannot run FC on PIM/);
  });
});

describe("policies", () => {
  const snap = (numRequests: number, tokensPerRequest: number) => ({ numRequests, tokensPerRequest, numTokens: numRequests * tokensPerRequest });

  test("papi: GPU strictly above alpha (RLP x TLP), FC-PIM at or below", () => {
    const p = makePapiPolicy(32, "gpu", "pim");
    assert.equal(p.name, "papi");
    assert.equal(p.decide(snap(8, 4)), "pim"); // 32 = alpha -> FC-PIM
    assert.equal(p.decide(snap(11, 3)), "gpu"); // 33 > 32
    assert.equal(p.decide(snap(33, 1)), "gpu");
    assert.equal(p.decide(snap(1, 1)), "pim");
    // a prefill chunk riding with the decodes: the iteration's tokens decide, so a large chunk sends FC to the GPU
    assert.equal(p.decide({ numRequests: 2, tokensPerRequest: 1, numTokens: 2 + 512 }), "gpu");
    assert.equal(p.decide({ numRequests: 2, tokensPerRequest: 1, numTokens: 2 + 30 }), "pim");
  });

  test("static policies always answer their unit and are named after it", () => {
    for (const unit of ["gpu", "pim"] as const) {
      const p = makeStaticPolicy(`static-${unit}`, unit);
      assert.equal(p.name, `static-${unit}`);
      assert.ok(Number.isNaN(p.alpha));
      for (const [r, t] of [[1, 1], [64, 8], [1000, 256]]) assert.equal(p.decide(snap(r, t)), unit);
    }
  });

  test("the oracle's placement time is FC + communication + host work, and it picks the strictly faster unit", () => {
    for (const m of [1, 16, 64, 512]) {
      for (const unit of ["gpu", "fc-pim"] as const) {
        const c = fcIterationCost(papi, unit, m);
        assert.equal(fcPlacementTimeSec(papi, unit, m), c.fc.timeSec + c.comm.timeSec + c.other.timeSec);
        assert.ok(c.comm.timeSec > 0 || c.other.timeSec > 0, "a placement with nothing but FC would not test the sum");
      }
    }
    const o = makeOraclePolicy(papi);
    assert.equal(o.name, "oracle");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 8 }), (r, t) => {
        const pim = fcPlacementTimeSec(papi, "fc-pim", r * t);
        const gpu = fcPlacementTimeSec(papi, "gpu", r * t);
        assert.equal(o.decide(snap(r, t)), pim < gpu ? "fc-pim" : "gpu");
      }),
      { numRuns: 60, seed: 61 },
    );
    // both sides of the crossover occur at paper scale
    assert.equal(o.decide(snap(1, 1)), "fc-pim");
    assert.equal(o.decide(snap(128, 4)), "gpu");
  });
});
