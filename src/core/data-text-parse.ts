import type { parseDocument as ParseDocument } from "yaml";
import { UserError } from "./errors.ts";

/** The yaml package's parseDocument, passed in so that callers load the package only when they read YAML. */
export type YamlParseDocument = typeof ParseDocument;

/**
 * Parses YAML text into plain data (mappings, lists, strings, numbers, booleans, null); one-line UserError when
 * malformed. Tags are refused, not guessed at: `!!binary`, `!!set`, `!!timestamp` (YAML 1.1 types the yaml library
 * would turn into a Buffer, Set or Date) and custom tags such as `!foo` (which the library would drop, printing a
 * multi-line Node warning) are each a one-line error naming the line and the tag. Standard core-schema tags that
 * give plain data (`!!str`, `!!int`, `!!map`, `!!seq`) are accepted.
 */
export function parseYamlTextWith(text: string, label: string, parseDocument: YamlParseDocument): unknown {
  // logLevel "error", not "silent": a silent parse drops every document after the first without a word.
  const doc = parseDocument(text, { resolveKnownTags: false, logLevel: "error", uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const where = problem.linePos ? `line ${problem.linePos[0].line}, column ${problem.linePos[0].col}: ` : "";
    if (problem.message.startsWith("Maximum call stack size exceeded")) throw tooDeep(label);
    if (problem.code === "MULTIPLE_DOCS") throw new UserError(`${label}: ${where}a second YAML document (after ---); a file holds one document`);
    const tag = /^Unresolved tag: (\S+)/.exec(problem.message)?.[1];
    if (problem.code === "TAG_RESOLVE_FAILED" && tag !== undefined) {
      const shown = tag.replace(/^tag:yaml\.org,2002:/, "!!");
      throw new UserError(`${label}: ${where}YAML tag ${shown} is not supported (a config is plain data: mappings, lists, strings, numbers, booleans)`);
    }
    throw new UserError(`${label}: cannot parse: ${problem.message.split("\n")[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof RangeError) throw tooDeep(label);
    throw new UserError(`${label}: cannot parse: ${(e as Error).message.split("\n")[0]}`);
  }
  return checkDepth(value, label);
}

/** Parses JSON or YAML text (YAML when the label ends in .yaml/.yml) into a plain value; one-line UserError when malformed. */
export function parseDataTextWith(text: string, label: string, parseDocument: YamlParseDocument): unknown {
  if (/\.ya?ml$/i.test(label)) return parseYamlTextWith(text, label, parseDocument);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${label}: cannot parse: ${(e as Error).message.split("\n")[0]}`);
  }
  const dup = duplicateJsonKey(text);
  if (dup !== undefined) {
    const before = text.slice(0, dup.at).split("\n");
    const where = `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    throw new UserError(`${label}: cannot parse: Map keys must be unique at ${where} (key ${JSON.stringify(dup.key)} appears twice)`);
  }
  return checkDepth(value, label);
}

/**
 * ASSUMPTION: no config, sweep spec or model file nests mappings and lists more than 64 levels deep (the deepest
 * papi reads, a sweep spec's grid of hardware objects, has about 6). Deeper nesting is a mistake or a fuzzed file,
 * and the recursive code that reads the value (schema checks, merges, hashing) would run out of stack on it: it is
 * refused right after parsing, with a one-line error naming the file.
 */
export const MAX_NESTING_DEPTH = 64;

const tooDeep = (label: string) => new UserError(`${label}: mappings and lists nested more than ${MAX_NESTING_DEPTH} levels deep (at most ${MAX_NESTING_DEPTH} are allowed)`);

/** `value`, after a one-line UserError if its mappings and lists nest deeper than MAX_NESTING_DEPTH (the top level is 1). */
function checkDepth(value: unknown, label: string): unknown {
  const within = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== "object") return true;
    if (depth > MAX_NESTING_DEPTH) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (!within(child, depth + 1)) return false;
    return true;
  };
  if (!within(value, 1)) throw tooDeep(label);
  return value;
}

/**
 * The first key that repeats within one object of valid JSON text, and where it starts (JSON.parse keeps the last
 * silently). A scan with an explicit stack, so that any nesting JSON.parse accepted is scanned without recursion.
 */
function duplicateJsonKey(text: string): { key: string; at: number } | undefined {
  const stack: (Set<string> | null)[] = []; // a Set per open object, null per open list
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return { key, at: i };
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (c === "[") stack.push(null);
    else if (c === "}" || c === "]") stack.pop();
    else if (c === ",") expectKey = stack[stack.length - 1] != null;
  }
  return undefined;
}
