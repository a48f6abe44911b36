import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isCleanUserError, papi, papiProcess } from "./helpers.ts";
import { cleanTmp, deadPid, RUN, snapshot, SWEEP_SPEC, tmp, writerInputs, writers } from "./output-fixtures.ts";

after(cleanTmp);

/**
 * The output edge of every command (issue 17): papi replaces only what its marker proves it wrote; an empty path is
 * an error, never the current folder; a folder that cannot be created is an error, never a hang. The process tests
 * spawn the built binary (npm run build first).
 */

describe("--out never destroys a user's folder", () => {
  test("run --out DIR holding config.yaml, summary.json and other files: refused, every file kept", async () => {
    const d = tmp();
    writeFileSync(join(d, "config.yaml"), "batch: 4\n");
    writeFileSync(join(d, "summary.json"), "{}\n");
    writeFileSync(join(d, "thesis.tex"), "mine");
    const before = snapshot(d);
    const r = await papi([...RUN, "--out", d]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.match(r.stderr, /was not written by papi >= 0\.3 or is not a run folder/);
    assert.deepEqual(snapshot(d), before);
  });

  test("reproduce --out DIR holding summary.json and report.md: refused before any figure is run, every file kept", async () => {
    const d = tmp();
    writeFileSync(join(d, "summary.json"), "{}\n");
    writeFileSync(join(d, "report.md"), "# my report\n");
    writeFileSync(join(d, "data.csv"), "a,b\n");
    const before = snapshot(d);
    const r = await papi(["reproduce", "--figures", "fig6", "--no-sensitivity", "--out", d]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.match(r.stderr, /was not written by papi >= 0\.3 or is not a reproduction folder/);
    assert.deepEqual(snapshot(d), before);
  });

  test("papi run --json > summary.json, then papi run --config config.yaml --out . keeps the working folder", () => {
    const d = tmp();
    writeFileSync(join(d, "config.yaml"), "trace: fixed:32:8\nrequests: 4\nbatch: 4\n");
    writeFileSync(join(d, "notes.txt"), "mine");
    const first = papiProcess(["run", "--config", "config.yaml", "--json"], { cwd: d });
    assert.equal(first.status, 0, first.stderr);
    writeFileSync(join(d, "summary.json"), first.stdout);
    const before = snapshot(d);
    const r = papiProcess(["run", "--config", "config.yaml", "--out", "."], { cwd: d });
    assert.ok(isCleanUserError(r), r.stderr);
    assert.deepEqual(snapshot(d), before);
  });

  test("a papi run folder the user added a file to is refused (the marker lists what papi wrote); without it, replaced whole", async () => {
    const d = tmp();
    const out = join(d, "out");
    assert.equal((await papi([...RUN, "--out", out])).status, 0);
    writeFileSync(join(out, "analysis.ipynb"), "mine");
    const before = snapshot(d);
    const r = await papi([...RUN, "--batch", "2", "--out", out]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.match(r.stderr, /holds files papi did not write \(analysis\.ipynb\)/);
    assert.deepEqual(snapshot(d), before);
    rmSync(join(out, "analysis.ipynb"));
    writeFileSync(join(out, "summary.json"), "edited"); // a file papi wrote, edited: still papi's
    const again = await papi([...RUN, "--batch", "2", "--out", out]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).batch, 2);
  });

  test("siblings named DIR.old-N, DIR.staging-N or .papi-tmp-N-1-1 of a dead process are the user's: untouched", async () => {
    const d = tmp();
    const pid = deadPid();
    for (const name of [`out.old-${pid}`, `out.staging-${pid}`, `out.old-2023`, `.papi-tmp-${pid}-1-1`]) {
      mkdirSync(join(d, name));
      writeFileSync(join(d, name, "mine.txt"), name);
    }
    const before = snapshot(d);
    const r = await papi([...RUN, "--out", join(d, "out")]);
    assert.equal(r.status, 0, r.stderr);
    const after = snapshot(d);
    for (const [k, v] of Object.entries(before)) assert.equal(after[k], v, k);
  });

  test("sweep --out DIR holding a points.jsonl of the user's: refused, the file kept", async () => {
    const d = tmp();
    writeFileSync(join(d, "spec.yaml"), SWEEP_SPEC);
    mkdirSync(join(d, "out"));
    writeFileSync(join(d, "out", "points.jsonl"), "my notes\n");
    const r = await papi(["sweep", join(d, "spec.yaml"), "--out", join(d, "out"), "--jobs", "1"]);
    assert.ok(isCleanUserError(r), r.stderr);
    assert.equal(readFileSync(join(d, "out", "points.jsonl"), "utf8"), "my notes\n");
  });
});

describe("every writer: the same rules", () => {
  let inputs: Awaited<ReturnType<typeof writerInputs>>;
  before(async () => {
    inputs = await writerInputs();
  });

  test('an empty path ("") is a one-line error for all eight writers, and the current folder is untouched', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, "index.html"), "mine");
    writeFileSync(join(cwd, "notes.txt"), "mine");
    const before = snapshot(cwd);
    for (const [name, args] of writers(inputs, "")) {
      const r = papiProcess(args, { cwd, timeoutMs: 60_000 });
      assert.ok(isCleanUserError(r), `${name}: ${r.status} ${r.stderr}`);
      assert.match(r.stderr, /"": the path is empty/, name);
      assert.deepEqual(snapshot(cwd), before, name);
    }
  });

  test("a path under a missing /proc folder is a one-line error for all eight writers, not a hang", () => {
    for (const [name, args] of writers(inputs, "/proc/papi-no-such-folder/out")) {
      const r = papiProcess(args, { timeoutMs: 30_000 });
      assert.notEqual(r.status, null, `${name}: still running after 30 s`);
      assert.ok(isCleanUserError(r), `${name}: ${r.status} ${r.stderr}`);
      assert.match(r.stderr, /\/proc/, name);
    }
  });

  test("a folder of the user's as the output is refused by all eight writers, its files kept", async () => {
    for (let k = 0; k < 8; k++) {
      const target = join(tmp(), "mine");
      const [name, args] = writers(inputs, target)[k];
      mkdirSync(target);
      writeFileSync(join(target, "index.html"), "mine");
      const r = await papi(args);
      assert.ok(isCleanUserError(r), `${name}: ${r.stderr}`);
      assert.equal(readFileSync(join(target, "index.html"), "utf8"), "mine", name);
    }
  });

  test("a symlink to an earlier output is followed: the output it names is replaced, the link stays a link", async () => {
    for (let k = 0; k < 8; k++) {
      const d = tmp();
      const link = join(d, "link");
      const real = join(d, "real");
      const [name, args] = writers(inputs, link)[k];
      const isFile = name === "run --timeline" || name === "compare --html";
      if (isFile) writeFileSync(real, "old");
      else mkdirSync(real);
      symlinkSync(real, link);
      const r = await papi(args);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.ok(lstatSync(link).isSymbolicLink(), name);
      if (isFile) assert.notEqual(readFileSync(real, "utf8"), "old", name);
      else assert.ok(existsSync(join(real, ".papi-output.json")), name);
    }
  });
});
