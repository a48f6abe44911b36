import { parseDocument } from "yaml";
import { parseDataTextWith, parseYamlTextWith } from "./data-text-parse.ts";

/**
 * The YAML and JSON readers with the `yaml` package bound statically (the browser explorer); Node commands bind it
 * lazily (src/node/yaml.ts) so that a run without YAML never loads it. Rules: src/core/data-text-parse.ts.
 */
export const parseYamlText = (text: string, label: string): unknown => parseYamlTextWith(text, label, parseDocument);
export const parseDataText = (text: string, label: string): unknown => parseDataTextWith(text, label, parseDocument);
