import { basename, dirname } from "node:path";
import { looksLikeModelPath, modelFromObject, modelPreset } from "../models/registry.ts";
import type { ModelConfig } from "../models/schema.ts";
import { readDataFile } from "./read-data-file.ts";
import { resolveUserPath } from "./traces.ts";

/**
 * A model preset, or a Hugging Face style config.json (or YAML) on disk, relative to `baseDir` (a config file's
 * folder) or the cwd. A file without a name takes HF's `_name_or_path`, else its folder's name when the file is
 * called config.json (the Hugging Face layout, e.g. Qwen3-30B-A3B/config.json), else its stem.
 */
export function loadModel(ref: string, baseDir?: string): ModelConfig {
  if (!looksLikeModelPath(ref)) return modelPreset(ref);
  const path = resolveUserPath(ref, baseDir);
  const stem = basename(path).replace(/\.(json|ya?ml)$/i, "");
  const fallback = stem === "config" ? basename(dirname(path)) || stem : stem;
  return modelFromObject(readDataFile(path), ref, fallback, ref);
}
