import { parse as parseYaml } from "yaml";
import { parseDataTextWith } from "./data-text-parse.ts";

/** Parses JSON or YAML text (YAML when the label ends in .yaml/.yml) into a plain value; one-line UserError when malformed. */
export function parseDataText(text: string, label: string): unknown {
  return parseDataTextWith(text, label, parseYaml);
}
