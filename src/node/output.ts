import {
  closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";

/**
 * Output that never damages what is already there. Files: a regular file (or a new path) is replaced atomically
 * through a temporary sibling and a rename, so a failed run leaves no partial file; a symlink is followed and its
 * target treated the same way (the link stays a link); a character device or a FIFO (/dev/null, /dev/stdout, a
 * shell's process substitution) is written through; `-` is standard output; anything else (a folder, a socket, a
 * block device) is refused. Folders: written to a staging sibling and swapped in only when complete (see
 * writeFolderAtomically). Node's write-file-atomic renames over any target (it would replace /dev/null with a
 * regular file), so this small module is kept instead.
 */

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Creates a folder (and its parents) for output; a path that cannot be created is a one-line user error. */
export function ensureDir(dir: string): void {
  try {
    // existsSync first: Node's recursive mkdir can spin on pseudo file systems such as /proc.
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    else if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
  } catch (e) {
    throw new UserError(`cannot create folder ${dir}: ${code(e)}`);
  }
}

/** How a path would be written: replaced atomically, written through (devices, FIFOs), or to stdout. */
export type OutputKind = "replace" | "write-through" | "stdout";

/** Classifies an output path; a one-line UserError for paths that must not be written. */
export function outputKind(path: string): { kind: OutputKind; target: string } {
  if (path === "-") return { kind: "stdout", target: path };
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if (code(e) === "ENOENT") {
      const parent = dirname(resolve(path));
      if (existsSync(parent) && !statSync(parent).isDirectory()) throw new UserError(`cannot write ${path}: ${dirname(path)} is not a folder`);
      return { kind: "replace", target: path };
    }
    if (code(e) === "ENOTDIR") throw new UserError(`cannot write ${path}: a parent is not a folder`);
    throw new UserError(`cannot write ${path}: ${code(e)}`);
  }
  if (st.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      // dangling links and pipe links (/dev/fd/N of a process substitution) cannot be resolved: write through them
      return { kind: "write-through", target: path };
    }
    const t = statSync(real);
    if (t.isFile()) return { kind: "replace", target: real };
    if (t.isCharacterDevice() || t.isFIFO()) return { kind: "write-through", target: path };
    throw new UserError(`refusing to write ${path}: it links to something that is not a regular file`);
  }
  if (st.isFile()) return { kind: "replace", target: path };
  if (st.isCharacterDevice() || st.isFIFO()) return { kind: "write-through", target: path };
  throw new UserError(`refusing to write ${path}: it is ${st.isDirectory() ? "a folder" : "not a regular file"}`);
}

/** Writes an output file by the rules above (the one function every command uses for files). */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  const { kind, target } = outputKind(path);
  if (kind === "stdout") {
    process.stdout.write(data);
    return;
  }
  if (kind === "write-through") {
    try {
      writeFileSync(target, data);
    } catch (e) {
      throw new UserError(`cannot write ${path}: ${code(e)}`);
    }
    return;
  }
  ensureDir(dirname(target));
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${path}: ${code(e)}`);
  }
}

/** Kept for the writers of a staging folder (always new regular files). */
export const writeFileAtomic = writeOutputFile;

/**
 * Staging folders of this process, removed if it is interrupted (SIGINT/SIGTERM) or exits early. A staging folder
 * maps to undefined; the previous output moved aside (`.old-<pid>`) maps to the folder it came from, and goes back
 * there if the swap did not finish (an interrupt between the two renames must not lose the old output).
 */
const liveStages = new Map<string, string | undefined>();
let handlersInstalled = false;

/** Puts a moved-aside output back where it was if nothing took its place; otherwise removes it. */
function restoreOrRemove(aside: string, home: string | undefined): void {
  if (home !== undefined && !existsSync(home)) {
    try {
      renameSync(aside, home);
      return;
    } catch {
      // fall through: leave nothing half-restored behind
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

function installCleanup(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const clean = () => {
    for (const [s, home] of liveStages) restoreOrRemove(s, home);
    liveStages.clear();
  };
  process.once("exit", clean);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      clean();
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
}

const STAGE_RE = /\.(staging|old)-(\d+)$/;

/** Removes staging folders of `dir` left by papi processes that no longer run (killed with SIGKILL, say). */
export function sweepStaleStages(dir: string): void {
  const parent = dirname(dir);
  const base = basename(dir);
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.startsWith(base + ".")) continue;
    const m = STAGE_RE.exec(e.slice(base.length));
    if (!m) continue;
    const pid = Number(m[2]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (err) {
        alive = code(err) === "EPERM";
      }
    }
    // a dead process's `.old-` folder is the previous output when it died between the two renames: restore it
    if (!alive) restoreOrRemove(join(parent, e), m[1] === "old" ? dir : undefined);
  }
}

/**
 * Writes a whole output folder: `fill(stage)` writes into a fresh staging sibling, which then replaces `dir`. `dir`
 * must be new, empty, or an earlier output of the same kind (`isOurs(entries)`), never a folder of the user's
 * files. A failure or an interrupt leaves `dir` as it was and no staging folder behind.
 */
export async function writeFolderAtomically(
  dir: string,
  given: string,
  isOurs: (entries: string[]) => boolean,
  fill: (stage: string) => Promise<void> | void,
): Promise<void> {
  const outDir = resolve(dir);
  if (existsSync(outDir)) {
    let st;
    try {
      st = lstatSync(outDir);
    } catch (e) {
      throw new UserError(`--out ${given}: ${code(e)}`);
    }
    if (!st.isDirectory()) throw new UserError(`--out ${given}: exists and is not a folder`);
    const entries = readdirSync(outDir);
    if (entries.length > 0 && !isOurs(entries)) {
      throw new UserError(`--out ${given}: folder exists and is not an earlier papi output of this kind; choose a new or empty folder`);
    }
  }
  ensureDir(dirname(outDir));
  sweepStaleStages(outDir);
  const stage = `${outDir}.staging-${process.pid}`;
  rmSync(stage, { recursive: true, force: true });
  try {
    mkdirSync(stage);
  } catch (e) {
    throw new UserError(`--out ${given}: cannot create the output folder (${code(e)})`);
  }
  installCleanup();
  liveStages.set(stage, undefined);
  try {
    await fill(stage);
    // Let a pending SIGINT/SIGTERM run its handler before the swap (fill's work is mostly synchronous, so a signal
    // that arrived during it is still queued): an interrupted run then leaves the old output, not the new one. Node
    // runs a queued signal's listeners on the second turn of the event loop (measured: one setImmediate is not enough).
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    if (existsSync(outDir)) {
      const old = `${outDir}.old-${process.pid}`;
      liveStages.set(old, outDir);
      try {
        renameSync(outDir, old);
      } catch (e) {
        liveStages.delete(old);
        throw new UserError(`--out ${given}: cannot replace the folder (${code(e)}; a mount point cannot be replaced, choose a folder inside it)`);
      }
      renameSync(stage, outDir);
      rmSync(old, { recursive: true, force: true });
      liveStages.delete(old);
    } else {
      try {
        renameSync(stage, outDir);
      } catch (e) {
        throw new UserError(`--out ${given}: cannot create the folder (${code(e)})`);
      }
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
    liveStages.delete(stage);
  }
}
