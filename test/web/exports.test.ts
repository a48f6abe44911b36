import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { flagsToConfig } from "../../src/cli/run-flags.ts";
import { buildProgram } from "../../src/cli/main.ts";
import { loadRunConfig } from "../../src/node/run-config.ts";
import { parseRunConfig } from "../../src/serving/run.ts";
import { commandArgs, commandLine, iterationsCsv, requestsCsv, shellQuote, systemsCsv } from "../../src/web/exports.ts";
import { papi } from "../cli/helpers.ts";

/** The run config `papi run ARGS` builds (the CLI's own option parsing, flags and --set). */
function configOfArgs(args: string[]) {
  let parsed: Record<string, unknown> | undefined;
  const program = buildProgram();
  const run = program.commands.find((c) => c.name() === "run")!;
  run.action((o: Record<string, unknown>) => void (parsed = o));
  program.parse(["node", "papi", "run", ...args]);
  return loadRunConfig({ flags: flagsToConfig(parsed!), sets: (parsed!.set as string[]) ?? [] }).config;
}

test("the command line of a page state, flag by flag", () => {
  assert.equal(commandLine({}), "papi run");
  assert.equal(
    commandLine({ system: "a100-attacc", batch: 64, spec: { targetTokens: 64, maxTlp: 8 }, hardware: { fcPim: { numFpus: 2 }, gpu: "h100-sxm" }, draft: { timePerTokenSec: 0.001 } }),
    "papi run --system a100-attacc --batch 64 --spec adaptive:64:8 --set draft.timePerTokenSec=0.001 --set hardware.fcPim.numFpus=2 --set hardware.gpu=h100-sxm",
  );
  assert.equal(commandLine({ spec: [1, 2, 4], trace: "my trace.csv" }), "papi run --trace 'my trace.csv' --spec 1,2,4");
  assert.equal(commandLine({ model: { hidden_size: 4096, name: "m" } }, { modelFile: "config.json" }), "papi run --model config.json");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  // spec shapes without a flag of their own go through --set: a one-element list, an object with more fields, non-numbers
  assert.equal(commandLine({ spec: [4] }), "papi run --set 'spec=[4]'");
  assert.equal(commandLine({ spec: { targetTokens: 8, maxTlp: 2, extra: 1 } }), "papi run --set spec.targetTokens=8 --set spec.maxTlp=2 --set spec.extra=1");
  assert.equal(commandLine({ spec: ["a", "b"] }), `papi run --set 'spec=["a","b"]'`);
  // an uploaded model without its file name, and a field with no flag
  assert.equal(commandLine({ model: { hidden_size: 1 } }), "papi run --set model.hidden_size=1");
  assert.equal(commandLine({ zzz: 1, fcStacks: 3, gpus: 2, batch: 4 }), "papi run --batch 4 --gpus 2 --fc-stacks 3 --set zzz=1");
});

test("papi run with the page's command line gives the page's result", async () => {
  const config = { system: "pim-only-papi", batch: 8, spec: [1, 4], requests: 24, fcStacks: 24, hardware: { links: { pimPim: "nvlink4" } } };
  const r = await papi(["run", ...commandArgs(config), "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const { runOnce } = await import("../../src/serving/run.ts");
  const { nodeLoader } = await import("../../src/node/loader.ts");
  assert.equal(JSON.parse(r.stdout).latencySec, runOnce(config, { loader: nodeLoader() }).latencySec);
});

const configArb = fc.record(
  {
    system: fc.constantFrom("papi", "a100-attacc", "pim-only-papi", "gpu-only"),
    model: fc.constantFrom("llama-65b", "gpt3-66b", "opt-30b"),
    trace: fc.constantFrom("dolly-creative", "fixed:128:64", "uniform:1:100:1:100"),
    requests: fc.integer({ min: 1, max: 500 }),
    ratePerSec: fc.double({ min: 0.01, max: 1000, noNaN: true }),
    batching: fc.constantFrom("static", "continuous"),
    batch: fc.integer({ min: 1, max: 512 }),
    spec: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }), fc.record({ targetTokens: fc.integer({ min: 1, max: 256 }), maxTlp: fc.integer({ min: 1, max: 16 }) })),
    acceptanceRate: fc.double({ min: 0.01, max: 1, noNaN: true }),
    scheduler: fc.constantFrom("papi", "oracle", "static-gpu", "static-pim"),
    alpha: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    gpus: fc.integer({ min: 1, max: 16 }),
    fcStacks: fc.integer({ min: 1, max: 64 }),
    attnStacks: fc.integer({ min: 0, max: 90 }),
    draft: fc.record({ timePerTokenSec: fc.double({ min: 0, max: 1, noNaN: true }) }, { requiredKeys: [], noNullPrototype: true }),
    hardware: fc.record({ gpu: fc.constantFrom("h100-sxm", "a100-hbm3"), fcPim: fc.record({ numFpus: fc.constantFrom(1, 2, 4), numEnabledBankGroups: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [], noNullPrototype: true }) }, { requiredKeys: [], noNullPrototype: true }),
  },
  { requiredKeys: [], noNullPrototype: true },
);

test("property: the command line rebuilds exactly the page's config", () =>
  fc.assert(
    fc.property(configArb, (config) => {
      assert.deepEqual(configOfArgs(commandArgs(config)), parseRunConfig(config));
    }),
    { numRuns: 150 },
  ));

test("CSV exports: the columns of papi run --out, requests by id, failed systems empty", () => {
  const it = { iteration: 0, startSec: 0.5, rlp: 16, tlp: 4, fcUnit: "gpu" as const, fcSec: 0.001, attentionSec: 0.002, communicationSec: 0, otherSec: 0, draftSec: 0, energyJoules: 3 };
  assert.equal(iterationsCsv([it]), "iteration,startSec,rlp,tlp,fcUnit,fcSec,attentionSec,communicationSec,otherSec,draftSec,energyJoules\n0,0.5,16,4,gpu,0.001,0.002,0,0,0,3\n");
  const rq = (id: number) => ({ id, arrivalSec: 0, firstTokenAtSec: 1, finishedAtSec: 2, inputTokens: 3, outputTokens: 4, ttftSec: 1, tpotSec: 0.25 });
  assert.deepEqual(requestsCsv([rq(2), rq(0), rq(1)]).split("\n").slice(1, 4).map((l) => l.split(",")[0]), ["0", "1", "2"]);
  const row = { system: "papi", label: "PAPI", latencySec: NaN, energyJoules: 1, tokensPerSec: 2, tokensPerJoule: 3, speedupVsA100Attacc: 4, energyEfficiencyVsA100Attacc: 5, fcOnGpuShare: 0.5 };
  assert.equal(systemsCsv([row]).split("\n")[1], "papi,PAPI,,1,2,3,4,5,0.5");
});

test("by hand: an adaptive spec takes --spec only with numeric targetTokens and maxTlp and nothing else", () => {
  assert.equal(commandLine({ spec: { targetTokens: 32, maxTlp: 4 } }), "papi run --spec adaptive:32:4");
  assert.equal(commandLine({ spec: { targetTokens: "a", maxTlp: 4 } }), "papi run --set spec.targetTokens=a --set spec.maxTlp=4");
  assert.equal(commandLine({ spec: { targetTokens: 32, maxTlp: "b" } }), "papi run --set spec.targetTokens=32 --set spec.maxTlp=b");
  assert.equal(commandLine({ spec: { targetTokens: 32 } }), "papi run --set spec.targetTokens=32");
  assert.equal(commandLine({ spec: [1, "x"] }), `papi run --set 'spec=[1,"x"]'`);
  assert.equal(commandLine({ spec: "4" }), "papi run --set 'spec=\"4\"'");
});
