import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { isCleanUserError, papi } from "../cli/helpers.ts";

/**
 * examples/systems/neupims.yaml, the extension proof's system: a unit kind that did not exist in papi 0.3 (src/units/
 * neupims.ts), used from a config file as written, and its sub-batch interleaving measurably faster than the same
 * system without it (and than blocked-mode PIM).
 */
const config = fileURLToPath(new URL("../../examples/systems/neupims.yaml", import.meta.url));
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function run(...extra: string[]): Promise<Json> {
  const r = await papi(["run", "--config", config, ...extra, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  return JSON.parse(r.stdout) as Json;
}

test("papi run --config examples/systems/neupims.yaml runs the NeuPIMs unit; overlap makes it faster than overlap: none", async () => {
  const on = await run();
  assert.equal(on.system, "neupims");
  const unit = on.config.system.units.neupims;
  assert.equal(unit.kind, "neupims");
  assert.equal(unit.npu.name, "neupims-npu");
  assert.equal(unit.design.name, "attacc");
  assert.equal(on.config.system.overlap, "sub-batch");
  assert.ok(on.generatedTokens > 0 && on.energyJoules > 0);
  assert.ok(on.breakdownSec.overlap > 0, "some iterations interleave");

  const off = await run("--set", "system.overlap=none");
  assert.equal(off.breakdownSec.overlap, 0);
  assert.equal(off.generatedTokens, on.generatedTokens);
  assert.ok(on.latencySec < off.latencySec * 0.98, `sub-batch ${on.latencySec} s vs none ${off.latencySec} s`);
  // the time saved is attention hidden behind FC, no more than all of the attention
  assert.ok(on.breakdownSec.overlap <= on.breakdownSec.attention);
  // two sub-batches read every weight twice: more FC energy for the time saved
  assert.ok(on.breakdownJoules.fc > off.breakdownJoules.fc);

  // blocked-mode PIM (one row buffer per bank): FC and attention cannot overlap, as without interleaving
  const blocked = await run("--set", "system.units.neupims.dualRowBuffers=false");
  assert.equal(blocked.latencySec, off.latencySec);
  assert.equal(blocked.breakdownSec.overlap, 0);
});

test("the neupims unit in a config: a wrong field is a one-line error", async () => {
  const r = await papi(["run", "--config", config, "--set", "system.units.neupims.count=4", "--json"]);
  assert.ok(isCleanUserError(r), r.stderr);
  assert.match(r.stderr, /units\.neupims\.count.*must equal tensorParallel \(8\)/);
});
