import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { outputKind, sweepStaleStages, writeFolderAtomically, writeOutputFile } from "../../src/node/output.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "papi-output-"));
/** A pid that is certainly not running: a child that has exited and been reaped. */
const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;

/** Asserts `f` throws a one-line UserError whose message matches `re`. */
function throwsUserError(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof UserError && !e.message.includes("\n") && re.test(e.message));
}

describe("writeOutputFile: only regular files are replaced", () => {
  test("a new file, and a regular file replaced whole, with no temporary file left", () => {
    const d = tmp();
    const p = join(d, "a.json");
    writeOutputFile(p, "first");
    assert.equal(readFileSync(p, "utf8"), "first");
    writeOutputFile(p, new Uint8Array([104, 105]));
    assert.equal(readFileSync(p, "utf8"), "hi");
    assert.deepEqual(readdirSync(d), ["a.json"]);
  });

  test("missing parent folders are created", () => {
    const d = tmp();
    writeOutputFile(join(d, "x", "y", "t.json"), "{}");
    assert.equal(readFileSync(join(d, "x", "y", "t.json"), "utf8"), "{}");
  });

  test("a symlink to a regular file: the target is replaced and the link stays a link", () => {
    const d = tmp();
    writeFileSync(join(d, "target.json"), "old");
    symlinkSync(join(d, "target.json"), join(d, "link.json"));
    assert.deepEqual(outputKind(join(d, "link.json")), { kind: "replace", target: join(d, "target.json") });
    writeOutputFile(join(d, "link.json"), "new");
    assert.ok(lstatSync(join(d, "link.json")).isSymbolicLink());
    assert.equal(readlinkSync(join(d, "link.json")), join(d, "target.json"));
    assert.equal(readFileSync(join(d, "target.json"), "utf8"), "new");
  });

  test("/dev/null is written through and stays a character device", () => {
    assert.equal(outputKind("/dev/null").kind, "write-through");
    writeOutputFile("/dev/null", "discarded");
    assert.ok(statSync("/dev/null").isCharacterDevice());
  });

  test("a symlink to /dev/null is written through, not replaced", () => {
    const d = tmp();
    symlinkSync("/dev/null", join(d, "null-link"));
    writeOutputFile(join(d, "null-link"), "x");
    assert.ok(lstatSync(join(d, "null-link")).isSymbolicLink());
    assert.ok(statSync("/dev/null").isCharacterDevice());
  });

  test("a FIFO is written through (a reader gets the bytes) and stays a FIFO", async () => {
    const d = tmp();
    const fifo = join(d, "pipe");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (b) => (got += String(b)));
    const done = new Promise((r) => reader.on("close", r));
    writeOutputFile(fifo, "through the pipe");
    await done;
    assert.equal(got, "through the pipe");
    assert.ok(lstatSync(fifo).isFIFO());
  });

  test("a folder, a symlink to a folder and a socket are refused, unchanged", async () => {
    const d = tmp();
    mkdirSync(join(d, "dir"));
    throwsUserError(() => writeOutputFile(join(d, "dir"), "x"), /refusing to write .*dir: it is a folder/);
    assert.ok(statSync(join(d, "dir")).isDirectory());
    symlinkSync(join(d, "dir"), join(d, "dir-link"));
    throwsUserError(() => writeOutputFile(join(d, "dir-link"), "x"), /links to something that is not a regular file/);
    const sock = join(d, "sock");
    const server = createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      throwsUserError(() => writeOutputFile(sock, "x"), /refusing to write .*sock: it is not a regular file/);
      assert.ok(lstatSync(sock).isSocket());
    } finally {
      server.close();
    }
  });

  test("a file used as a parent folder is a one-line error (not ENOTDIR's stack), and the file is unchanged", () => {
    const d = tmp();
    writeFileSync(join(d, "afile"), "mine");
    throwsUserError(() => writeOutputFile(join(d, "afile", "x.json"), "{}"), /afile.* not a folder/);
    throwsUserError(() => writeOutputFile(join(d, "afile", "sub", "x.json"), "{}"), /a parent is not a folder|not a folder/);
    assert.equal(readFileSync(join(d, "afile"), "utf8"), "mine");
  });

  test("- is standard output", () => {
    assert.equal(outputKind("-").kind, "stdout");
    const chunks: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((c: string) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
    try {
      writeOutputFile("-", "to stdout");
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(chunks, ["to stdout"]);
  });
});

describe("writeFolderAtomically: complete or not at all", () => {
  const ours = (e: string[]) => e.includes("summary.json");
  const fillWith = (files: Record<string, string>) => (stage: string) => {
    for (const [f, t] of Object.entries(files)) writeOutputFile(join(stage, f), t);
  };
  const stages = (d: string) => readdirSync(d).filter((e) => /\.(staging|old)-\d+$/.test(e));

  test("a new folder appears with its files, and no staging folder is left", async () => {
    const d = tmp();
    const out = join(d, "out");
    await writeFolderAtomically(out, "out", ours, fillWith({ "summary.json": "1", "a.csv": "x" }));
    assert.deepEqual(readdirSync(out).sort(), ["a.csv", "summary.json"]);
    assert.deepEqual(stages(d), []);
  });

  test("an earlier output is replaced whole (no stale file survives); a user's folder is refused untouched", async () => {
    const d = tmp();
    const out = join(d, "out");
    await writeFolderAtomically(out, "out", ours, fillWith({ "summary.json": "1", "old.csv": "x" }));
    await writeFolderAtomically(out, "out", ours, fillWith({ "summary.json": "2" }));
    assert.deepEqual(readdirSync(out), ["summary.json"]);
    assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "2");
    const mine = join(d, "mine");
    mkdirSync(mine);
    writeFileSync(join(mine, "notes.txt"), "keep");
    await assert.rejects(writeFolderAtomically(mine, "mine", ours, fillWith({ "summary.json": "1" })), /not an earlier papi output/);
    assert.deepEqual(readdirSync(mine), ["notes.txt"]);
  });

  test("a failure while filling leaves the old output intact and no staging folder", async () => {
    const d = tmp();
    const out = join(d, "out");
    await writeFolderAtomically(out, "out", ours, fillWith({ "summary.json": "old" }));
    await assert.rejects(
      writeFolderAtomically(out, "out", ours, (stage) => {
        writeOutputFile(join(stage, "summary.json"), "half");
        throw new UserError("boom");
      }),
      /boom/,
    );
    assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "old");
    assert.deepEqual(stages(d), []);
  });

  test("--out under a file, or a file as --out, is a one-line error", async () => {
    const d = tmp();
    writeFileSync(join(d, "afile"), "mine");
    await assert.rejects(writeFolderAtomically(join(d, "afile", "sub"), "afile/sub", ours, fillWith({})), (e: unknown) => e instanceof UserError && /afile/.test(e.message));
    await assert.rejects(writeFolderAtomically(join(d, "afile"), "afile", ours, fillWith({})), /exists and is not a folder/);
    assert.equal(readFileSync(join(d, "afile"), "utf8"), "mine");
  });
});

describe("stale staging folders", () => {
  test("a dead process's staging folder is swept; a live process's is kept", () => {
    const d = tmp();
    const out = join(d, "out");
    const dead = deadPid();
    mkdirSync(`${out}.staging-${dead}`);
    mkdirSync(`${out}.staging-${process.pid}`);
    mkdirSync(`${out}.staging-1`); // pid 1 always runs
    mkdirSync(`${out}-other.staging-${dead}`); // another folder's: not ours to sweep
    sweepStaleStages(out);
    assert.deepEqual(readdirSync(d).sort(), [`out-other.staging-${dead}`, `out.staging-${process.pid}`, "out.staging-1"].sort());
  });

  test("a dead process's .old folder is the previous output when the folder is missing: it is restored, not deleted", () => {
    const d = tmp();
    const out = join(d, "out");
    const dead = deadPid();
    mkdirSync(`${out}.old-${dead}`);
    writeFileSync(join(`${out}.old-${dead}`, "summary.json"), "previous");
    sweepStaleStages(out);
    assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "previous");
    assert.deepEqual(readdirSync(d), ["out"]);
    // with the folder present, a stale .old is only a leftover: removed
    mkdirSync(`${out}.old-${dead}`);
    sweepStaleStages(out);
    assert.deepEqual(readdirSync(d), ["out"]);
    assert.ok(existsSync(join(out, "summary.json")));
  });

  test("the next write sweeps what a killed run left", async () => {
    const d = tmp();
    const out = join(d, "out");
    mkdirSync(`${out}.staging-${deadPid()}`);
    await writeFolderAtomically(out, "out", (e) => e.includes("summary.json"), (s) => writeOutputFile(join(s, "summary.json"), "{}"));
    assert.deepEqual(readdirSync(d), ["out"]);
  });
});

describe("a mount point as the output folder", () => {
  test("cannot be swapped: a one-line error, the mount and its files untouched, no staging left (skipped where mount is not allowed)", async (t) => {
    const d = tmp();
    const mnt = join(d, "mnt");
    mkdirSync(mnt);
    if (spawnSync("mount", ["-t", "tmpfs", "tmpfs", mnt]).status !== 0) {
      t.skip("mount -t tmpfs is not permitted here");
      return;
    }
    try {
      writeFileSync(join(mnt, "summary.json"), "old");
      await assert.rejects(
        writeFolderAtomically(mnt, "mnt", (e) => e.includes("summary.json"), (s) => writeOutputFile(join(s, "summary.json"), "new")),
        (e: unknown) => e instanceof UserError && /--out mnt: cannot replace the folder \(EBUSY; a mount point cannot be replaced, choose a folder inside it\)/.test(e.message),
      );
      assert.equal(readFileSync(join(mnt, "summary.json"), "utf8"), "old");
      assert.deepEqual(readdirSync(d), ["mnt"]);
      // a folder inside the mount works
      await writeFolderAtomically(join(mnt, "run"), "mnt/run", (e) => e.includes("summary.json"), (s) => writeOutputFile(join(s, "summary.json"), "new"));
      assert.equal(readFileSync(join(mnt, "run", "summary.json"), "utf8"), "new");
    } finally {
      spawnSync("umount", [mnt]);
    }
  });
});
