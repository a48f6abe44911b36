import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { papi } from "./helpers.ts";
import { cleanTmp, RUN, tmp } from "./output-fixtures.ts";

/**
 * Real processes killed while writing an output (the process boundary is the point here, so these spawn the built
 * binary, or the sources through tsx where a kill must land at one exact step): SIGTERM cleans up whenever it comes;
 * SIGKILL at any moment leaves the old output or the new one, never a mix, and the next write into the same folder
 * removes what the killed one left (and puts a moved-aside output back).
 */
after(cleanTmp);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/papi.mjs");
/** Entries papi must not leave behind: anything but the outputs themselves. */
const leftovers = (dir: string, keep: string[]) => readdirSync(dir).filter((e) => !keep.includes(e));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// test-lane: process (it mostly waits on the processes it kills, so it runs beside the other tests: scripts/run-tests.mjs)

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b) => (stderr += String(b)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

test("SIGTERM during papi reproduce: exit 143, no work folder left, the old output intact", async () => {
  const dir = tmp("papi-sigterm-");
  const out = join(dir, "out");
  const first = await papi(["reproduce", "--figures", "fig6", "--no-sensitivity", "--out", out]);
  assert.equal(first.status, 0, first.stderr);
  const before = readFileSync(join(out, "summary.json"), "utf8");
  const p = start(["reproduce", "--figures", "fig6,fig12", "--no-sensitivity", "--out", out]);
  const t0 = Date.now();
  while (leftovers(dir, ["out"]).length === 0 && Date.now() - t0 < 60_000) await sleep(10);
  assert.ok(leftovers(dir, ["out"]).length > 0, "the run never created its work folder");
  p.child.kill("SIGTERM");
  const { code } = await p.exited;
  assert.equal(code, 143, p.stderr());
  assert.deepEqual(leftovers(dir, ["out"]), []);
  assert.equal(readFileSync(join(out, "summary.json"), "utf8"), before);
});

test("SIGTERM the instant the first folder appears (inotify): exit 143 and nothing left, every time", async () => {
  for (let k = 0; k < 8; k++) {
    const dir = tmp("papi-sigterm-race-");
    const p = start([...RUN, "--out", join(dir, "out")]);
    const w = watch(dir, () => {
      p.child.kill("SIGTERM");
      w.close();
    });
    const r = await p.exited;
    w.close();
    assert.deepEqual(r, { code: 143, signal: null }, `try ${k}: ${p.stderr()}`);
    assert.deepEqual(readdirSync(dir), [], `try ${k}`);
  }
});

test("SIGKILL at a random moment of papi run --out: the folder is the old run or the new one, whole; the next run sweeps", async () => {
  const dir = tmp("papi-sigkill-");
  const out = join(dir, "out");
  const args = (seed: number) => ["run", "--trace", "fixed:64:16", "--requests", "32", "--batch", "8", "--seed", String(seed), "--out", out];
  const old = await papi(args(1));
  assert.equal(old.status, 0, old.stderr);
  const files = readdirSync(out).sort();
  const summaryOf = () => JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { seed: number };
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 2500 }), async (delayMs) => {
      const p = start(args(2));
      await sleep(delayMs);
      p.child.kill("SIGKILL");
      await p.exited;
      // whatever the moment: a complete folder (old seed 1 or new seed 2), never a partial one
      assert.deepEqual(readdirSync(out).sort(), files);
      assert.ok([1, 2].includes(summaryOf().seed));
      // the next run (in-process) removes the killed run's work folder and writes the new output
      const next = await papi(args(1));
      assert.equal(next.status, 0, next.stderr);
      assert.deepEqual(leftovers(dir, ["out"]), []);
      assert.equal(summaryOf().seed, 1);
    }),
    { numRuns: 3, seed: 9 },
  );
});

/** Runs papi from the sources with a SIGKILL at the rename that puts `killAt` in place (the worst moment). */
function killedAtRename(killAt: string, args: string[]): { status: number | null; signal: NodeJS.Signals | null } {
  const script = `
    import fs from "node:fs";
    import { syncBuiltinESMExports } from "node:module";
    import { resolve } from "node:path";
    const rename = fs.renameSync;
    fs.renameSync = (a, b) => {
      if (resolve(String(b)) === ${JSON.stringify(killAt)}) process.kill(process.pid, "SIGKILL");
      return rename(a, b);
    };
    syncBuiltinESMExports();
    const { main } = await import(${JSON.stringify(new URL("src/cli/main.ts", `file://${ROOT}`).href)});
    await main(["node", "papi", ...${JSON.stringify(args)}]);`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, signal: r.signal };
}

test("a file write killed before its rename leaves papi's temporary, which the next write into that folder removes", async () => {
  const dir = tmp("papi-killed-file-");
  const t = join(dir, "t.json");
  assert.deepEqual(killedAtRename(t, [...RUN, "--timeline", t]), { status: null, signal: "SIGKILL" });
  assert.ok(leftovers(dir, []).length > 0, "the kill left nothing: it did not land mid-write");
  const next = await papi([...RUN, "--timeline", join(dir, "other.json")]);
  assert.equal(next.status, 0, next.stderr);
  assert.deepEqual(readdirSync(dir), ["other.json"]);
});

test("a folder swap killed between its two renames: the next write into the parent puts the old output back", async () => {
  const dir = tmp("papi-killed-swap-");
  const out = join(dir, "out");
  assert.equal((await papi([...RUN, "--seed", "1", "--out", out])).status, 0);
  assert.deepEqual(killedAtRename(out, [...RUN, "--seed", "2", "--out", out]), { status: null, signal: "SIGKILL" });
  assert.ok(!existsSync(out), "the kill did not land between the renames");
  const next = await papi([...RUN, "--timeline", join(dir, "t.json")]);
  assert.equal(next.status, 0, next.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ["out", "t.json"]);
  assert.equal(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).seed, 1);
});
