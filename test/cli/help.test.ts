import { test } from "node:test";
import assert from "node:assert/strict";
import { isCleanUserError, papi } from "./helpers.ts";

test("papi help NAME for no command is the one line `papi NAME` gives (with the nearest command), not the whole help", async () => {
  for (const [name, line] of [
    ["bogus", "papi: error: unknown command 'bogus' (see --help)\n"],
    ["rn", "papi: error: unknown command 'rn' (Did you mean run?) (see --help)\n"],
  ]) {
    const direct = await papi([name]);
    const viaHelp = await papi(["help", name]);
    assert.ok(isCleanUserError(viaHelp), viaHelp.stderr);
    assert.equal(viaHelp.stderr, line);
    assert.deepEqual(viaHelp, direct);
  }
});

test("papi help COMMAND and papi help still print the help, on stdout, exit 0", async () => {
  const run = await papi(["help", "run"]);
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^Usage: papi run \[options\]/);
  const all = await papi(["help"]);
  assert.equal(all.status, 0);
  assert.match(all.stdout, /^Usage: papi \[options\] \[command\]/);
  assert.equal(all.stderr + run.stderr, "");
});
