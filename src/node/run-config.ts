import { dirname, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { isPlainObject, setPath } from "../core/merge.ts";
import { RunConfig } from "../serving/config.ts";
import { parseRunConfig } from "../serving/run.ts";
import { readDataFile } from "./read-data-file.ts";
import { parseYamlText } from "./yaml.ts";

/** The system a run config uses when it names none (the schema's default). */
const DEFAULT_SYSTEM = RunConfig.shape.system.parse(undefined) as string;

/** A run config assembled from its sources, and the folder its relative paths resolve from. */
export interface LoadedRunConfig {
  config: RunConfig;
  /** folder of the config file (relative model and trace paths resolve from it), or the cwd */
  baseDir: string;
}

/**
 * Parses one `--set path=value`: the value is YAML (so `2`, `true`, `h100-sxm`, `[1, 2]`, `{preset: cxl2}` all
 * work); the path is dot-separated config field names.
 */
export function parseSet(assignment: string): { path: string; value: unknown } {
  const eq = assignment.indexOf("=");
  if (eq <= 0) throw new UserError(`--set ${assignment}: expected path=value, e.g. hardware.fcPim.numFpus=2`);
  const path = assignment.slice(0, eq).trim();
  const text = assignment.slice(eq + 1);
  const value = text.trim() === "" ? "" : parseYamlText(text, `--set ${path}`);
  return { path, value };
}

/** Reads a config file into a raw object (YAML or JSON); one-line errors. An empty path is `--config ""`, refused. */
export function readRawConfig(path: string): Record<string, unknown> {
  if (path.trim() === "") throw new UserError(`--config ${JSON.stringify(path)}: the path is empty; give a file name`);
  const raw = readDataFile(path);
  if (raw === null || raw === undefined) return {};
  if (!isPlainObject(raw)) throw new UserError(`${path}: expected a mapping of config fields at the top level`);
  return raw;
}

/**
 * Where each top-level key of a run config was set, in the order the config would hold them: the config file's keys
 * (in file order), then each `--set PATH`'s first part (the last `--set` naming a key wins).
 */
export function fieldSources(src: { configPath?: string; sets?: readonly string[] }): Map<string, string> {
  const where = new Map<string, string>();
  if (src.configPath !== undefined) for (const k of Object.keys(readRawConfig(src.configPath))) where.set(k, src.configPath);
  for (const s of src.sets ?? []) {
    const { path } = parseSet(s);
    where.set(path.split(".")[0], `--set ${path}`);
  }
  return where;
}

/** The run config's top-level field names. */
export const RUN_CONFIG_FIELDS: readonly string[] = Object.keys(RunConfig.shape);

/**
 * For a command that reads only some run config fields (`papi calibrate`): refuses any other field the config file or
 * a `--set` sets, naming it, where it was set (the file, or `--set PATH`) and the fields the command reads. Keys that
 * are no field are left to the schema (loadRunConfig), which names the nearest valid key.
 */
export function refuseUnreadFields(src: { configPath?: string; sets?: readonly string[] }, read: readonly string[], command: string): void {
  const where = fieldSources(src);
  const refused = [...where.keys()].filter((k) => RUN_CONFIG_FIELDS.includes(k) && !read.includes(k));
  if (refused.length > 0) {
    throw new UserError(`${where.get(refused[0])}: papi ${command} does not use ${refused.join(", ")}; it reads only ${read.join(", ")}`);
  }
}

/**
 * Builds a run config: the file (if any), then the typed flag values, then every `--set` in order, parsed with the
 * run config's schema (unknown keys are errors naming the nearest valid key).
 */
export function loadRunConfig(src: { configPath?: string; flags?: Record<string, unknown>; sets?: readonly string[] }): LoadedRunConfig {
  const raw: Record<string, unknown> = src.configPath !== undefined ? readRawConfig(src.configPath) : {};
  for (const [k, v] of Object.entries(src.flags ?? {})) if (v !== undefined) raw[k] = v;
  for (const s of src.sets ?? []) {
    const { path, value } = parseSet(s);
    // A field of the system patches the system the config names, or the default one.
    if (path.startsWith("system.") && raw.system === undefined) raw.system = DEFAULT_SYSTEM;
    setPath(raw, path, value);
  }
  const label = src.configPath ?? "config";
  return { config: parseRunConfig(raw, label), baseDir: src.configPath !== undefined ? dirname(resolve(src.configPath)) : process.cwd() };
}
