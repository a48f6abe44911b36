import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { PAPI_VERSION } from "../core/version.ts";
import { checkOutputPath, code, isMountPoint, lstatOrMissing, nearestFolder } from "./output-fs.ts";
import { readWorkMarker, sweepStaleWork } from "./output-work.ts";

/**
 * The marker of an output folder: `.papi-output.json`, written by papi into every folder it writes (the kind of
 * output, papi's version, and the names of the files it wrote there). It is papi's proof of ownership: a folder is
 * replaced (or, for sweeps, written into) only if it is new, empty, or carries the marker of the same kind and holds
 * nothing papi did not write. File names that happen to match (a summary.json of the user's) prove nothing.
 */

export const OUTPUT_MARKER = ".papi-output.json";

/** The kinds of output folder, and how messages name them. */
export const OUTPUT_FOLDER_KINDS = {
  run: "run folder (papi run --out)",
  reproduce: "reproduction folder (papi reproduce --out)",
  sweep: "sweep folder (papi sweep --out, papi sweep merge --out)",
  pareto: "Pareto folder (papi sweep pareto --out)",
  plots: "plot folder (papi sweep plot --out, or its default DIR/plots)",
  explorer: "explorer folder (papi explore --build)",
} as const;
export type OutputFolderKind = keyof typeof OUTPUT_FOLDER_KINDS;

interface OutputMarker {
  papiOutput: 1;
  kind: string;
  papiVersion: string;
  files: string[];
}

/** The marker's text for a folder of `kind` holding `files` (sorted, without duplicates: the same folder, the same bytes). */
export function outputMarkerText(kind: OutputFolderKind, files: Iterable<string>): string {
  const names = [...new Set(files)].filter((f) => f !== OUTPUT_MARKER).sort();
  const m: OutputMarker = { papiOutput: 1, kind, papiVersion: PAPI_VERSION, files: names };
  return JSON.stringify(m, null, 2) + "\n";
}

/** The folder's marker, if it has a well-formed one. */
export function readOutputMarker(dir: string): OutputMarker | undefined {
  const path = join(dir, OUTPUT_MARKER);
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > 1 << 20) return undefined;
    const v = JSON.parse(readFileSync(path, "utf8")) as Partial<OutputMarker>;
    const ok = v.papiOutput === 1 && typeof v.kind === "string" && Array.isArray(v.files) && v.files.every((f) => typeof f === "string" && f !== "" && !f.includes("/"));
    return ok ? (v as OutputMarker) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entries of a marked folder papi cannot prove it wrote: anything but the marker, the regular files it lists,
 * papi's work folders, and subfolders that are themselves marked papi outputs holding only papi's files (a sweep's
 * `pareto/`). A listed name that is now a link or a folder is the user's.
 */
export function unexplainedEntries(dir: string, marker: OutputMarker, depth = 0): string[] {
  const listed = new Set(marker.files);
  const foreign: string[] = [];
  for (const e of readdirSync(dir)) {
    if (e === OUTPUT_MARKER) continue;
    const p = join(dir, e);
    const st = lstatSync(p);
    if (st.isFile() && listed.has(e)) continue;
    if (st.isDirectory() && readWorkMarker(p, e) !== undefined) continue;
    if (st.isDirectory() && depth < 4) {
      const sub = readOutputMarker(p);
      if (sub !== undefined && unexplainedEntries(p, sub, depth + 1).length === 0) continue;
    }
    foreign.push(e);
  }
  return foreign.sort();
}

/**
 * The subfolders of `dir` that are papi outputs of one of `kinds` holding only papi's files (what unexplainedEntries
 * accepts as papi's), e.g. a sweep folder's pareto/ and plots/, drawn from its data.
 */
export function markedSubfolders(dir: string, kinds: readonly OutputFolderKind[]): string[] {
  const found: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (!lstatSync(p).isDirectory()) continue;
    const sub = readOutputMarker(p);
    if (sub !== undefined && (kinds as readonly string[]).includes(sub.kind) && unexplainedEntries(p, sub, 1).length === 0) found.push(e);
  }
  return found.sort();
}

/**
 * Decides whether papi may write the output folder `path` of `kind` (a one-line UserError naming `label` if not):
 * new, empty, or carrying papi's marker of that kind and nothing else of the user's. A symbolic link to a folder is
 * followed (the folder it names is judged and written; the link stays). A mount point is refused (it cannot be
 * renamed, and papi replaces output folders whole). Returns the real path and whether the folder exists.
 */
export function judgeOutputFolder(path: string, kind: OutputFolderKind, label: string): { real: string; exists: boolean } {
  checkOutputPath(path, label, "folder");
  const abs = resolve(path);
  const st = lstatOrMissing(abs, label);
  if (st === undefined) {
    const { existing, missing } = nearestFolder(dirname(abs), label);
    return { real: join(existing, ...missing, basename(abs)), exists: false };
  }
  let real = abs;
  if (st.isSymbolicLink()) {
    try {
      real = realpathSync(abs);
    } catch (e) {
      throw new UserError(`${label}: is a symbolic link to nothing (${code(e)})`);
    }
  }
  if (!statSync(real).isDirectory()) throw new UserError(`${label}: exists and is not a folder`);
  if (isMountPoint(real)) {
    throw new UserError(`${label}: is a mount point; papi writes an output folder whole and cannot replace a mount point, so choose a folder inside it`);
  }
  sweepStaleWork(real);
  if (readdirSync(real).length === 0) return { real, exists: true };
  const marker = readOutputMarker(real);
  if (marker === undefined || marker.kind !== kind) {
    const what = OUTPUT_FOLDER_KINDS[kind];
    throw new UserError(`${label}: the folder is not empty and was not written by papi >= 0.3 or is not ${/^[aeiou]/i.test(what) ? "an" : "a"} ${what}; choose a new or empty folder`);
  }
  const foreign = unexplainedEntries(real, marker);
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? ` and ${foreign.length - 3} more` : "");
    throw new UserError(`${label}: the folder holds files papi did not write (${shown}); move them out or choose a new or empty folder`);
  }
  return { real, exists: true };
}
