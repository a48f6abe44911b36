import type { InputLoader } from "../serving/run.ts";
import { loadModel } from "./models.ts";
import { fileTraceSource } from "./traces.ts";

/** Inputs from disk: built-in trace files, trace CSVs and model config.json files (relative to `baseDir` or the cwd). */
export function nodeLoader(baseDir?: string): InputLoader {
  return { traceSource: fileTraceSource(baseDir), model: (ref) => loadModel(ref, baseDir) };
}
