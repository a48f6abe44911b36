import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { loadReproduceSetup } from "../../src/report/setup-load.ts";
import { PAPER_SETUP } from "../../src/report/setup.ts";

const file = (text: string) => {
  const p = join(mkdtempSync(join(tmpdir(), "papi-setup-")), "c.yaml");
  writeFileSync(p, text);
  return p;
};
const userError = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n"), String(re));

test("no --config and no --set: the paper's setup", () => {
  assert.deepEqual(loadReproduceSetup({}), { setup: PAPER_SETUP });
  // one field set: only that field (no gpus, stacks or draft keys standing for "not given")
  assert.deepEqual(loadReproduceSetup({ sets: ["acceptanceRate=0.8"] }), { setup: { hardware: {}, acceptanceRate: 0.8 } });
});

test("only the fields a reproduction varies are kept; seed and draft only when given", () => {
  const r = loadReproduceSetup({ configPath: file("hardware: { gpu: h100-sxm }\ngpus: 10\nseed: 7\n"), sets: ["hardware.links.gpuGpu=nvlink4", "acceptanceRate=0.8"] });
  assert.deepEqual(r.setup, { hardware: { gpu: "h100-sxm", links: { gpuGpu: "nvlink4" } }, gpus: 10, acceptanceRate: 0.8 });
  assert.equal(r.seed, 7);
  const d = loadReproduceSetup({ sets: ["draft.timePerTokenSec=0.001"] });
  assert.deepEqual(d.setup.draft, { timePerTokenSec: 0.001, energyPerTokenJoules: 0 });
  assert.equal(d.seed, undefined);
});

test("fields the figures set themselves are one-line errors naming them and where they came from", () => {
  userError(() => loadReproduceSetup({ sets: ["system=x"] }), /^--set system: papi reproduce sets system itself/);
  userError(() => loadReproduceSetup({ sets: ["system.gpu.numGpus=2"] }), /^--set system\.gpu\.numGpus: .*sets system itself/);
  const p = file("model: llama-65b\nbatch: 4\nhardware: { gpu: h100-sxm }\n");
  userError(() => loadReproduceSetup({ configPath: p }), new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: papi reproduce sets model, batch itself`));
});

test("run-config mistakes get papi run's messages; a setup that does not fit a system names the system", () => {
  userError(() => loadReproduceSetup({ sets: ["hardwre.gpu=h100-sxm"] }), /unknown key "hardwre" \(did you mean "hardware"\?\)/);
  userError(() => loadReproduceSetup({ sets: ["hardware.gpu=h9"] }), /unknown GPU preset "h9"/);
  userError(() => loadReproduceSetup({ sets: ["gpus=-1"] }), /gpus: must be an integer in \[0, 4096\]/);
  // 2 FPUs per bank fit FC-PIM's 96 banks per die, but not AttAcc-only's 1P1B stacks with 128
  userError(() => loadReproduceSetup({ sets: ["hardware.fcPim.numFpus=2"] }), /area\.maxDieAreaMm2 .*\(with system attacc-only, model llama-65b\)$/);
});

test("a setup without an acceptance rate has no such key", () => {
  assert.deepEqual(loadReproduceSetup({ sets: ["hardware.gpu=h100-sxm"] }), { setup: { hardware: { gpu: "h100-sxm" } } });
});
