import { isPlainObject, setPath } from "../core/merge.ts";

/**
 * The explorer's state in its URL, so that a link reproduces the view. The hash holds the run config as the
 * `--set` assignments of `papi run` (`#batch=64&spec=4&hardware.fcPim.numFpus=2`): one per leaf field that differs
 * from the run config's defaults. Values are bare words when unambiguous, else JSON (which is also YAML, so each
 * assignment pastes into `--set`). Keys starting with `_` are page state: `_view` (the open view), `_modelfile`
 * (an uploaded config.json's file name), `_tracefile` and `_tracedata` (an uploaded trace CSV, deflated, base64url).
 */

export interface PageState {
  /** the run config fields the user set (compact: defaults dropped) */
  config: Record<string, unknown>;
  view?: string;
  modelFile?: string;
  /** the uploaded trace the config's `trace` names, if any */
  trace?: { fileName: string; text: string };
}

/** YAML 1.2 core-schema words that would not read back as the same string. */
const YAML_WORDS = /^(true|false|null|~|yes|no|on|off|y|n|nan|\.nan|\.inf|-\.inf|inf)$/i;
const BARE = /^[A-Za-z_][A-Za-z0-9_.:/+-]*$/;

/** How one value is written after `=`: bare when it reads back as the same string, else JSON. */
export function valueText(v: unknown): string {
  if (typeof v === "string" && BARE.test(v) && !YAML_WORDS.test(v)) return v;
  return JSON.stringify(v);
}

/** Reads a value written by valueText (JSON when it parses, else the bare string). */
export function parseValueText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Leaf assignments of a config tree, in key order; objects whose keys would not survive a dotted path stay whole. */
export function flattenConfig(config: Record<string, unknown>, prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(config)) {
    const path = prefix === "" ? k : `${prefix}.${k}`;
    const splittable = isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((key) => key !== "" && !key.includes("."));
    if (splittable) out.push(...flattenConfig(v, path));
    else if (v !== undefined) out.push([path, v]);
  }
  return out;
}

/** Rebuilds a config tree from assignments (the inverse of flattenConfig). */
export function unflattenConfig(assignments: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of assignments) setPath(root, path, value);
  return root;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The config without the fields equal to their defaults, and without empty objects: what the URL, the exported
 * config and the command line carry. Objects are compared field by field (a `draft` equal to the default goes).
 */
export function compactConfig(config: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    const d = defaults[k];
    if (isPlainObject(v) && isPlainObject(d)) {
      const inner = compactConfig(v, d);
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else if (isPlainObject(v) && Object.keys(v).length === 0) {
      continue;
    } else if (!same(v, d)) {
      out[k] = v;
    }
  }
  return out;
}

/** Escapes a URL component, keeping the characters that are safe and readable in a fragment. */
function esc(s: string): string {
  return encodeURIComponent(s).replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%5B/g, "[").replace(/%5D/g, "]").replace(/%2F/g, "/");
}

/** The hash (without '#') of a page state; the trace text is passed already packed (see packText). */
export function encodeHash(state: PageState, packedTrace?: string): string {
  const parts = flattenConfig(state.config).map(([k, v]) => `${esc(k)}=${esc(valueText(v))}`);
  if (state.view) parts.push(`_view=${esc(state.view)}`);
  if (state.modelFile) parts.push(`_modelfile=${esc(state.modelFile)}`);
  if (state.trace && packedTrace !== undefined) parts.push(`_tracefile=${esc(state.trace.fileName)}`, `_tracedata=${packedTrace}`);
  return parts.join("&");
}

/** A decoded hash: the config, page fields, and the packed trace (unpack with unpackText). */
export interface DecodedHash {
  config: Record<string, unknown>;
  view?: string;
  modelFile?: string;
  traceFile?: string;
  packedTrace?: string;
}

/** Reads a hash written by encodeHash (or by hand); a malformed part is an error naming it. */
export function decodeHash(hash: string): DecodedHash {
  const text = hash.replace(/^#/, "");
  // Stryker disable next-line ObjectLiteral: out.config is set from the assignments below before out is returned
  const out: DecodedHash = { config: {} };
  const assignments: [string, unknown][] = [];
  for (const part of text.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) throw new Error(`link part "${part}" is not path=value`);
    const key = decodeURIComponent(part.slice(0, eq));
    const value = decodeURIComponent(part.slice(eq + 1));
    if (key === "_view") out.view = value;
    else if (key === "_modelfile") out.modelFile = value;
    else if (key === "_tracefile") out.traceFile = value;
    else if (key === "_tracedata") out.packedTrace = value;
    else if (key.startsWith("_")) continue; // page keys of later versions (the four above are handled already)
    else assignments.push([key, parseValueText(value)]);
  }
  out.config = unflattenConfig(assignments);
  return out;
}

// ---- uploaded text in the link: deflate-raw + base64url (CompressionStream: browsers and Node >= 18) ----------

async function pipeThrough(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  // Stryker disable next-line EqualityOperator: with <=, the one extra pass (length a multiple of 0x8000) appends the empty string
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  // Stryker disable next-line Regex: base64 pads only at its end, so /=+/ and /=+$/ remove the same characters
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  // Stryker disable next-line EqualityOperator: with <=, the extra write lands past the end of the typed array, which ignores it
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export async function packText(text: string): Promise<string> {
  return toBase64Url(await pipeThrough(new TextEncoder().encode(text), new CompressionStream("deflate-raw")));
}

export async function unpackText(packed: string): Promise<string> {
  return new TextDecoder().decode(await pipeThrough(fromBase64Url(packed), new DecompressionStream("deflate-raw")));
}

/** ASSUMPTION: links stay below 256 KiB of packed trace (browsers take ~2 MB URLs; chat tools and servers far less). */
export const MAX_PACKED_TRACE_CHARS = 256 * 1024;

/**
 * A copy of a config with one dotted path set (`undefined` removes it, and objects left empty go too). A preset
 * name met on the way becomes `{ preset: name }`, as `--set` does, so one field of it can change.
 */
export function withPath(config: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const root = structuredClone(config);
  if (value !== undefined) {
    setPath(root, path, value);
    return root;
  }
  const keys = path.split(".");
  const trail: Record<string, unknown>[] = [root];
  for (const k of keys.slice(0, -1)) {
    const next = trail[trail.length - 1][k];
    if (!isPlainObject(next)) return root;
    trail.push(next);
  }
  delete trail[trail.length - 1][keys[keys.length - 1]];
  for (let i = trail.length - 1; i > 0; i--) {
    if (Object.keys(trail[i]).length === 0) delete trail[i - 1][keys[i - 1]];
  }
  return root;
}

/** The value at a dotted path (undefined when absent or when a preset name stands on the way). */
export function getPath(config: Record<string, unknown>, path: string): unknown {
  let node: unknown = config;
  for (const k of path.split(".")) {
    if (!isPlainObject(node)) return undefined;
    node = node[k];
  }
  return node;
}
