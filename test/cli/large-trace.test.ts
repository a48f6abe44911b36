import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeSync } from "node:fs";
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
  assert.match(all.stderr, /big\.csv:2002: column "lout" must be an integer in \[1, 10000000\], got -3/);
});

test("a 600 MiB trace or config without a line break (sparse: no disk used): a one-line error naming file and line, no crash", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-huge-line-"));
  try {
    const trace = join(dir, "huge.csv");
    const fd = openSync(trace, "w");
    writeSync(fd, "lin,lout\n10,");
    closeSync(fd);
    truncateSync(trace, 600 * 2 ** 20);
    const r = await papi(["run", "--trace", trace, "--requests", "4"]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.match(r.stderr, /huge\.csv:2: a line longer than 1 MiB/);
    const config = join(dir, "huge.yaml");
    closeSync(openSync(config, "w"));
    truncateSync(config, 600 * 2 ** 20);
    const c = await papi(["run", "--config", config]);
    assert.ok(isCleanUserError(c), c.stderr);
    assert.match(c.stderr, /huge\.yaml: 629145600 bytes, more than the 64 MiB papi reads/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
