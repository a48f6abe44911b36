import { existsSync, readFileSync, statSync } from "node:fs";
import { parseDataText } from "../core/data-text.ts";
import { UserError } from "../core/errors.ts";

/** A one-line UserError unless `path` is an existing regular file. */
export function checkReadableFile(path: string): void {
  if (!existsSync(path)) throw new UserError(`${path}: file not found`);
  if (!statSync(path).isFile()) throw new UserError(`${path}: not a file`);
}

/** Reads a text file; one-line UserError when missing or unreadable. */
export function readTextFile(path: string): string {
  checkReadableFile(path);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Reads a JSON or YAML file into a plain value; one-line UserError when missing or malformed. */
export function readDataFile(path: string): unknown {
  return parseDataText(readTextFile(path), path);
}
