import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TraceCsvReader } from "../serving/trace-csv.ts";
import {
  BUILT_IN_TRACES, isBuiltInTrace, loadTrace as loadTraceFrom, unknownTraceError,
  type LoadTraceOptions, type Trace, type TraceRow, type TraceRowSource,
} from "../serving/trace.ts";
import { forEachCsvFileRecord } from "./csv-file.ts";

/** Absolute path of a built-in trace's file in the package's data/traces/. */
export function builtInTracePath(name: string): string {
  return fileURLToPath(new URL(`../../data/traces/${BUILT_IN_TRACES[name].file}`, import.meta.url));
}

/** Parsed built-in traces, by name: the reproduction loads the same ones many times. */
const builtInCache = new Map<string, TraceRow[]>();

/** Streams a trace CSV file, stopping after `limit` rows (a 1 M-row file with --requests 1000 reads ~1000 rows). */
export function readTraceFile(path: string, label: string, category?: string, limit = Infinity): TraceRow[] {
  const reader = new TraceCsvReader(label, category, limit);
  forEachCsvFileRecord(path, label, (fields, line) => reader.record(fields, line));
  return reader.finish();
}

/** Where a user's trace path points: relative paths resolve from `baseDir` (a config file's folder) or the cwd. */
export function resolveUserPath(path: string, baseDir?: string): string {
  return isAbsolute(path) ? path : resolve(baseDir ?? process.cwd(), path);
}

/** Trace rows from the package's built-in files and from CSV files on disk. */
export function fileTraceSource(baseDir?: string): TraceRowSource {
  return (spec, limit) => {
    if (isBuiltInTrace(spec)) {
      let rows = builtInCache.get(spec);
      if (rows === undefined) {
        const b = BUILT_IN_TRACES[spec];
        rows = readTraceFile(builtInTracePath(spec), `data/traces/${b.file}`, b.category);
        builtInCache.set(spec, rows);
      }
      return rows;
    }
    const path = resolveUserPath(spec, baseDir);
    if (!existsSync(path) || !statSync(path).isFile()) throw unknownTraceError(spec);
    return readTraceFile(path, spec, undefined, limit);
  };
}

/** Loads a trace (built-in, synthetic, or a CSV file relative to `baseDir` or the cwd). */
export function loadTrace(spec: string, opts: LoadTraceOptions = {}, baseDir?: string): Trace {
  return loadTraceFrom(spec, opts, fileTraceSource(baseDir));
}

/** A trace spec as written into a resolved config: file paths made absolute, names and synthetic specs kept. */
export function absoluteTracePath(spec: string, baseDir?: string): string {
  if (isBuiltInTrace(spec)) return spec;
  const path = resolveUserPath(spec, baseDir);
  return existsSync(path) && statSync(path).isFile() ? path : spec;
}
