import { UserError } from "./errors.ts";

/**
 * Parses JSON or YAML text (YAML when the label ends in .yaml/.yml, with `parseYaml`) into a plain value; one-line
 * UserError when malformed. The YAML parser is passed in so that callers load it only when they read YAML
 * (src/node/yaml.ts); data-text.ts binds the `yaml` package for the browser.
 */
export function parseDataTextWith(text: string, label: string, parseYaml: (text: string) => unknown): unknown {
  try {
    return /\.ya?ml$/i.test(label) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new UserError(`${label}: cannot parse: ${(e as Error).message.split("\n")[0]}`);
  }
}
