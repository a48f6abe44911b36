import { resolveModel } from "../models/registry.ts";
import type { InputLoader } from "../serving/run.ts";
import { BUILT_IN_TRACES, isBuiltInTrace, parseTraceText, unknownTraceError, type TraceRow } from "../serving/trace.ts";
import type { TraceUploads } from "./protocol.ts";

/**
 * The explorer's InputLoader: built-in traces from text bundled with the page (file name -> CSV text, the files of
 * data/traces/), uploaded trace CSVs by file name, and model presets or inline model objects (an uploaded
 * config.json becomes the config's `model` object). Uploads are parsed with the same reader as the CLI, labelled
 * with their file name, so a bad upload gives the message `papi run --trace FILE` gives in the file's folder.
 */
export function browserLoader(bundled: Readonly<Record<string, string>>, uploads: TraceUploads = {}): InputLoader {
  return {
    traceSource: (spec, limit) => {
      if (isBuiltInTrace(spec)) return builtInRows(bundled, spec);
      if (Object.prototype.hasOwnProperty.call(uploads, spec)) return parseTraceText(uploads[spec], spec, undefined, limit);
      throw unknownTraceError(spec);
    },
    model: (ref) => resolveModel(ref),
  };
}

/** Parsed built-in traces, per bundle: the Fig. 8 column runs the same trace six times per change. */
const parsed = new WeakMap<object, Map<string, TraceRow[]>>();

function builtInRows(bundled: Readonly<Record<string, string>>, name: string): TraceRow[] {
  let cache = parsed.get(bundled);
  if (!cache) parsed.set(bundled, (cache = new Map()));
  let rows = cache.get(name);
  if (!rows) {
    const b = BUILT_IN_TRACES[name];
    const text = bundled[b.file];
    if (text === undefined) throw new Error(`the page bundle lacks data/traces/${b.file}`);
    rows = parseTraceText(text, `data/traces/${b.file}`, b.category);
    cache.set(name, rows);
  }
  return rows;
}
