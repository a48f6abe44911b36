import { basename } from "node:path";
import { formatZodIssues, UserError } from "../core/errors.ts";
import { readDataFile } from "../core/json-file.ts";
import { MODEL_PRESETS } from "./presets/index.ts";
import { ModelConfig } from "./schema.ts";

export { MODEL_PRESETS } from "./presets/index.ts";

/** Validates a model config (an HF config.json object); one-line UserError naming the bad field. */
export function parseModelConfig(raw: unknown, label: string): ModelConfig {
  const r = ModelConfig.safeParse(raw);
  if (!r.success) throw new UserError(`${label}: ${formatZodIssues(r.error.issues)}`);
  return r.data;
}

/**
 * A preset name (`llama-65b`) or a path to a Hugging Face style config.json. A file without a `name`
 * takes its file name (without extension).
 */
export function resolveModel(nameOrPath: string): ModelConfig {
  if (Object.prototype.hasOwnProperty.call(MODEL_PRESETS, nameOrPath)) return MODEL_PRESETS[nameOrPath];
  const looksLikePath = /[\\/]/.test(nameOrPath) || /\.(json|ya?ml)$/i.test(nameOrPath);
  if (!looksLikePath) {
    throw new UserError(`unknown model "${nameOrPath}"; known: ${Object.keys(MODEL_PRESETS).join(", ")} (or a path to a config.json)`);
  }
  const raw = readDataFile(nameOrPath);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`${nameOrPath}: a model config must be a JSON object`);
  }
  const name = basename(nameOrPath).replace(/\.(json|ya?ml)$/i, "");
  const withName = { name, source: nameOrPath, ...(raw as Record<string, unknown>) };
  if (typeof withName.name !== "string" || withName.name === "") withName.name = name;
  return parseModelConfig(withName, nameOrPath);
}
