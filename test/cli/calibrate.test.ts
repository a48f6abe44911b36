import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCleanUserError, papi } from "./helpers.ts";

const READS = "it reads only system, model, hardware, gpus, fcStacks, attnStacks, profile, assumptions";

test("papi calibrate refuses every run config field it does not read, naming it and where it was set", async () => {
  const d = mkdtempSync(join(tmpdir(), "papi-calibrate-"));
  const cfg = join(d, "c.yaml");
  writeFileSync(cfg, "trace: nonexistent.csv\nalpha: 3\n");
  const cases: [string[], string][] = [
    [["--set", "trace=bogus"], `papi: error: --set trace: papi calibrate does not use trace; ${READS}\n`],
    [["--config", cfg], `papi: error: ${cfg}: papi calibrate does not use trace, alpha; ${READS}\n`],
    [["--set", "alpha=5", "--set", "acceptanceRate=0.5"], `papi: error: --set alpha: papi calibrate does not use alpha, acceptanceRate; ${READS}\n`],
    [["--set", "serving.maxTokens=1"], `papi: error: --set serving.maxTokens: papi calibrate does not use serving; ${READS}\n`],
  ];
  for (const [args, want] of cases) {
    const r = await papi(["calibrate", "--max-tokens", "16", ...args]);
    assert.ok(isCleanUserError(r), args.join(" "));
    assert.equal(r.stderr, want);
  }
  // the fields it reads still apply; a key that is no field keeps the schema's message
  const ok = join(d, "ok.yaml");
  writeFileSync(ok, "system: papi\nmodel: llama-65b\ngpus: 6\nprofile: papi\n");
  const r = await papi(["calibrate", "--max-tokens", "16", "--config", ok, "--set", "hardware.fcPim.numFpus=2", "--set", "assumptions={}", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).system, "papi");
  const bad = await papi(["calibrate", "--set", "bogus=1"]);
  assert.ok(isCleanUserError(bad));
  assert.match(bad.stderr, /unknown key "bogus"/);
});
