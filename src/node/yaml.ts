import { createRequire } from "node:module";
import { parseDataTextWith, parseYamlTextWith } from "../core/data-text-parse.ts";

/**
 * The `yaml` package, loaded on first use: a run without a YAML file or `--set` never loads its ~70 modules.
 * (Its Node export is CommonJS, so a synchronous require gives the same module `import "yaml"` would.)
 */
type Yaml = typeof import("yaml");
let yaml: Yaml | undefined;
const load = (): Yaml => (yaml ??= createRequire(import.meta.url)("yaml") as Yaml);

export const parseYaml = (text: string): unknown => load().parse(text);
/** YAML text as plain data by papi's rules (tags refused; src/core/data-text-parse.ts), `label` naming the source. */
export const parseYamlText = (text: string, label: string): unknown => parseYamlTextWith(text, label, load().parseDocument);
/** JSON or YAML (by the label's extension) as plain data by papi's rules. */
export const parseDataText = (text: string, label: string): unknown => parseDataTextWith(text, label, load().parseDocument);
export const stringifyYaml = (value: unknown, options?: Parameters<Yaml["stringify"]>[2]): string => load().stringify(value, null, options);
