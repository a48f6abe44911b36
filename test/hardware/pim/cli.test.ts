import { test } from "node:test";
import assert from "node:assert/strict";
import { papi as cli } from "../../cli/helpers.ts";

const papi = (...args: string[]) => cli(["pim", ...args]);

test("papi pim fc --json prints time, energy, FLOP/s, internal bandwidth and command counts", async () => {
  const r = await papi("--design", "fc-pim", "--kernel", "fc", "--m", "16", "--k", "8192", "--n", "8192", "--json");
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  for (const key of ["timeSec", "energyJoules", "flopsPerSec", "internalBandwidthBytesPerSec", "commands"]) assert.ok(key in o, key);
  assert.equal(o.flops, 2 * 16 * 8192 * 8192);
  assert.ok(o.commands.MACAB > 0);
});

test("papi pim attention, power and area run", async () => {
  const a = await papi("--design", "attn-pim", "--kernel", "attention", "--heads", "64", "--head-dim", "128", "--context", "2048", "--tlp", "4", "--requests", "2");
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /MACAB 65536/); // 2 requests x 64 heads x 4 ceil(2048 / 16)
  const p = await papi("power", "--design", "fc-pim", "--reuse", "1,4", "--json");
  assert.equal(p.status, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).length, 2);
  const ar = await papi("area", "--json");
  assert.equal(ar.status, 0, ar.stderr);
  assert.equal(JSON.parse(ar.stdout).find((x: { design: string }) => x.design === "4P1B").usableBanksPerDie, 96);
});

test("bad flags exit 2 with one line and no stack trace", async () => {
  for (const args of [["--m", "x", "--k", "1", "--n", "1"], ["--design", "nope"], ["--kernel", "conv"], ["power", "--reuse", "0"]]) {
    const r = await papi(...args);
    assert.equal(r.status, 2, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});
