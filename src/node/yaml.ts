import { createRequire } from "node:module";

/**
 * The `yaml` package, loaded on first use: a run without a YAML file or `--set` never loads its ~70 modules.
 * (Its Node export is CommonJS, so a synchronous require gives the same module `import "yaml"` would.)
 */
type Yaml = typeof import("yaml");
let yaml: Yaml | undefined;
const load = (): Yaml => (yaml ??= createRequire(import.meta.url)("yaml") as Yaml);

export const parseYaml = (text: string): unknown => load().parse(text);
export const stringifyYaml = (value: unknown, options?: Parameters<Yaml["stringify"]>[2]): string => load().stringify(value, null, options);
