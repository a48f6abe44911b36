import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fabricCollectiveCost, fabricMessageLatencySec } from "../../src/fabric/cost.ts";
import { COLLECTIVE_ALGORITHM_NAMES } from "../../src/fabric/collectives/index.ts";
import { TOPOLOGIES, TOPOLOGY_NAMES } from "../../src/fabric/topologies/index.ts";
import { LINK_PRESETS } from "../../src/hardware/links/presets.ts";
import { MODEL_PRESETS } from "../../src/models/registry.ts";
import { buildSystem } from "../../src/systems/build.ts";
import { fcLayersCost, lmHeadCost } from "../../src/systems/fc-cost.ts";
import { isCleanUserError, papi } from "../cli/helpers.ts";

/**
 * The topology registry (src/fabric/topologies/): its contract, and the extension path a new topology takes, shown
 * on the switch topology (one registered entry): a fabric with topology switch and in-switch collectives runs from
 * the command line, costs what the in-switch formula says, and in-switch on point-to-point wiring is refused.
 */

const linkArb = fc.record({
  preset: fc.constantFrom(...Object.values(LINK_PRESETS)),
  latencySec: fc.double({ min: 0, max: 1e-3, noNaN: true }),
});

describe("the topology registry", () => {
  test("every topology under its own name, with a description and a source; the schema's enum is the registry", () => {
    assert.deepEqual([...TOPOLOGIES.names], [...TOPOLOGY_NAMES]);
    for (const name of TOPOLOGIES.names) {
      const t = TOPOLOGIES.get(name);
      assert.equal(t.name, name);
      assert.ok(t.description.length > 10 && t.source.length > 10, name);
    }
    assert.throws(() => TOPOLOGIES.get("swich"), /unknown topology "swich" \(did you mean "switch"\?\)/);
  });

  test("supportsCollective is total over the collective algorithms; every algorithm runs on some topology", () => {
    for (const a of COLLECTIVE_ALGORITHM_NAMES) {
      const on = TOPOLOGIES.names.filter((t) => {
        const r = TOPOLOGIES.get(t).supportsCollective(a);
        assert.equal(typeof r, "boolean", `${t}.supportsCollective(${a})`);
        return r;
      });
      assert.ok(on.length > 0, `no topology runs ${a}`);
    }
    // the two of today: a switch runs everything, point-to-point all but in-switch reduction
    assert.deepEqual(COLLECTIVE_ALGORITHM_NAMES.filter((a) => !TOPOLOGIES.get("point-to-point").supportsCollective(a)), ["in-switch"]);
    assert.ok(COLLECTIVE_ALGORITHM_NAMES.every((a) => TOPOLOGIES.get("switch").supportsCollective(a)));
  });

  test("properties: a message never costs less than its link's latency; the switch adds its hop, once", () =>
    fc.assert(
      fc.property(linkArb, fc.double({ min: 0, max: 1e-3, noNaN: true }), ({ preset, latencySec }, switchLatencySec) => {
        const link = { ...preset, latencySec };
        for (const name of TOPOLOGIES.names) {
          const t = TOPOLOGIES.get(name).messageLatencySec(link, switchLatencySec);
          assert.ok(Number.isFinite(t) && t >= link.latencySec, `${name}: ${t} < ${link.latencySec}`);
        }
        assert.equal(TOPOLOGIES.get("point-to-point").messageLatencySec(link, switchLatencySec), latencySec);
        assert.equal(TOPOLOGIES.get("switch").messageLatencySec(link, switchLatencySec), latencySec + switchLatencySec);
      }),
    ));
});

describe("a switch with in-switch collectives", () => {
  const llama = MODEL_PRESETS["llama-65b"];
  const sw = { topology: "switch" as const, switchLatencySec: 0.5e-6, collective: { algorithm: "in-switch" as const } };

  test("on PAPI's GPUs: the all-reduces and the LM head's all-gather cost the in-switch formula, by hand", () => {
    const ctx = buildSystem("papi", llama, { fabrics: { gpuGpu: sw } });
    const f = ctx.spec.fabrics.gpuGpu!;
    assert.equal(f.topology, "switch");
    assert.equal(fabricMessageLatencySec(f), 3.03e-6 + 0.5e-6, "NVLink 3's latency plus the hop");
    // 24 tokens: an all-reduce of 24 x 8192 x 2 B = 393,216 B among 6 GPUs: 2 hops + B / 300 GB/s, 2 per layer;
    // energy: B up and B down per GPU, 2 x 6 x B over links at 1.3 pJ/bit
    const B = 24 * 8192 * 2;
    const c = fcLayersCost(ctx, "gpu", 24).comm;
    assert.ok(Math.abs(c.timeSec - 2 * 80 * (2 * 3.53e-6 + B / 300e9)) < 1e-15);
    assert.ok(Math.abs(c.energyJoules - 2 * 80 * (2 * 6 * B * 8 * 1.3e-12)) < 1e-15);
    // the LM head's logits, 24 x 32,000 x 2 B, all-gathered: 1 hop + 5/6 of them over one link; 6 B over links
    const V = 24 * 32000 * 2;
    const h = lmHeadCost(ctx, "gpu", 24).comm;
    assert.ok(Math.abs(h.timeSec - (3.53e-6 + ((5 / 6) * V) / 300e9)) < 1e-15);
    assert.ok(Math.abs(h.energyJoules - 6 * V * 8 * 1.3e-12) < 1e-15);
    // ring on the same switch: 2 (N - 1) messages per all-reduce; in-switch is cheaper in time here
    const ring = buildSystem("papi", llama, { fabrics: { gpuGpu: { ...sw, collective: { algorithm: "ring" } } } });
    assert.ok(fcLayersCost(ring, "gpu", 24).comm.timeSec > c.timeSec);
    assert.equal(fabricCollectiveCost(f, "all-reduce", 0, 6).timeSec, 0);
  });

  test("papi run --set ...topology=switch --set ...collective.algorithm=in-switch: each all-reduce pays the switch hop twice, the all-gather once", async () => {
    const base = ["run", "--system", "papi", "--requests", "8", "--trace", "fixed:32:9", "--batch", "8", "--set", "hardware.fabrics.gpuGpu.topology=switch", "--set", "hardware.fabrics.gpuGpu.collective.algorithm=in-switch", "--json"];
    const out = async (...extra: string[]) => {
      const r = await papi([...base, ...extra]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const a = await out();
    assert.equal(a.config.system.fabrics.gpuGpu.topology, "switch");
    assert.equal(a.config.system.fabrics.gpuGpu.collective.algorithm, "in-switch");
    const b = await out("--set", "hardware.fabrics.gpuGpu.switchLatencySec=1e-6");
    // every iteration (each decode iteration and the prefill) reduces on gpuGpu: 2 all-reduces per layer, 2 hops each,
    // and one all-gather of the logits: (2 x 80 x 2 + 1) x 1 us
    const perIteration = (2 * 80 * 2 + 1) * 1e-6;
    assert.ok(a.iterations >= 1);
    assert.ok(Math.abs(b.breakdownSec.communication - a.breakdownSec.communication - a.iterations * perIteration) < 1e-12);
    assert.ok(Math.abs(b.prefillSec - a.prefillSec - perIteration) < 1e-12, "the one prefill iteration");
    // and in-switch all-reduces beat the ring the papi preset uses
    const ring = await papi(["run", "--system", "papi", "--requests", "8", "--trace", "fixed:32:9", "--batch", "8", "--json"]);
    assert.ok(a.breakdownSec.communication < JSON.parse(ring.stdout).breakdownSec.communication);
  });

  test("in-switch on point-to-point wiring is a one-line error naming the fabric", async () => {
    const r = await papi(["run", "--system", "papi", "--requests", "4", "--set", "hardware.fabrics.gpuGpu.collective.algorithm=in-switch", "--json"]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.match(r.stderr, /fabrics\.gpuGpu\.collective: in-switch needs a switch topology \(fabrics\.gpuGpu\.topology is point-to-point\)/);
  });
});
