import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { papi } from "./helpers.ts";

/**
 * Real processes killed while writing an output folder (the process boundary is the point here, so these spawn the
 * built binary): SIGTERM cleans up; SIGKILL at any moment leaves the old output or the new one, never a mix, and the
 * next run sweeps what the killed one left.
 */
const BIN = fileURLToPath(new URL("../../bin/papi.mjs", import.meta.url));
const leftovers = (dir: string) => readdirSync(dir).filter((e) => /\.(staging|old)-\d+$/.test(e));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// test-lane: process (it mostly waits on the processes it kills, so it runs beside the other tests: scripts/run-tests.mjs)

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b) => (stderr += String(b)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

test("SIGTERM during papi reproduce: exit 143, no staging folder, the old output intact", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-sigterm-"));
  const out = join(dir, "out");
  const first = await papi(["reproduce", "--figures", "fig6", "--no-sensitivity", "--out", out]);
  assert.equal(first.status, 0, first.stderr);
  const before = readFileSync(join(out, "summary.json"), "utf8");
  const p = start(["reproduce", "--figures", "fig6,fig8", "--no-sensitivity", "--out", out]);
  const stage = `${out}.staging-${p.child.pid}`;
  const t0 = Date.now();
  while (!existsSync(stage) && Date.now() - t0 < 60_000) await sleep(10);
  assert.ok(existsSync(stage), "the run never created its staging folder");
  p.child.kill("SIGTERM");
  const { code } = await p.exited;
  assert.equal(code, 143, p.stderr());
  assert.deepEqual(leftovers(dir), []);
  assert.equal(readFileSync(join(out, "summary.json"), "utf8"), before);
});

test("SIGKILL at a random moment of papi run --out: the folder is the old run or the new one, whole; the next run sweeps", async () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-sigkill-"));
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
      // the next run (in-process) removes the killed run's staging folder and writes the new output
      const next = await papi(args(1));
      assert.equal(next.status, 0, next.stderr);
      assert.deepEqual(leftovers(dir), []);
      assert.equal(summaryOf().seed, 1);
    }),
    { numRuns: 3, seed: 9 },
  );
});
