import { lstatSync, mkdirSync, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { UserError } from "../core/errors.ts";

/** File-system helpers of the output writers (src/node/output.ts); every failure is a one-line UserError. */

/** The errno code of a failed call (ENOENT, ...), else its message. */
export const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** How an output is named in messages: `--out DIR`, or `--out ""` for an empty path. */
export const labelOf = (flag: string | undefined, path: string): string =>
  flag === undefined ? path : `${flag} ${path.trim() === "" ? JSON.stringify(path) : path}`;

/** An empty (or blank) path is a mistake, never the current folder: `--out ""` must not mean `--out .`. */
export function checkOutputPath(path: string, label: string, what: "file" | "folder" | "file or folder"): void {
  if (path.trim() === "") throw new UserError(`${label}: the path is empty; give a ${what} name`);
  if (path.includes("\0")) throw new UserError(`${label}: the path holds a NUL character`);
}

/** lstat, or undefined when nothing is there; a parent that is a file is a one-line error. */
export function lstatOrMissing(path: string, label: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if (code(e) === "ENOENT") return undefined;
    if (code(e) === "ENOTDIR") throw new UserError(`${label}: a parent of ${path} is not a folder`);
    throw new UserError(`${label}: cannot look at ${path} (${code(e)})`);
  }
}

/**
 * Splits an absolute path into its nearest existing ancestor (a folder, symlinks resolved) and the missing rest:
 * `/a/b/c/d` with only `/a/b` present gives `{ existing: realpath(/a/b), missing: ["c", "d"] }`.
 */
export function nearestFolder(abs: string, label: string): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let p = resolve(abs);
  for (;;) {
    const st = lstatOrMissing(p, label);
    if (st !== undefined) {
      let target: Stats;
      try {
        target = st.isSymbolicLink() ? statSync(p) : st;
      } catch (e) {
        throw new UserError(`${label}: ${p} is a symbolic link to nothing (${code(e)})`);
      }
      if (!target.isDirectory()) throw new UserError(`${label}: ${p} is not a folder`);
      return { existing: realpathSync(p), missing };
    }
    const up = dirname(p);
    if (up === p) throw new UserError(`${label}: no folder of ${abs} exists`);
    missing.unshift(basename(p));
    p = up;
  }
}

/**
 * Creates `abs` and its missing parents one level at a time. Node's recursive mkdir spins forever on pseudo file
 * systems (mkdir /proc/x fails with ENOENT, so it retries the parent, which exists, and so on); here every level is
 * one mkdir call, and any failure is a one-line error. Returns the real path of the folder.
 */
export function makeFolders(abs: string, label: string): string {
  const { existing, missing } = nearestFolder(abs, label);
  let p = existing;
  for (const part of missing) {
    p = join(p, part);
    try {
      mkdirSync(p);
    } catch (e) {
      // a concurrent writer made it first: fine if it is a folder
      if (!(code(e) === "EEXIST" && statSync(p).isDirectory())) throw new UserError(`${label}: cannot create folder ${p} (${code(e)})`);
    }
  }
  return p;
}

/** Octal escapes of /proc/self/mountinfo (`\040` is a space). */
const unescapeMount = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * Whether a folder (given by its real path) is a mount point: on another device than its parent, or listed in
 * /proc/self/mountinfo (a bind mount of the same file system). A mount point cannot be renamed (EBUSY).
 */
export function isMountPoint(real: string): boolean {
  const parent = dirname(real);
  if (parent === real) return true;
  if (statSync(real).dev !== statSync(parent).dev) return true;
  let info: string;
  try {
    info = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return false; // not Linux: the device test above is all there is
  }
  for (const line of info.split("\n")) {
    const mountPoint = line.split(" ")[4];
    if (mountPoint !== undefined && unescapeMount(mountPoint) === real) return true;
  }
  return false;
}

/** Whether a process of this machine runs with that id (EPERM: it runs, as another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return code(e) === "EPERM";
  }
}

/** True when `inner` is `outer` or inside it (both absolute, normalized). */
export const isInside = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
