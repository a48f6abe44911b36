import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { flatten } from "../../src/report/compare.ts";
import { boundsOf } from "../../src/report/bounds.ts";
import { Experiments, type PointSpec } from "../../src/report/experiments.ts";
import { fig8Summary } from "../../src/report/figures/fig8.ts";
import { isSetupsChoice, optionChanges, resolvedChoice, STRUCTURAL_CHOICES, withOption } from "../../src/report/sensitivity-structural.ts";
import { idlePowerAnswer, structuralHeadlines, structuralStudy, structuralSystems, structuralTasks } from "../../src/report/sensitivity-structural-study.ts";
import { pointKey, runStructuralTask, type StructuralAnswer } from "../../src/report/sensitivity-worker.ts";
import { applySetup, PAPER_SETUP, setupSystem, type ReportSetup } from "../../src/report/setup.ts";
import { parseRunConfig, resolvedConfigOf, systemOf } from "../../src/serving/run.ts";
import { PROFILES } from "../../src/systems/profiles.ts";

const SETUPS: Record<string, ReportSetup> = { papi: PAPER_SETUP, "attacc-toolchain": { hardware: {}, profile: "attacc-toolchain" } };
const SYSTEMS = structuralSystems(true);
const point = (system: string): PointSpec => ({ system, model: "llama-65b", batch: 4, spec: 2 });

/** Every leaf of a point's resolved run config (RunResult.config) under the setup, by path. */
function resolvedLeaves(p: PointSpec, setup: ReportSetup): Map<string, string> {
  const cfg = parseRunConfig(applySetup(p, setup));
  return flatten(resolvedConfigOf(cfg, systemOf(cfg)));
}

describe("each structural option applies what it says, and nothing else", () => {
  for (const [profile, setup] of Object.entries(SETUPS)) {
    test(`profile ${profile}: the resolved config differs in exactly the choice's fields`, () => {
      for (const c of STRUCTURAL_CHOICES) {
        for (const o of c.options) {
          const changed: string[] = [];
          for (const system of ["papi", "attacc-only"]) {
            const base = resolvedLeaves(point(system), setup);
            const alt = resolvedLeaves(withOption(point(system), o, setup), setup);
            const paths = [...new Set([...base.keys(), ...alt.keys()])].filter((k) => base.get(k) !== alt.get(k));
            for (const path of paths) assert.ok(c.touches.some((t) => path.startsWith(t)), `${c.name} -> ${o.label} on ${system} changes ${path}`);
            changed.push(...paths);
            for (const [k, v] of Object.entries(o.assumptions ?? {})) assert.equal(alt.get(`assumptions.${k}`), JSON.stringify(v), `${c.name} -> ${o.label}`);
          }
          // an option is the setup's own exactly when it changes nothing that the choice reads
          assert.equal(changed.length > 0, !isSetupsChoice(c, o, setup), `${c.name} -> ${o.label}: ${changed.join(", ")}`);
        }
      }
    });
  }

  test("under each profile exactly one option of every choice is the profile's own, and it is the profile's value", () => {
    for (const [profile, setup] of Object.entries(SETUPS)) {
      for (const c of STRUCTURAL_CHOICES) {
        const own = c.options.filter((o) => isSetupsChoice(c, o, setup, SYSTEMS));
        assert.equal(own.length, 1, `${profile}: ${c.name}: ${own.map((o) => o.label).join(", ")}`);
        for (const [k, v] of Object.entries(own[0].assumptions ?? {})) assert.equal(PROFILES.get(profile).assumptions[k as "fcMapping"], v, `${profile}: ${c.name}`);
        assert.ok(own[0].source.length > 0 && c.options.every((o) => o.source.length > 0), c.name);
      }
    }
    // the profiles differ in these choices, so their own options differ
    const own = (setup: ReportSetup, name: string) => STRUCTURAL_CHOICES.find((c) => c.name === name)!.options.find((o) => isSetupsChoice(STRUCTURAL_CHOICES.find((c) => c.name === name)!, o, setup))!.label;
    for (const name of ["PIM token reuse", "GPU static power", "PIM-side transfers", "Attention links", "PIM-only collectives"]) assert.notEqual(own(SETUPS.papi, name), own(SETUPS["attacc-toolchain"], name), name);
  });
});

describe("which systems an option reruns", () => {
  const exp = new Experiments("fixed:64:9", 1);
  test("a system an option is not rerun for runs exactly as under the setup (so skipping it is right)", () => {
    for (const c of STRUCTURAL_CHOICES) {
      for (const o of c.options) {
        for (const system of SYSTEMS) {
          if (optionChanges(c, o, point(system), exp.setup)) continue;
          const base = exp.run(point(system), "one-batch");
          const alt = exp.run(withOption(point(system), o, exp.setup), "one-batch");
          assert.equal(alt.latencySec, base.latencySec, `${c.name} -> ${o.label} on ${system}`);
          assert.equal(alt.energyJoules, base.energyJoules, `${c.name} -> ${o.label} on ${system}`);
        }
      }
    }
  });

  test("a worker task reruns exactly the systems the option changes, under the option", () => {
    const choice = STRUCTURAL_CHOICES.findIndex((c) => c.name === "GPU collectives");
    const option = STRUCTURAL_CHOICES[choice].options.findIndex((o) => o.label === "nccl-graph");
    const a = runStructuralTask({ trace: exp.trace, seed: 1, protocol: "one-batch", setup: PAPER_SETUP, systems: SYSTEMS, choice, option });
    const systems = [...new Set(Object.keys(a).map((k) => k.split("|")[0]))].sort();
    assert.deepEqual(systems, ["a100-attacc", "a100-hbmpim", "papi"], "the GPU systems only");
    assert.equal(Object.keys(a).length, 3 * 27);
    const p = point("papi");
    const r = exp.run(withOption(p, STRUCTURAL_CHOICES[choice].options[option], exp.setup), "one-batch");
    assert.equal(a[pointKey("papi", p.model, p.batch, p.spec)].latencySec, r.latencySec);
    assert.ok(r.latencySec !== exp.run(p, "one-batch").latencySec, "the collective moves PAPI's latency");
  });
});

describe("idle-power-only choices without a rerun", () => {
  test("GPU static power and PIM refresh, switched either way, equal a rerun (energy and time)", () => {
    for (const setup of Object.values(SETUPS)) {
      const exp = new Experiments("fixed:64:9", 1, setup);
      for (const c of STRUCTURAL_CHOICES.filter((x) => x.idlePowerOnly)) {
        for (const o of c.options.filter((x) => !isSetupsChoice(c, x, setup, SYSTEMS))) {
          const answer: StructuralAnswer = idlePowerAnswer(exp, "one-batch", c, o, SYSTEMS);
          assert.ok(Object.keys(answer).length >= 27, `${c.name} -> ${o.label}`);
          for (const [key, v] of Object.entries(answer)) {
            const [system, model, batch, spec] = key.split("|");
            const r = exp.run(withOption({ system, model, batch: Number(batch), spec: Number(spec) }, o, setup), "one-batch");
            assert.ok(Math.abs(v.energyJoules - r.energyJoules) <= 1e-9 * r.energyJoules, `${c.name} -> ${o.label} ${key}: ${v.energyJoules} vs ${r.energyJoules}`);
            assert.equal(v.latencySec, r.latencySec);
            assert.notEqual(v.energyJoules, exp.run({ system, model, batch: Number(batch), spec: Number(spec) }, "one-batch").energyJoules);
          }
        }
      }
    }
  });
});

describe("the structural study", () => {
  test("the setup's row is the report's own numbers; a switched row reads the task's answers", () => {
    const exp = new Experiments("fixed:64:9", 1);
    const base = structuralHeadlines(exp, "one-batch", true);
    const f8 = fig8Summary(exp, "one-batch").summary;
    assert.equal(base["fig8.speedupVs.attacc-only"], f8.speedupVs["attacc-only"]);
    assert.equal(base["fig8.energyEfficiencyVs.a100-attacc"], f8.energyEfficiencyVs["a100-attacc"]);
    const b = boundsOf(exp, "one-batch", ["fig8", "fig11"])!.bounds;
    assert.equal(base["bounds.fcOnly.mean"], b.fcOnly.mean);
    assert.equal(base["bounds.fcPimAlone.mean"], b.fcPimAlone!.mean);
    // one task (the others answered by nothing: they keep the setup's runs), to check the plumbing
    const tasks = structuralTasks(exp, "one-batch", true);
    assert.ok(tasks.every((t) => !STRUCTURAL_CHOICES[t.choice].idlePowerOnly), "idle-power choices need no worker");
    const i = tasks.findIndex((t) => STRUCTURAL_CHOICES[t.choice].name === "PIM-only collectives");
    const answers = tasks.map((t, k) => (k === i ? runStructuralTask(t) : {}));
    const s = structuralStudy(exp, "one-batch", true, tasks, answers);
    const row = s.rows.find((r) => r.choice === "PIM-only collectives")!;
    const switched = row.values.find((v) => v.label === STRUCTURAL_CHOICES[tasks[i].choice].options[tasks[i].option].label)!;
    assert.equal(switched.setups, false);
    assert.deepEqual(switched.headlines, structuralHeadlines(exp, "one-batch", true, answers[i]));
    assert.notEqual(switched.headlines["fig8.speedupVs.attacc-only"], base["fig8.speedupVs.attacc-only"]);
    assert.equal(switched.headlines["fig8.speedupVs.a100-attacc"], base["fig8.speedupVs.a100-attacc"], "GPU systems keep their runs");
    assert.deepEqual(row.values.find((v) => v.setups)!.headlines, base);
    assert.deepEqual([...s.keys].sort(), Object.keys(base).sort());
  });
});

describe("the fabric options, resolved", () => {
  const choice = (name: string) => STRUCTURAL_CHOICES.find((c) => c.name === name)!;
  const option = (name: string, label: string) => choice(name).options.find((o) => o.label === label)!;
  const pimPim = (name: string, label: string) => {
    const f = setupSystem(withOption(point("attacc-only"), option(name, label), PAPER_SETUP), PAPER_SETUP).fabrics.pimPim!;
    return `${f.topology} ${f.collective.algorithm}`;
  };

  test("the PIM-only collectives and partial-sum options set the pimPim fabric's topology and algorithm they name", () => {
    assert.equal(pimPim("PIM-only collectives", "in-switch on a switch"), "switch in-switch");
    assert.equal(pimPim("PIM-only collectives", "bandwidth-only"), "point-to-point bandwidth-only");
    assert.equal(pimPim("PIM-only collectives", "ring at the link's latency"), "point-to-point ring");
    assert.equal(pimPim("FC-PIM partial sums", "pimPim, in-switch"), "switch in-switch");
    assert.equal(pimPim("FC-PIM partial sums", "pimPim, bandwidth-only"), "point-to-point bandwidth-only");
  });

  test("PIM-side transfers rerun the systems with attention on PIM, not the GPU-only one (which moves nothing over those fabrics)", () => {
    const c = choice("PIM-side transfers");
    const bw = option("PIM-side transfers", "bandwidth-only");
    assert.equal(optionChanges(c, bw, point("papi"), PAPER_SETUP), true);
    assert.equal(optionChanges(c, bw, point("attacc-only"), PAPER_SETUP), true);
    assert.equal(optionChanges(c, bw, point("gpu-only"), PAPER_SETUP), false);
  });
});

test("no two options of a choice resolve alike under either profile (each option sets what it names)", () => {
  for (const [profile, setup] of Object.entries(SETUPS)) {
    for (const c of STRUCTURAL_CHOICES) {
      const views = c.options.map((o) => JSON.stringify(SYSTEMS.map((system) => {
        const r = resolvedChoice(withOption(point(system), o, setup), setup);
        return c.view(r.spec, r.assumptions);
      })));
      assert.equal(new Set(views).size, c.options.length, `${profile}: ${c.name}`);
    }
  }
});

test("every choice reruns some system; none reruns a system without the hardware it is about (GPU-only: no PIM; AttAcc-only: no GPU)", () => {
  for (const c of STRUCTURAL_CHOICES) {
    assert.ok(c.options.some((o) => SYSTEMS.some((system) => optionChanges(c, o, point(system), PAPER_SETUP))), c.name);
  }
  const never = (system: string, names: string[]) => {
    for (const name of names) {
      const c = STRUCTURAL_CHOICES.find((x) => x.name === name)!;
      assert.ok(c.options.every((o) => !optionChanges(c, o, point(system), PAPER_SETUP)), `${name} on ${system}`);
    }
  };
  never("gpu-only", ["FC mapping on PIM", "PIM token reuse", "PIM refresh energy", "PIM elementwise kernel overhead", "PIM-side transfers", "Attention links", "PIM-only collectives", "FC-PIM partial sums"]);
  never("attacc-only", ["GPU static power", "GPU on-chip energy", "GPU collectives"]);
  // PAPI has GPUs and PIM, FC on both: the PIM choices rerun it too
  for (const name of ["PIM token reuse", "PIM refresh energy", "FC-PIM partial sums"]) {
    const c = STRUCTURAL_CHOICES.find((x) => x.name === name)!;
    assert.ok(c.options.some((o) => optionChanges(c, o, point("papi"), PAPER_SETUP)), name);
  }
});
