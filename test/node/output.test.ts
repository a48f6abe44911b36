import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ensureDir, fileTarget, writeOutputFile, writesToStdout } from "../../src/node/output.ts";
import { numLiveWorkFolders } from "../../src/node/output-work.ts";
import { cleanTmp, throwsUserError, tmp } from "../cli/output-fixtures.ts";

after(cleanTmp);

describe("writeOutputFile: regular files replaced atomically, streams written to, the rest refused", () => {
  test("a new file, and a regular file replaced whole, with no temporary left and no listener left", () => {
    const d = tmp();
    const p = join(d, "a.json");
    const listeners = process.listenerCount("SIGTERM");
    writeOutputFile(p, "first");
    assert.equal(readFileSync(p, "utf8"), "first");
    writeOutputFile(p, new Uint8Array([104, 105]));
    assert.equal(readFileSync(p, "utf8"), "hi");
    assert.deepEqual(readdirSync(d), ["a.json"]);
    assert.equal(numLiveWorkFolders(), 0);
    assert.equal(process.listenerCount("SIGTERM"), listeners);
  });

  test("missing parent folders are created", () => {
    const d = tmp();
    writeOutputFile(join(d, "x", "y", "t.json"), "{}");
    assert.equal(readFileSync(join(d, "x", "y", "t.json"), "utf8"), "{}");
    assert.equal(ensureDir(join(d, "x", "z")), join(d, "x", "z"));
    assert.ok(statSync(join(d, "x", "z")).isDirectory());
  });

  test("a symlink to a regular file: the target is replaced and the link stays a link", () => {
    const d = tmp();
    writeFileSync(join(d, "target.json"), "old");
    symlinkSync(join(d, "target.json"), join(d, "link.json"));
    assert.deepEqual(fileTarget(join(d, "link.json")), { kind: "replace", path: join(d, "target.json") });
    writeOutputFile(join(d, "link.json"), "new");
    assert.ok(lstatSync(join(d, "link.json")).isSymbolicLink());
    assert.equal(readlinkSync(join(d, "link.json")), join(d, "target.json"));
    assert.equal(readFileSync(join(d, "target.json"), "utf8"), "new");
    assert.deepEqual(readdirSync(d).sort(), ["link.json", "target.json"]);
  });

  test("/dev/null, and a symlink to it, are streamed to and stay what they are", () => {
    assert.deepEqual(fileTarget("/dev/null"), { kind: "stream", path: "/dev/null" });
    writeOutputFile("/dev/null", "discarded");
    const d = tmp();
    symlinkSync("/dev/null", join(d, "null-link"));
    writeOutputFile(join(d, "null-link"), "x");
    assert.ok(lstatSync(join(d, "null-link")).isSymbolicLink());
    assert.ok(statSync("/dev/null").isCharacterDevice());
  });

  test("a FIFO is streamed to (a reader gets the bytes) and stays a FIFO", async () => {
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

  test("-, /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N are this process's descriptors (never stat-ed)", () => {
    assert.deepEqual(fileTarget("-"), { kind: "fd", fd: 1 });
    assert.deepEqual(fileTarget("/dev/stdout"), { kind: "fd", fd: 1 });
    assert.deepEqual(fileTarget("/dev/stderr"), { kind: "fd", fd: 2 });
    assert.deepEqual(fileTarget("/dev/fd/63"), { kind: "fd", fd: 63 });
    assert.deepEqual(fileTarget("/proc/self/fd/5"), { kind: "fd", fd: 5 });
    assert.deepEqual(fileTarget(`/proc/${process.pid}/fd/7`), { kind: "fd", fd: 7 });
    assert.ok(writesToStdout("-") && writesToStdout("/dev/stdout") && writesToStdout("/dev/fd/1"));
    assert.ok(!writesToStdout("/dev/stderr") && !writesToStdout("out.json") && !writesToStdout(""));
  });

  test("- writes standard output", () => {
    const chunks: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((c: Uint8Array) => (chunks.push(Buffer.from(c).toString()), true)) as typeof process.stdout.write;
    try {
      writeOutputFile("-", "to stdout");
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(chunks, ["to stdout"]);
  });

  test("a folder, a symlink to a folder, a dangling symlink and a socket are refused, unchanged", async () => {
    const d = tmp();
    mkdirSync(join(d, "dir"));
    throwsUserError(() => writeOutputFile(join(d, "dir"), "x", "--timeline"), /^--timeline .*dir: refusing to write a folder$/);
    symlinkSync(join(d, "dir"), join(d, "dir-link"));
    throwsUserError(() => writeOutputFile(join(d, "dir-link"), "x"), /refusing to write a folder \(through a symbolic link\)/);
    symlinkSync(join(d, "missing"), join(d, "dangling"));
    throwsUserError(() => writeOutputFile(join(d, "dangling"), "x"), /symbolic link to nothing/);
    const sock = join(d, "sock");
    const server = createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      throwsUserError(() => writeOutputFile(sock, "x"), /refusing to write a socket/);
      assert.ok(lstatSync(sock).isSocket());
      assert.deepEqual(readdirSync(d).sort(), ["dangling", "dir", "dir-link", "sock"]);
    } finally {
      server.close();
    }
  });

  test("a file used as a parent folder is a one-line error, and the file is unchanged", () => {
    const d = tmp();
    writeFileSync(join(d, "afile"), "mine");
    throwsUserError(() => writeOutputFile(join(d, "afile", "x.json"), "{}"), /afile.* not a folder/);
    throwsUserError(() => writeOutputFile(join(d, "afile", "sub", "x.json"), "{}"), /not a folder/);
    assert.equal(readFileSync(join(d, "afile"), "utf8"), "mine");
  });

  test("an empty or blank path is an error, never the current folder", () => {
    throwsUserError(() => writeOutputFile("", "x", "--timeline"), /^--timeline "": the path is empty; give a file name$/);
    throwsUserError(() => writeOutputFile("  ", "x"), /the path is empty/);
    throwsUserError(() => ensureDir("", "--out"), /^--out "": the path is empty; give a folder name$/);
  });
});
