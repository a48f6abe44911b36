import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { papi, papiProcess } from "./helpers.ts";
import { cleanTmp, RUN, tmp } from "./output-fixtures.ts";

/**
 * Pipes and devices are streamed to (issue 17): /dev/stdout, /dev/stderr and /dev/fd/N name this process's own
 * descriptors, whatever they are (a pipe cannot be stat-ed through /proc's link: that crashed). Real processes of the
 * built binary (npm run build first), since the point is what the descriptors are.
 */
after(cleanTmp);
const BIN = fileURLToPath(new URL("../../bin/papi.mjs", import.meta.url));
const timelineOf = (text: string) => (JSON.parse(text) as { traceEvents: unknown[] }).traceEvents;

test("--timeline /dev/stdout into a pipe: the timeline is the whole output, exit 0", () => {
  const r = papiProcess([...RUN, "--timeline", "/dev/stdout"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(timelineOf(r.stdout).length > 0);
  assert.equal(r.stderr, "");
});

test("--timeline /dev/stderr into a pipe: the timeline on stderr, the summary on stdout", () => {
  const r = papiProcess([...RUN, "--timeline", "/dev/stderr"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(timelineOf(r.stderr).length > 0);
  assert.match(r.stdout, /^system papi/);
});

test("--timeline /dev/fd/3 (what a shell's >(cmd) gives): the reader of descriptor 3 gets the timeline", async () => {
  const child = spawn(process.execPath, [BIN, ...RUN, "--timeline", "/dev/fd/3"], { stdio: ["ignore", "pipe", "pipe", "pipe"] });
  let fd3 = "";
  let stderr = "";
  child.stdio[3]!.on("data", (b) => (fd3 += String(b)));
  child.stderr!.on("data", (b) => (stderr += String(b)));
  const code = await new Promise((r) => child.on("close", r));
  assert.equal(code, 0, stderr);
  assert.ok(timelineOf(fd3).length > 0);
});

test("compare --html /dev/stdout into a pipe: the page is the output; with --json it is refused", async () => {
  const d = tmp();
  for (const [name, batch] of [["a", "4"], ["b", "2"]]) assert.equal((await papi([...RUN, "--batch", batch, "--out", join(d, name)])).status, 0);
  const r = papiProcess(["compare", join(d, "a"), join(d, "b"), "--html", "/dev/stdout"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^<!doctype html>/i);
  assert.doesNotMatch(r.stdout, /config differences/); // no text table after the page
  const both = papiProcess(["compare", join(d, "a"), join(d, "b"), "--html", "/dev/stdout", "--json"]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /both write to stdout/);
});

test("a full device on stdout (/dev/full: ENOSPC) is one line and exit 2, not a stack trace; on stderr, exit 2", { skip: process.platform !== "linux" }, async () => {
  const d = tmp();
  for (const [name, batch] of [["a", "4"], ["b", "2"]]) assert.equal((await papi([...RUN, "--batch", batch, "--out", join(d, name)])).status, 0);
  const full = openSync("/dev/full", "w");
  try {
    const into = (args: string[], stdio: ["ignore", number | "pipe", number | "pipe"]) => spawnSync(process.execPath, [BIN, ...args], { stdio, encoding: "utf8", timeout: 60_000 });
    for (const args of [["schema"], ["--help"], RUN, [...RUN, "--json"], [...RUN, "--timeline", "-"], ["compare", join(d, "a"), join(d, "b"), "--html", "-"]]) {
      const r = into(args, ["ignore", full, "pipe"]);
      assert.equal(r.stderr, "papi: error: cannot write to standard output (ENOSPC)\n", args.join(" "));
      assert.equal(r.status, 2, args.join(" "));
    }
    // an error message into a full stderr: nothing can be said, the exit code stays that of the error
    const r = into(["bogus"], ["ignore", "pipe", full]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, "");
  } finally {
    closeSync(full);
  }
});
