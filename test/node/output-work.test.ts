import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeOutputFile } from "../../src/node/output.ts";
import { createWorkFolder, disposeWork, numLiveWorkFolders, readWorkMarker, sweepStaleWork, WORK_MARKER } from "../../src/node/output-work.ts";
import { cleanTmp, deadPid, tmp } from "../cli/output-fixtures.ts";

after(cleanTmp);

/** A work folder as a papi process `pid` on `host` would have left it (killed with SIGKILL). */
function leftWork(folder: string, pid: number, opts: { host?: string; for?: string; token?: string; marker?: boolean } = {}): string {
  const token = opts.token ?? `${pid}-123-0`;
  const name = `.papi-tmp-${pid}-123-0`;
  mkdirSync(join(folder, name));
  writeFileSync(join(folder, name, "data"), "half-written");
  if (opts.marker !== false) {
    const m = { papiTmp: 1, host: opts.host ?? hostname(), pid, token, for: opts.for ?? "out.json" };
    writeFileSync(join(folder, name, WORK_MARKER), JSON.stringify(m));
  }
  return name;
}

describe("work folders", () => {
  test("a dead process's work folder is swept; a live process's, another machine's and look-alikes are kept", () => {
    const d = tmp();
    const dead = deadPid();
    leftWork(d, dead);
    const live = leftWork(d, 1); // pid 1 always runs
    const other = join(d, "o");
    mkdirSync(other);
    const remote = leftWork(other, dead, { host: `not-${hostname()}` }); // a shared folder: that pid runs elsewhere
    const a = join(d, "a");
    mkdirSync(a);
    const unmarked = leftWork(a, dead, { marker: false });
    const b = join(d, "b");
    mkdirSync(b);
    const forged = leftWork(b, dead, { token: "1-2-3" }); // marker of another folder name
    const c = join(d, "c");
    mkdirSync(c);
    const escaping = leftWork(c, dead, { for: "../x" });
    for (const f of [d, other, a, b, c]) sweepStaleWork(f);
    assert.deepEqual(readdirSync(d).sort(), [live, "a", "b", "c", "o"].sort());
    assert.deepEqual(readdirSync(other), [remote]);
    assert.deepEqual(readdirSync(a), [unmarked]);
    assert.deepEqual(readdirSync(b), [forged]);
    assert.deepEqual(readdirSync(c), [escaping]);
  });

  test("the next file write into the folder removes what a killed one left", () => {
    const d = tmp();
    leftWork(d, deadPid());
    writeOutputFile(join(d, "t.json"), "{}");
    assert.deepEqual(readdirSync(d), ["t.json"]);
  });

  test("a dead process's previous output (old) whose place is empty is put back; with the place taken it is dropped", () => {
    const d = tmp();
    const w = leftWork(d, deadPid(), { for: "out" });
    mkdirSync(join(d, w, "old"));
    writeFileSync(join(d, w, "old", "summary.json"), "previous");
    sweepStaleWork(d);
    assert.deepEqual(readdirSync(d), ["out"]);
    assert.equal(readFileSync(join(d, "out", "summary.json"), "utf8"), "previous");
    const w2 = leftWork(d, deadPid(), { for: "out" });
    mkdirSync(join(d, w2, "old"));
    sweepStaleWork(d);
    assert.deepEqual(readdirSync(d), ["out"]);
    assert.equal(readFileSync(join(d, "out", "summary.json"), "utf8"), "previous");
  });

  test("createWorkFolder: marked with this process and a unique token; listeners exist exactly while it does", () => {
    const d = tmp();
    const listeners = process.listenerCount("SIGINT");
    const w1 = createWorkFolder(d, "x", "test");
    const w2 = createWorkFolder(d, "x", "test");
    assert.notEqual(w1, w2);
    const m = readWorkMarker(w1, w1.slice(d.length + 1))!;
    assert.equal(m.pid, process.pid);
    assert.equal(m.host, hostname());
    assert.equal(numLiveWorkFolders(), 2);
    assert.equal(process.listenerCount("SIGINT"), listeners + 1);
    sweepStaleWork(d); // our own live folders are not stale
    assert.equal(readdirSync(d).length, 2);
    disposeWork(w1);
    disposeWork(w2);
    assert.deepEqual(readdirSync(d), []);
    assert.equal(process.listenerCount("SIGINT"), listeners);
  });
});
