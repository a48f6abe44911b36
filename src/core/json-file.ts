import { existsSync, readFileSync, statSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { UserError } from "./errors.ts";

/** Reads a JSON or YAML file into a plain value; one-line UserError when missing or malformed. */
export function readDataFile(path: string): unknown {
  if (!existsSync(path)) throw new UserError(`${path}: file not found`);
  if (!statSync(path).isFile()) throw new UserError(`${path}: not a file`);
  const text = readFileSync(path, "utf8");
  try {
    return path.endsWith(".yaml") || path.endsWith(".yml") ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: cannot parse: ${(e as Error).message.split("\n")[0]}`);
  }
}
