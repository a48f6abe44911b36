import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCleanUserError, papi } from "./helpers.ts";

/**
 * `--requests N` on a big trace reads only the chunks that hold the first N rows (time-independent check: the file's
 * tail, 12 MB past the first 4 MiB chunk, is malformed, so reading it would fail). Timings: bench/large-trace.ts.
 */
test("--requests 1000 on a 12 MB trace whose tail is malformed: runs (the tail is never read); without it: the tail's line", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "papi-big-trace-")), "big.csv");
  const fd = openSync(path, "w");
  writeSync(fd, "lin,lout\n" + "100,20\n".repeat(2000));
  const bad = "12,-3\n".repeat(100_000); // 600 kB of rows with a negative output length
  for (let i = 0; i < 20; i++) writeSync(fd, bad);
  closeSync(fd);
  const ok = await papi(["run", "--trace", path, "--requests", "1000", "--batch", "64", "--json"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).numRequests, 1000);
  const all = await papi(["run", "--trace", path, "--json"]);
  assert.ok(isCleanUserError(all), all.stderr);
  assert.match(all.stderr, /big\.csv:2002: column "lout" must be >= 0/);
});
