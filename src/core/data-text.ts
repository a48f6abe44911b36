import { parse as parseYaml } from "yaml";
import { UserError } from "./errors.ts";

/** Parses JSON or YAML text (YAML when the label ends in .yaml/.yml) into a plain value; one-line UserError when malformed. */
export function parseDataText(text: string, label: string): unknown {
  try {
    return /\.ya?ml$/i.test(label) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new UserError(`${label}: cannot parse: ${(e as Error).message.split("\n")[0]}`);
  }
}
