import { test } from "node:test";
import assert from "node:assert/strict";
import { assertFiniteJson, isCleanUserError, papi } from "./helpers.ts";

/**
 * The reproducers of issue #9 part 5, each as a test: every one used to crash (RangeError), hang, run absurdly or
 * print Infinity (null in JSON); each must now give a correct result or a one-line error naming the field and range.
 */
const cases: [string[], RegExp][] = [
  [["run", "--requests", "1e12"], /--requests must be an integer in \[1, 2000000\], got "1e12"/],
  [["kernels", "--model", "llama-65b", "--rlp", "5000000000"], /--rlp must be an integer in \[1, 65536\]/],
  [["calibrate", "--max-tokens", "2e9"], /--max-tokens must be an integer in \[1, 65536\]/],
  [["kernels", "--model", "llama-65b", "--rlp", "2e9"], /--rlp must be an integer in \[1, 65536\]/],
  [["run", "--requests", "100000000", "--trace", "fixed:128:128"], /--requests must be an integer in \[1, 2000000\]/],
  [["kernels", "--model", "llama-65b", "--context", "1e308"], /--context must be an integer in \[1, 10000000\]/],
  [["run", "--set", "hardware.gpu.l2BandwidthBytesPerSec=1e-300"], /hardware\.gpu\.l2BandwidthBytesPerSec: must be a number in \[1000, 1e16\] \(B\/s\)/],
  [["run", "--gpus", "1000000000"], /--gpus must be an integer in \[0, 4096\]/],
  [["run", "--set", "gpus=1000000000"], /config: gpus: must be an integer in \[0, 4096\]$/m],
  [["run", "--set", "hardware.fcPim.fpuClockHz=1"], /hardware\.fcPim\.fpuClockHz: must be a number in \[1e6, 1e11\] \(Hz\)/],
  [["run", "--set", "hardware.hbm.timing.nREFI=1e300"], /hardware\.hbm\.timing\.nREFI: must be an integer in \[1, 1e6\]/],
  [["run", "--set", "hardware.links.attention.energyPerBitJoules=1"], /energyPerBitJoules: must be a number in \[0, 1e-9\] \(J\/bit\)/],
  [["pim", "--k", "1e300", "--m", "1", "--n", "8"], /--k must be an integer in \[1, 10000000\]/],
  [["pim", "--kernel", "attention", "--heads", "8", "--head-dim", "128", "--context", "1,2,3"], /--context must give 1 length or one per request/],
];

test("each part-5 reproducer is a one-line error naming the field and its range", async () => {
  for (const [args, re] of cases) {
    const r = await papi(args);
    assert.ok(isCleanUserError(r), `${args.join(" ")}: status ${r.status}, stderr ${r.stderr}`);
    assert.match(r.stderr, re, args.join(" "));
  }
});

test("a model file with an absurd size is refused by its field, not by an overflow later", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const f = join(mkdtempSync(join(tmpdir(), "papi-bounds-")), "m.json");
  writeFileSync(f, JSON.stringify({ hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 1e12, num_attention_heads: 32, vocab_size: 32000 }));
  const r = await papi(["kernels", "--model", f]);
  assert.ok(isCleanUserError(r), r.stderr);
  assert.match(r.stderr, /num_hidden_layers: must be an integer in \[1, 10000\]/);
});

test("the extremes of the ranges run and give finite numbers (slow hardware is slow, not Infinity)", async () => {
  for (const set of ["hardware.gpu.l2BandwidthBytesPerSec=1e3", "hardware.gpu.hbmBandwidthBytesPerSec=1e3", "hardware.links.attention.bandwidthBytesPerSec=1e3"]) {
    const r = await papi(["run", "--requests", "2", "--trace", "fixed:16:4", "--set", set, "--json"]);
    assert.equal(r.status, 0, `${set}: ${r.stderr}`);
    assertFiniteJson(r, set);
    assert.ok(JSON.parse(r.stdout).latencySec > 1, `${set}: a 1 kB/s or 1 MHz part makes the run take more than a second`);
  }
});
