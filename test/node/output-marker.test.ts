import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { UserError } from "../../src/core/errors.ts";
import { PAPI_VERSION } from "../../src/core/version.ts";
import { claimOutputFolder, OUTPUT_MARKER, writeOutputFile, writeOutputFolder } from "../../src/node/output.ts";
import { markedSubfolders } from "../../src/node/output-marker.ts";
import { cleanTmp, rejectsUserError, snapshot, throwsUserError, tmp } from "../cli/output-fixtures.ts";

after(cleanTmp);

const fillWith = (files: Record<string, string>) => (stage: string) => {
  for (const [f, t] of Object.entries(files)) writeOutputFile(join(stage, f), t);
};
const write = (dir: string, files: Record<string, string>, kind: "run" | "reproduce" = "run") => writeOutputFolder(dir, kind, fillWith(files));

describe("writeOutputFolder: papi's marker decides what may be replaced", () => {
  test("a new folder gets its files and a marker listing them (the same bytes every time); no work folder is left", async () => {
    const d = tmp();
    const out = join(d, "out");
    await write(out, { "summary.json": "1", "a.csv": "x" });
    assert.deepEqual(readdirSync(out).sort(), [OUTPUT_MARKER, "a.csv", "summary.json"]);
    const marker = JSON.parse(readFileSync(join(out, OUTPUT_MARKER), "utf8"));
    assert.deepEqual(marker, { papiOutput: 1, kind: "run", papiVersion: PAPI_VERSION, files: ["a.csv", "summary.json"] });
    assert.deepEqual(readdirSync(d), ["out"]);
  });

  test("an earlier output of the same kind is replaced whole: no stale file survives", async () => {
    const out = join(tmp(), "out");
    await write(out, { "summary.json": "1", "old.csv": "x" });
    await write(out, { "summary.json": "2" });
    assert.deepEqual(readdirSync(out).sort(), [OUTPUT_MARKER, "summary.json"]);
    assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "2");
  });

  test("refused, untouched: an unmarked folder (papi 0.2's, or the user's), another kind, a user's file in a marked folder", async () => {
    const d = tmp();
    const old = join(d, "old02");
    mkdirSync(old);
    writeFileSync(join(old, "summary.json"), "{}");
    writeFileSync(join(old, "config.yaml"), "a: 1");
    await rejectsUserError(write(old, { "summary.json": "1" }), /^--out .*old02: the folder is not empty and was not written by papi >= 0\.3 or is not a run folder \(papi run --out\); choose a new or empty folder$/);
    const repro = join(d, "repro");
    await write(repro, { "report.md": "r" }, "reproduce");
    await rejectsUserError(write(repro, { "summary.json": "1" }), /is not a run folder/);
    const mixed = join(d, "mixed");
    await write(mixed, { "summary.json": "1" });
    writeFileSync(join(mixed, "notes.txt"), "mine");
    mkdirSync(join(mixed, "figs"));
    await rejectsUserError(write(mixed, { "summary.json": "2" }), /holds files papi did not write \(figs, notes\.txt\); move them out or choose a new or empty folder/);
    const before = snapshot(d);
    // a listed name the user turned into a link is theirs too
    const linked = join(tmp(), "linked");
    await write(linked, { "summary.json": "1" });
    rmSync(join(linked, "summary.json"));
    symlinkSync("/etc/hostname", join(linked, "summary.json"));
    await rejectsUserError(write(linked, { "summary.json": "2" }), /holds files papi did not write \(summary\.json\)/);
    assert.deepEqual(snapshot(d), before);
  });

  test("a marked papi subfolder holding only papi's files is papi's (a sweep's pareto/); with a user's file in it, it is not", async () => {
    const out = join(tmp(), "out");
    const sweep = claimOutputFolder(out, "sweep", ["points.jsonl"]);
    writeOutputFile(join(sweep, "points.jsonl"), "{}\n");
    await writeOutputFolder(join(out, "pareto"), "pareto", fillWith({ "pareto.csv": "a" }));
    assert.equal(claimOutputFolder(out, "sweep", ["results.csv"]), realpathSync(out));
    assert.deepEqual(JSON.parse(readFileSync(join(out, OUTPUT_MARKER), "utf8")).files, ["points.jsonl", "results.csv"]);
    writeFileSync(join(out, "pareto", "mine.txt"), "mine");
    throwsUserError(() => claimOutputFolder(out, "sweep", []), /holds files papi did not write \(pareto\)/);
  });

  test("markedSubfolders lists the marked subfolders of the kinds asked for, holding only papi's files", async () => {
    const out = join(tmp(), "out");
    claimOutputFolder(out, "sweep", []);
    await writeOutputFolder(join(out, "pareto"), "pareto", fillWith({ "pareto.csv": "a" }));
    claimOutputFolder(join(out, "plots"), "plots", ["a.svg"]);
    writeOutputFile(join(out, "plots", "a.svg"), "<svg/>");
    await writeOutputFolder(join(out, "run1"), "run", fillWith({ "summary.json": "{}" }));
    mkdirSync(join(out, "mine"));
    assert.deepEqual(markedSubfolders(out, ["pareto", "plots"]), ["pareto", "plots"]);
    assert.deepEqual(markedSubfolders(out, ["plots"]), ["plots"]);
    // a user's file in one makes it the user's: not listed
    writeFileSync(join(out, "pareto", "notes.txt"), "mine");
    assert.deepEqual(markedSubfolders(out, ["pareto", "plots"]), ["plots"]);
  });

  test("a failure while filling leaves the old output as it was, and a new nested folder's parents are not created", async () => {
    const d = tmp();
    const out = join(d, "out");
    await write(out, { "summary.json": "old" });
    const boom = (stage: string) => {
      writeOutputFile(join(stage, "summary.json"), "half");
      throw new UserError("boom");
    };
    await assert.rejects(writeOutputFolder(out, "run", boom), /boom/);
    assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "old");
    await assert.rejects(writeOutputFolder(join(d, "x", "y", "out"), "run", boom), /boom/);
    assert.deepEqual(readdirSync(d), ["out"]);
  });

  test("a file as --out, --out under a file, an empty path: one-line errors naming the flag", async () => {
    const d = tmp();
    writeFileSync(join(d, "afile"), "mine");
    await rejectsUserError(write(join(d, "afile"), {}), /afile: exists and is not a folder/);
    await rejectsUserError(write(join(d, "afile", "sub"), {}), /afile.* not a folder/);
    await rejectsUserError(writeOutputFolder("", "explorer", () => undefined, "--build"), /^--build "": the path is empty; give a folder name$/);
    assert.equal(readFileSync(join(d, "afile"), "utf8"), "mine");
  });

  test("symlinked folders are followed: the folder the link names is judged and replaced, the link stays", async () => {
    const d = tmp();
    mkdirSync(join(d, "real"));
    symlinkSync(join(d, "real"), join(d, "link"));
    await write(join(d, "link"), { "summary.json": "1" });
    await write(join(d, "link"), { "summary.json": "2" });
    assert.equal(readFileSync(join(d, "real", "summary.json"), "utf8"), "2");
    assert.deepEqual(readdirSync(d).sort(), ["link", "real"]);
    writeFileSync(join(d, "real", "notes.txt"), "mine");
    await rejectsUserError(write(join(d, "link"), { "summary.json": "3" }), /did not write \(notes\.txt\)/);
  });

  test("the current folder (or one holding it) is never replaced", async () => {
    const d = tmp();
    const out = join(d, "out");
    await write(out, { "summary.json": "1" });
    const cwd = process.cwd();
    process.chdir(out);
    try {
      await rejectsUserError(write(".", { "summary.json": "2" }), /^--out \.: is the current folder or holds it/);
    } finally {
      process.chdir(cwd);
    }
    assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "1");
  });

  test("a mount point is refused before any work, for folders written whole and in place (skipped where mount is not allowed)", async (t) => {
    const d = tmp();
    const mnt = join(d, "mnt");
    mkdirSync(mnt);
    if (spawnSync("mount", ["-t", "tmpfs", "tmpfs", mnt]).status !== 0) return t.skip("mount -t tmpfs is not permitted here");
    try {
      let filled = false;
      await rejectsUserError(writeOutputFolder(mnt, "run", () => void (filled = true)), /--out .*mnt: is a mount point; .* choose a folder inside it/);
      assert.ok(!filled);
      throwsUserError(() => claimOutputFolder(mnt, "sweep", []), /is a mount point/);
      assert.deepEqual(readdirSync(mnt), []);
      await write(join(mnt, "run"), { "summary.json": "new" }); // a folder inside the mount works
      assert.equal(readFileSync(join(mnt, "run", "summary.json"), "utf8"), "new");
    } finally {
      spawnSync("umount", [mnt]);
    }
  });
});

describe("properties", () => {
  const names = fc.constantFrom("summary.json", "config.yaml", "notes.txt", "report.md", OUTPUT_MARKER);
  const content = fc.record({
    files: fc.uniqueArray(names, { maxLength: 4 }),
    markerKind: fc.constantFrom("run", "reproduce", "garbage"),
    listed: fc.uniqueArray(fc.constantFrom<string>("summary.json", "config.yaml", "report.md"), { maxLength: 3 }),
  });

  test("whatever a folder holds, papi either replaces it (every entry was papi's) or refuses and changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(content, async ({ files, markerKind, listed }) => {
        const out = join(tmp(), "out");
        mkdirSync(out);
        for (const f of files) {
          const text = f === OUTPUT_MARKER ? (markerKind === "garbage" ? "{" : JSON.stringify({ papiOutput: 1, kind: markerKind, papiVersion: "x", files: listed })) : f;
          writeFileSync(join(out, f), text);
        }
        const before = snapshot(out);
        const papis = files.length === 0 || (files.includes(OUTPUT_MARKER) && markerKind === "run" && files.every((f) => f === OUTPUT_MARKER || listed.includes(f)));
        try {
          await write(out, { "summary.json": "new" });
          assert.ok(papis, `replaced ${JSON.stringify(before)}`);
          assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "new");
        } catch (e) {
          assert.ok(e instanceof UserError && !papis, String(e));
          assert.deepEqual(snapshot(out), before);
        }
        assert.ok(existsSync(out));
      }),
      { numRuns: 80 },
    );
  });
});
