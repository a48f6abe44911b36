import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { isAbsolute, join, normalize, sep } from "node:path";
import { UserError } from "../core/errors.ts";
import { code, isProcessAlive } from "./output-fs.ts";

/**
 * Work folders: where papi writes before it renames the result into place. One per write, named
 * `.papi-tmp-<pid>-<clock>-<n>` (process id, monotonic nanoseconds, a counter: unique without randomness) inside the
 * folder that receives the output, and holding a marker (`.papi-tmp.json`: machine, process id, the same token, and
 * the output it is for). A single file is written as `<work>/<name>` and renamed into place; a folder is filled as
 * `<work>/new`, the previous output moved to `<work>/old`, `new` renamed into place, and the work folder removed.
 *
 * Clean-up: SIGINT, SIGTERM and SIGHUP, and process exit, remove this process's work folders (their listeners exist
 * only while a work folder does, and are added before it is created). A process killed with SIGKILL leaves its work
 * folder; the next write into the same folder removes it once the marker proves papi made it on this machine and
 * its process is gone. An `old` whose output is missing (killed between the two renames) is put back first.
 * A folder that merely has such a name is never touched: without a valid marker it is not papi's.
 */

export const WORK_PREFIX = ".papi-tmp-";
export const WORK_MARKER = ".papi-tmp.json";
const WORK_RE = /^\.papi-tmp-(\d+)-(\d+)-(\d+)$/;

interface WorkMarker {
  papiTmp: 1;
  host: string;
  pid: number;
  token: string;
  /** the output this work folder is for, relative to the folder holding the work folder */
  for: string;
}

let counter = 0;
const newToken = (): string => `${process.pid}-${process.hrtime.bigint()}-${counter++}`;

/** The marker of a work folder, if `name` (an entry of some folder, at `path`) is one papi made; else undefined. */
export function readWorkMarker(path: string, name: string): WorkMarker | undefined {
  const m = WORK_RE.exec(name);
  if (!m) return undefined;
  try {
    if (!lstatSync(path).isDirectory() || lstatSync(join(path, WORK_MARKER)).size > 4096) return undefined;
    const v = JSON.parse(readFileSync(join(path, WORK_MARKER), "utf8")) as Partial<WorkMarker>;
    const f = v.for;
    const ok =
      v.papiTmp === 1 && typeof v.host === "string" && v.pid === Number(m[1]) && v.token === name.slice(WORK_PREFIX.length) &&
      typeof f === "string" && f !== "" && !isAbsolute(f) && normalize(f) === f && !f.split(sep).includes("..");
    return ok ? (v as WorkMarker) : undefined;
  } catch {
    return undefined;
  }
}

/** Work folders of this process that exist now, with the path of the output each is for. */
const live = new Map<string, string>();
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

function onSignal(signal: NodeJS.Signals): void {
  cleanAll();
  process.exit(SIGNAL_EXIT_CODES[signal as keyof typeof SIGNAL_EXIT_CODES]);
}

function cleanAll(): void {
  for (const [work, home] of live) restoreOrDrop(work, home);
  live.clear();
}

function track(work: string, home: string): void {
  if (live.size === 0) {
    process.on("exit", cleanAll);
    for (const s of Object.keys(SIGNAL_EXIT_CODES)) process.on(s, onSignal);
  }
  live.set(work, home);
}

function untrack(work: string): void {
  if (!live.delete(work) || live.size > 0) return;
  process.off("exit", cleanAll);
  for (const s of Object.keys(SIGNAL_EXIT_CODES)) process.off(s, onSignal);
}

/**
 * Removes a work folder. If it holds a previous output (`old`) whose place is empty, that output goes back first;
 * if it cannot, the work folder stays (the previous output is never deleted before a new one replaced it).
 */
function restoreOrDrop(work: string, home: string): void {
  const old = join(work, "old");
  if (existsSync(old) && !existsOrLink(home)) {
    try {
      renameSync(old, home);
    } catch {
      return;
    }
  }
  rmSync(work, { recursive: true, force: true });
}

const existsOrLink = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Removes the work folders in `folder` that papi left on this machine when killed (their process is gone). */
export function sweepStaleWork(folder: string): void {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return;
  }
  const host = hostname();
  for (const e of entries) {
    if (!e.startsWith(WORK_PREFIX)) continue;
    const path = join(folder, e);
    const m = readWorkMarker(path, e);
    if (m === undefined || m.host !== host || live.has(path)) continue;
    if (m.pid !== process.pid && isProcessAlive(m.pid)) continue;
    restoreOrDrop(path, join(folder, m.for));
  }
}

/**
 * Creates a work folder in `folder` (an existing folder, real path) for the output at `folder/forPath`, after
 * sweeping stale ones there. The clean-up listeners are in place before the folder exists.
 */
export function createWorkFolder(folder: string, forPath: string, label: string): string {
  sweepStaleWork(folder);
  const token = newToken();
  const work = join(folder, WORK_PREFIX + token);
  const marker: WorkMarker = { papiTmp: 1, host: hostname(), pid: process.pid, token, for: forPath };
  // tracked first: a signal that arrives once the folder exists finds a listener (the token is unique to this
  // process, so cleaning up a folder that mkdir did not get to make removes nothing)
  track(work, join(folder, forPath));
  try {
    mkdirSync(work);
  } catch (e) {
    untrack(work);
    throw new UserError(`${label}: cannot create a temporary folder in ${folder} (${code(e)})`);
  }
  try {
    writeFileSync(join(work, WORK_MARKER), JSON.stringify(marker) + "\n");
  } catch (e) {
    disposeWork(work);
    throw new UserError(`${label}: cannot write in ${folder} (${code(e)})`);
  }
  return work;
}

/** Ends a work folder: restores a previous output still in it if its place is empty, then removes it. */
export function disposeWork(work: string): void {
  const home = live.get(work);
  if (home !== undefined) restoreOrDrop(work, home);
  untrack(work);
}

/** Number of this process's work folders (for tests: zero once every write has finished). */
export const numLiveWorkFolders = (): number => live.size;
