import { existsSync, readFileSync, statSync } from "node:fs";
import { UserError } from "../core/errors.ts";
import { parseDataText } from "./yaml.ts";

/**
 * ASSUMPTION: no config, spec or model file papi reads whole is larger than 64 MiB (the largest, a Hugging Face
 * config.json or a sweep spec, are a few KiB). A larger file is a mistake (a trace or a binary given as a config),
 * and Node cannot make a string of 512 MiB: refused with a one-line error before it is read.
 */
export const MAX_TEXT_FILE_BYTES = 64 << 20;

/** A one-line UserError unless `path` is an existing regular file. */
export function checkReadableFile(path: string): void {
  if (path.trim() === "") throw new UserError(`${JSON.stringify(path)}: the path is empty; give a file name`);
  if (!existsSync(path)) throw new UserError(`${path}: file not found`);
  if (!statSync(path).isFile()) throw new UserError(`${path}: not a file`);
}

/** Reads a text file; one-line UserError when missing, unreadable or larger than `maxBytes`. */
export function readTextFile(path: string, maxBytes = MAX_TEXT_FILE_BYTES): string {
  checkReadableFile(path);
  const size = statSync(path).size;
  if (size > maxBytes) throw new UserError(`${path}: ${size} bytes, more than the ${maxBytes % (1 << 20) === 0 ? `${maxBytes >> 20} MiB` : `${maxBytes} bytes`} papi reads as a config or data file`);
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
