import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { checkOutputPath, code, isInside, labelOf, lstatOrMissing, makeFolders, nearestFolder } from "./output-fs.ts";
import { judgeOutputFolder, OUTPUT_MARKER, outputMarkerText, readOutputMarker, unexplainedEntries, type OutputFolderKind } from "./output-marker.ts";
import { createWorkFolder, disposeWork } from "./output-work.ts";

export { labelOf } from "./output-fs.ts";
export { OUTPUT_FOLDER_KINDS, OUTPUT_MARKER, type OutputFolderKind } from "./output-marker.ts";

/**
 * Every output papi writes goes through this module (the rules are in docs/assumptions.md, "Input bounds and output
 * safety"). papi deletes or replaces only what it can prove it wrote: output folders carry a marker
 * (output-marker.ts) and temporary files live in marked work folders (output-work.ts).
 *
 * Files: `-`, /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N write to that descriptor of this process;
 * FIFOs and character devices (also through a symlink) are opened and streamed to; a regular file (or a new path)
 * is replaced atomically through a work folder and a rename (through a symlink: the file it names, the link stays);
 * folders, sockets, block devices and dangling links are refused. Missing parent folders are created one level at a
 * time (never Node's recursive mkdir, which spins under /proc).
 */

/** Where a file output goes. */
export type FileTarget = { kind: "fd"; fd: number } | { kind: "stream"; path: string } | { kind: "replace"; path: string };

/** This process's own descriptors, by the names shells and users give them. */
const FD_PATH = /^\/(?:dev\/fd|proc\/(?:self|thread-self|(\d+))\/fd)\/(\d+)$/;

function descriptorOf(path: string): number | undefined {
  if (path === "-") return 1;
  const abs = resolve(path);
  if (abs === "/dev/stdout") return 1;
  if (abs === "/dev/stderr") return 2;
  const m = FD_PATH.exec(abs);
  if (m && (m[1] === undefined || Number(m[1]) === process.pid)) return Number(m[2]);
  return undefined;
}

/** Whether writing `path` writes this process's standard output. */
export const writesToStdout = (path: string): boolean => path.trim() !== "" && descriptorOf(path) === 1;

/** Classifies an output path; a one-line UserError for paths that must not be written. */
export function fileTarget(path: string, label = path): FileTarget {
  checkOutputPath(path, label, "file");
  const fd = descriptorOf(path);
  if (fd !== undefined) return { kind: "fd", fd };
  const abs = resolve(path);
  const st = lstatOrMissing(abs, label);
  if (st === undefined) {
    const { existing, missing } = nearestFolder(dirname(abs), label);
    return { kind: "replace", path: join(existing, ...missing, basename(abs)) };
  }
  let t = st;
  if (st.isSymbolicLink()) {
    try {
      t = statSync(abs);
    } catch (e) {
      throw new UserError(`${label}: is a symbolic link to nothing (${code(e)}); give the file's own path`);
    }
  }
  if (t.isFIFO() || t.isCharacterDevice()) return { kind: "stream", path: abs };
  if (t.isFile()) {
    let real: string | undefined;
    try {
      real = realpathSync(abs);
    } catch {
      real = undefined;
    }
    const r = real === undefined ? undefined : lstatOrMissing(real, label);
    // a /proc/<pid>/fd link of another process resolves to a name that may not be the file: refuse rather than guess
    if (real === undefined || !r?.isFile() || r.ino !== t.ino || r.dev !== t.dev) throw new UserError(`${label}: cannot tell which file this names; give the file's own path`);
    return { kind: "replace", path: real };
  }
  const what = t.isDirectory() ? "a folder" : t.isSocket() ? "a socket" : "a block device or other special file";
  throw new UserError(`${label}: refusing to write ${what}${st.isSymbolicLink() ? " (through a symbolic link)" : ""}`);
}

/** Sleeps without an event loop (a non-blocking descriptor that is full: EAGAIN). */
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function writeAll(fd: number, bytes: Uint8Array, label: string): void {
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (e) {
      if (code(e) === "EAGAIN") pause(1);
      else throw new UserError(`${label}: cannot write (${code(e)})`);
    }
  }
}

/** Writes an output file by the rules above (the one function every file output goes through). */
export function writeOutputFile(path: string, data: string | Uint8Array, flag?: string): void {
  const label = labelOf(flag, path);
  const t = fileTarget(path, label);
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  if (t.kind === "fd") {
    // standard output and error through their streams (synchronous on Linux for files and pipes), so the text
    // keeps its order with what the CLI prints
    if (t.fd === 1) process.stdout.write(bytes);
    else if (t.fd === 2) process.stderr.write(bytes);
    else writeAll(t.fd, bytes, label);
  } else if (t.kind === "stream") {
    let fd: number;
    try {
      fd = openSync(t.path, "a");
    } catch (e) {
      throw new UserError(`${label}: cannot open (${code(e)})`);
    }
    try {
      writeAll(fd, bytes, label);
    } finally {
      closeSync(fd);
    }
  } else replaceFile(t.path, bytes, label);
}

function replaceFile(real: string, bytes: Uint8Array, label: string): void {
  const folder = makeFolders(dirname(real), label);
  const name = basename(real);
  const work = createWorkFolder(folder, name, label);
  try {
    const tmp = join(work, name);
    const fd = openSync(tmp, "wx");
    try {
      writeAll(fd, bytes, label);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(folder, name));
  } catch (e) {
    throw e instanceof UserError ? e : new UserError(`${label}: cannot write (${code(e)})`);
  } finally {
    disposeWork(work);
  }
}

/** Creates a folder and its missing parents (one level at a time); returns its real path. */
export function ensureDir(dir: string, flag?: string): string {
  const label = labelOf(flag, dir);
  checkOutputPath(dir, label, "folder");
  return makeFolders(resolve(dir), label);
}

/** papi replaces an output folder whole: never the folder a user (or papi itself) stands in. */
function refuseCurrentFolder(real: string, label: string): void {
  let cwd: string;
  try {
    cwd = realpathSync(process.cwd());
  } catch {
    return;
  }
  if (isInside(cwd, real)) throw new UserError(`${label}: is the current folder or holds it; papi replaces an output folder whole, so run papi from outside it or choose another folder`);
}

/** Fails early (before the work that fills it) if writeOutputFolder would refuse `dir`. */
export function checkOutputFolder(dir: string, kind: OutputFolderKind, flag = "--out"): void {
  const label = labelOf(flag, dir);
  refuseCurrentFolder(judgeOutputFolder(dir, kind, label).real, label);
}

/** Moves the previous output aside (into the work folder), checking again that it holds only papi's files. */
function moveAside(real: string, old: string, kind: OutputFolderKind, label: string): void {
  try {
    renameSync(real, old);
  } catch (e) {
    throw new UserError(`${label}: cannot replace the folder (${code(e)})`);
  }
  const marker = readOutputMarker(old);
  const ok = readdirSync(old).length === 0 || (marker !== undefined && marker.kind === kind && unexplainedEntries(old, marker).length === 0);
  if (!ok) {
    renameSync(old, real);
    throw new UserError(`${label}: the folder changed while papi was writing (it now holds files papi did not write); nothing was replaced`);
  }
}

/**
 * Writes a whole output folder: `fill(stage)` writes into a fresh folder inside a work folder, papi's marker is
 * added, and the result replaces `dir` only when complete. `dir` must be new, empty, or an earlier papi output of
 * the same kind holding only papi's files (judgeOutputFolder). A failure or an interrupt leaves `dir` as it was
 * and no work folder behind; nothing (not even missing parent folders) is created before the output is complete.
 * Returns the real path written.
 */
export async function writeOutputFolder(dir: string, kind: OutputFolderKind, fill: (stage: string) => Promise<void> | void, flag = "--out"): Promise<string> {
  const label = labelOf(flag, dir);
  const { real } = judgeOutputFolder(dir, kind, label);
  refuseCurrentFolder(real, label);
  const { existing: anchor } = nearestFolder(dirname(real), label);
  const work = createWorkFolder(anchor, relative(anchor, real), label);
  try {
    const stage = join(work, "new");
    mkdirSync(stage);
    await fill(stage);
    writeFileSync(join(stage, OUTPUT_MARKER), outputMarkerText(kind, readdirSync(stage)));
    // Let a pending SIGINT/SIGTERM run its listener before the swap (fill's work is mostly synchronous, so a signal
    // that arrived during it is still queued): an interrupted run then leaves the old output, not the new one. Node
    // runs a queued signal's listeners on the second turn of the event loop (measured: one setImmediate is not enough).
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    const now = judgeOutputFolder(dir, kind, label); // it may have changed while papi worked
    if (now.real !== real) throw new UserError(`${label}: the path changed while papi was writing; nothing was replaced`);
    if (now.exists) moveAside(real, join(work, "old"), kind, label);
    makeFolders(dirname(real), label);
    try {
      renameSync(stage, real);
    } catch (e) {
      throw new UserError(`${label}: cannot put the folder in place (${code(e)})`);
    }
  } finally {
    disposeWork(work); // puts the previous output back if the new one is not in place
  }
  return real;
}

/**
 * Claims an output folder written in place (a sweep, which appends to its journal and resumes): it must be new,
 * empty, or papi's of that kind (the same rules as writeOutputFolder); it is created if missing and gets papi's
 * marker listing `files` (the names papi may write there). Returns its real path.
 */
export function claimOutputFolder(dir: string, kind: OutputFolderKind, files: readonly string[], flag = "--out"): string {
  const label = labelOf(flag, dir);
  const { real, exists } = judgeOutputFolder(dir, kind, label);
  if (!exists) makeFolders(real, label);
  const previous = readOutputMarker(real)?.files ?? [];
  writeOutputFile(join(real, OUTPUT_MARKER), outputMarkerText(kind, [...previous, ...files]), flag);
  return real;
}
