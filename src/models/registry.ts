import { formatZodIssues, UserError } from "../core/errors.ts";
import { nearest } from "../core/merge.ts";
import { MODEL_PRESETS } from "./presets/index.ts";
import { ModelConfig, ModelConfigFieldDescriptions, unknownKeysMessage } from "./schema.ts";

export { MODEL_PRESETS } from "./presets/index.ts";

/** Validates a model config (an HF config.json object); one-line UserError naming the bad field. */
export function parseModelConfig(raw: unknown, label: string): ModelConfig {
  const r = ModelConfig.safeParse(raw, { reportInput: true });
  if (!r.success) {
    // one message per unknown key, each after the label (the second of two keeps its place as the first does)
    const issues = r.error.issues.flatMap((i) =>
      i.code === "unrecognized_keys" && i.keys.length > 1 ? i.keys.map((k) => ({ ...i, keys: [k], message: unknownKeysMessage([k], i.input) })) : [i],
    );
    throw new UserError(issues.map((i) => formatZodIssues([missingSaid(i)], `${label}: `)).join("; "));
  }
  return r.data;
}

/** A required field left out is "missing", not "must be an integer" (the message of a wrong value). */
function missingSaid<I extends { code: string; message: string; input?: unknown; path: PropertyKey[] }>(i: I): I {
  if (i.code !== "invalid_type" || i.input !== undefined || i.path.length === 0) return i;
  const field = String(i.path[i.path.length - 1]);
  const what = ModelConfigFieldDescriptions[field];
  return { ...i, message: `is missing (required${what ? `: ${what}` : ""}; ${i.message.replace(/^must be /, "")})` };
}

export const isModelPreset = (name: string): boolean => Object.prototype.hasOwnProperty.call(MODEL_PRESETS, name);

/** True when a model reference names a file rather than a preset. */
export const looksLikeModelPath = (ref: string): boolean => /[\\/]/.test(ref) || /\.(json|ya?ml)$/i.test(ref);

/** A preset by name; one-line UserError listing the known names (and the nearest one). */
export function modelPreset(name: string): ModelConfig {
  if (isModelPreset(name)) return MODEL_PRESETS[name];
  const near = nearest(name, Object.keys(MODEL_PRESETS));
  throw new UserError(
    `unknown model "${name}"${near ? ` (did you mean "${near}"?)` : ""}; known: ${Object.keys(MODEL_PRESETS).join(", ")} (or a path to a config.json)`,
  );
}

/**
 * A model from a Hugging Face style config object. Its name: `name`, else HF's `_name_or_path` (e.g.
 * "Qwen/Qwen3-30B-A3B" -> "Qwen3-30B-A3B"), else `fallbackName` (the file's folder or stem).
 */
export function modelFromObject(raw: unknown, label: string, fallbackName = "model", source = label): ModelConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new UserError(`${label}: a model config must be a JSON object`);
  const r = raw as Record<string, unknown>;
  const hfName = typeof r._name_or_path === "string" && r._name_or_path !== "" ? r._name_or_path.split("/").filter(Boolean).pop() : undefined;
  const name = typeof r.name === "string" && r.name !== "" ? r.name : hfName ?? fallbackName;
  return parseModelConfig({ source, ...r, name }, label);
}

/** A preset name or an inline config object (no files: the edges resolve paths, see src/node/models.ts). */
export function resolveModel(ref: string | Record<string, unknown>): ModelConfig {
  if (typeof ref !== "string") return modelFromObject(ref, "model");
  if (looksLikeModelPath(ref)) throw new UserError(`model "${ref}" is a file path; this caller cannot read files`);
  return modelPreset(ref);
}
