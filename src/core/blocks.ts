import { z } from "zod";
import { UserError } from "./errors.ts";
import { deepMerge, isPlainObject, nearest } from "./merge.ts";

/**
 * Named presets with one-field-at-a-time overrides, for every kind of hardware block (GPU, HBM, PIM design, link)
 * and for whole systems: Ramulator 2.0's `preset:` idea. A block is written in a config as
 *   - a preset name:                       `gpu: h100-sxm`
 *   - a preset plus overrides:             `gpu: { preset: h100-sxm, hbmBandwidthBytesPerSec: 4.8e12 }`
 *   - a full description (every field):   what `papi presets gpu --json` prints
 *   - overrides of whatever the context already has (no `preset`): `fcPim: { numFpus: 2 }` patches the system's
 *     FC-PIM design.
 * Validation has two steps. The *shape* check (strict: unknown keys are errors naming the nearest valid key)
 * accepts every field as optional; it is derived from the full schema, so a new field needs no second edit.
 * Resolution then merges the preset, the context's value and the overrides, and parses the full schema, whose
 * refinements check derived values (capacity from geometry, area rule, ...).
 */
export interface BlockKind<T> {
  /** what users call it in messages: "GPU", "PIM design", ... */
  readonly label: string;
  readonly presets: () => Readonly<Record<string, T>>;
  /** the full schema: parses a complete description into the resolved value */
  readonly full: z.ZodType<T>;
  /** the shape check of a block value (name or object); a zod schema usable inside other schemas */
  readonly shape: z.ZodType<unknown>;
  /** the patch object schema (every field optional, strict) */
  readonly patch: () => z.ZodType<Record<string, unknown>>;
  /** fields computed from the others: dropped from an inherited value before overrides, then recomputed */
  readonly derived: readonly string[];
  /** `shape` with a description of the field it fills (a registered copy: zod's describe() clones schemas) */
  field(description: string): z.ZodType<unknown>;
  /** rewrites an older way of writing the block (papi 0.2's system shape) into the current one; may throw UserError */
  readonly normalize?: (value: unknown) => unknown;
}

/** Blocks by the schema instance that stands for them inside other schemas (see `blockRef`). */
const blocksBySchema = new Map<z.ZodType, BlockKind<unknown>>();

/**
 * Defines a block kind. `full` is the schema of a complete description; presets are resolved values (parsed
 * with `full`). Returns the kind; `kind.shape` is what other schemas embed for a field of this kind.
 */
export function defineBlock<T>(
  label: string,
  full: z.ZodType<T>,
  presets: () => Readonly<Record<string, T>>,
  derived: readonly string[] = [],
  normalize?: (value: unknown) => unknown,
): BlockKind<T> {
  let patchSchema: z.ZodType<Record<string, unknown>> | undefined;
  const patch = () => (patchSchema ??= patchOf(full) as z.ZodType<Record<string, unknown>>);
  const shape = z
    .any()
    .superRefine((raw, ctx) => {
      let v = raw;
      if (normalize !== undefined) {
        try {
          v = normalize(raw);
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          // a rewrite that failed on a schema of its own passes that schema's issues on, with their paths
          const inner = e as UserError & { issues?: z.core.$ZodIssue[]; root?: z.ZodType };
          if (inner.issues && inner.root) for (const i of inner.issues) ctx.addIssue({ code: "custom", path: i.path, message: issueMessage(i, inner.root) } as never);
          else ctx.addIssue({ code: "custom", message: e.message.replace(/^[^:]*: /, "") });
          return;
        }
      }
      if (typeof v === "string") {
        const names = Object.keys(presets());
        if (!names.includes(v)) ctx.addIssue({ code: "custom", message: unknownPresetMessage(label, v, names) });
        return;
      }
      if (!isPlainObject(v)) {
        ctx.addIssue({ code: "custom", message: `must be a ${label} preset name or an object, got ${JSON.stringify(v)}` });
        return;
      }
      if ("preset" in v && (typeof v.preset !== "string" || !Object.keys(presets()).includes(v.preset))) {
        const names = Object.keys(presets());
        ctx.addIssue({ code: "custom", path: ["preset"], message: unknownPresetMessage(label, String(v.preset), names) });
        return;
      }
      const { preset: _p, ...rest } = v;
      const r = patch().safeParse(rest);
      if (!r.success) for (const i of r.error.issues) ctx.addIssue({ ...i, code: "custom", path: i.path, message: issueMessage(i, patch()) } as never);
    })
    .meta({ description: `${label}: a preset name, { preset: NAME, ...overrides }, or a full description` });
  const kind: BlockKind<T> = {
    label, presets, full, shape, patch, derived, normalize,
    field: (description) => {
      const f = shape.describe(description);
      blocksBySchema.set(f, kind as BlockKind<unknown>);
      return f;
    },
  };
  blocksBySchema.set(shape, kind as BlockKind<unknown>);
  return kind;
}

function unknownPresetMessage(label: string, name: string, names: string[]): string {
  const near = nearest(name, names);
  return `unknown ${label} preset "${name}"${near ? ` (did you mean "${near}"?)` : ""}; known: ${names.join(", ")}`;
}

/**
 * Resolves a block value against an optional base (what the context already has: a preset name or a resolved
 * value): a name replaces the base with that preset; `{preset, ...}` replaces it with the preset plus the
 * overrides; an object without `preset` overrides the base (or, with no base, must be complete). Errors are one
 * line, prefixed with `path`.
 */
export function resolveBlock<T>(kind: BlockKind<T>, given: unknown, base: unknown, path: string): T {
  const value = kind.normalize === undefined ? given : kind.normalize(given);
  const shape = kind.shape.safeParse(value);
  if (!shape.success) throw new UserError(formatIssues(shape.error.issues, path));
  if (typeof value === "string") return kind.presets()[value];
  const { preset, ...rest } = value as Record<string, unknown>;
  const start = typeof preset === "string" ? kind.presets()[preset] : resolvedBase(kind, base, path);
  const merged = start === undefined ? rest : deepMerge(withoutDerived(kind as BlockKind<unknown>, start), rest);
  const r = kind.full.safeParse(merged, { reportInput: true });
  if (!r.success) throw new UserError(formatIssues(r.error.issues, path));
  if (typeof r.data === "object" && r.data !== null) parsedSet(kind).add(r.data);
  return r.data;
}

/** The values each kind's resolveBlock produced: the API's entry points take them as they are (no second parse). */
const parsedByKind = new WeakMap<object, WeakSet<object>>();
const parsedSet = (kind: object): WeakSet<object> => {
  let set = parsedByKind.get(kind);
  if (set === undefined) parsedByKind.set(kind, (set = new WeakSet()));
  return set;
};

/**
 * A block value as the cost functions need it, for callers outside the config path (the JS API): a value this kind
 * resolved before, or one of its presets, is returned as is (the hot path parses nothing twice); anything else (a
 * plain object, a name, `{ preset, ... }`) is resolved and checked like a config block, so an invalid design is a
 * one-line UserError naming `path` instead of a NaN. Parsed values are treated as immutable: edit a copy.
 */
export function parseBlock<T>(kind: BlockKind<T>, value: unknown, path: string): T {
  if (typeof value === "object" && value !== null) {
    if (parsedSet(kind).has(value)) return value as T;
    if (Object.values(kind.presets()).includes(value as T)) return value as T;
  }
  return resolveBlock(kind, value, undefined, path);
}

/**
 * The base a patch applies to, as a resolved value: a preset name is that preset, a `{ preset, ... }` object (a
 * system written with `design: { preset: fc-pim, hbm: hbm3e }`) is resolved first, and anything else is taken as
 * already resolved (a full description).
 */
function resolvedBase<T>(kind: BlockKind<T>, base: unknown, path: string): unknown {
  if (base === undefined) return undefined;
  if (typeof base === "string" || (isPlainObject(base) && "preset" in base)) return resolveBlock(kind, base, undefined, path);
  return base;
}

/**
 * A copy of an inherited value without the fields its kind (and the blocks nested in it) derives from the others,
 * so that overriding the geometry recomputes the capacity instead of contradicting a stale one.
 */
export function withoutDerived(kind: BlockKind<unknown>, value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const f of kind.derived) delete out[f];
  const d = defOf(kind.patch());
  for (const [k, v] of Object.entries(d.shape ?? {})) {
    const nested = blocksBySchema.get(unwrap(v));
    if (nested && k in out) out[k] = withoutDerived(nested, out[k]);
  }
  return out;
}

/**
 * One-line message of zod issues, each prefixed with `path.` and with "did you mean" for unknown keys. With `label`
 * (a file, "config", "base") every issue starts with it, so the second of two errors keeps its place as the first
 * does: `base: hardware.fcPim: unknown key "numFPUs" ...; base: unknown key "batchh" ...`.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], path: string, root?: z.ZodType, label?: string): string {
  return issues
    .map((i) => {
      const where = [path, ...i.path.map(String)].filter((p) => p !== "").join(".");
      const message = root ? issueMessage(i, root) : missingOr(i);
      const located = where === "" ? message : `${where}: ${withoutName(message, where)}`;
      return label === undefined || label === "" ? located : `${label}: ${located}`;
    })
    .join("; ");
}

/**
 * A required field left out says so ("is missing (a number in [1e6, 1e11] (Hz))") instead of the message of a wrong
 * value; needs issues parsed with `reportInput: true` (otherwise every issue keeps its message).
 */
function missingOr(i: z.core.$ZodIssue): string {
  if (!["invalid_type", "invalid_value", "invalid_union"].includes(i.code) || !("input" in i) || i.input !== undefined || i.path.length === 0) return i.message;
  const expected = i.code === "invalid_type" ? i.expected : undefined;
  const what =
    /^must be (.*)$/.exec(i.message)?.[1] ??
    /^Invalid option: (expected one of .*)$/.exec(i.message)?.[1] ??
    (expected ? `${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected}` : undefined);
  return `is missing${what ? ` (${what})` : ""}`;
}

/**
 * A message that starts with the field's name again ("acceptanceRate must be in (0, 1]" at acceptanceRate, "spec must
 * be >= 1" at spec.1) without it, since formatIssues puts the path in front: "acceptanceRate: must be in (0, 1]". Another
 * name stays ("x must be > 0" at b.d).
 */
function withoutName(message: string, where: string): string {
  const name = /^([A-Za-z_$][\w$]*(?:\.[\w$]+)*) (?=must |is |needs )/.exec(message)?.[1];
  if (name === undefined) return message;
  // the name is one or more whole parts of the path (spec at spec.1, c at base.b.c, list at base.list.1)
  return `.${where}.`.includes(`.${name}.`) ? message.slice(name.length + 1) : message;
}

/**
 * The message of one issue; for unknown keys, names them and the nearest valid key at that place; for a name not
 * among a field's options (issues parsed with `reportInput: true`), the name given and the nearest option.
 */
export function issueMessage(i: z.core.$ZodIssue, root: z.ZodType): string {
  if (i.code === "invalid_value" && typeof i.input === "string") {
    const near = nearest(i.input, i.values.map(String));
    return `${i.message}, got "${i.input}"${near ? ` (did you mean "${near}"?)` : ""}`;
  }
  if (i.code !== "unrecognized_keys") return i.message;
  const valid = keysAt(root, i.path as PropertyKey[]);
  return i.keys
    .map((k) => {
      const near = nearest(k, valid);
      return `unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ""}`;
    })
    .join(", ");
}

// ---- walking zod schemas (zod 4 internals: _zod.def) -------------------------------------------

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; in?: z.ZodType; options?: z.ZodType[]; element?: z.ZodType };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema with optional/default/nullable/pipe wrappers removed. */
function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    const d = defOf(s);
    if ((d.type === "optional" || d.type === "default" || d.type === "nullable" || d.type === "prefault") && d.innerType) s = d.innerType;
    else if (d.type === "pipe" && d.in) s = d.in;
    else return s;
  }
}

/** Field names valid at `path` of a schema (objects, blocks, unions of objects); [] when unknown. */
export function keysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = root;
  for (const key of path) {
    if (s === undefined) return [];
    s = childSchema(s, key);
  }
  return s === undefined ? [] : fieldNames(s);
}

/**
 * The fields of an object or block schema whose values are a fixed set of strings (zod enums), with their options
 * in schema order: user interfaces build their choice controls from it, so a new enum field needs no UI edit.
 */
export function enumFieldsOf(root: z.ZodType): Record<string, string[]> {
  const u = unwrap(root);
  const block = blocksBySchema.get(u);
  const d = defOf(block ? block.patch() : u);
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(d.shape ?? {})) {
    const e = defOf(unwrap(v)) as Def & { entries?: Record<string, string> };
    if (e.type === "enum" && e.entries) out[k] = Object.values(e.entries);
  }
  return out;
}

function fieldNames(s: z.ZodType): string[] {
  const u = unwrap(s);
  const block = blocksBySchema.get(u);
  if (block) return ["preset", ...fieldNames(block.patch())];
  const d = defOf(u);
  if (d.type === "object" && d.shape) return Object.keys(d.shape);
  if (d.type === "union" && d.options) return [...new Set(d.options.flatMap(fieldNames))];
  return [];
}

function childSchema(s: z.ZodType, key: PropertyKey): z.ZodType | undefined {
  const u = unwrap(s);
  const block = blocksBySchema.get(u);
  if (block) return key === "preset" ? undefined : childSchema(block.patch(), key);
  const d = defOf(u);
  if (d.type === "object" && d.shape) return d.shape[String(key)];
  if (d.type === "array" && d.element) return d.element;
  if (d.type === "record") return (d as Def & { valueType: z.ZodType }).valueType;
  if (d.type === "union" && d.options) {
    for (const o of d.options) {
      const c = childSchema(o, key);
      if (c) return c;
    }
  }
  return undefined;
}

/**
 * The patch schema of a full schema: every object strict and every field optional, recursively; embedded
 * blocks stay blocks; leaves are the same schema instances (so bounds and descriptions carry over).
 */
export function patchOf(s: z.ZodType): z.ZodType {
  if (blocksBySchema.has(s)) return s;
  const d = defOf(s);
  switch (d.type) {
    case "optional":
    case "default":
    case "prefault":
      return patchOf(d.innerType!);
    case "nullable":
      return patchOf(d.innerType!).nullable();
    case "pipe":
      return patchOf(d.in!);
    case "record": {
      const r = d as Def & { keyType: z.ZodType; valueType: z.ZodType };
      return z.record(r.keyType as z.ZodString, patchOf(r.valueType));
    }
    case "union": {
      const options = d.options!.map(patchOf);
      return options.length === 1 ? options[0] : z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
    }
    case "object": {
      const shape: Record<string, z.ZodType> = {};
      for (const [k, v] of Object.entries(d.shape!)) {
        const p = patchOf(v);
        const desc = z.globalRegistry.get(v)?.description;
        shape[k] = desc && !z.globalRegistry.get(p)?.description ? p.optional().describe(desc) : p.optional();
      }
      return z.strictObject(shape);
    }
    default:
      return s;
  }
}

/** JSON Schema of a block (for editor completion): a preset name, or an object of optional fields. */
export function blockJsonSchema(kind: BlockKind<unknown>, toJson: (s: z.ZodType) => Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(kind.presets());
  const { $schema: _s, ...obj } = toJson(kind.patch());
  const props = { preset: { type: "string", enum: names, description: `base ${kind.label} preset` }, ...(obj.properties as object) };
  return {
    description: `${kind.label}: a preset name, { preset: NAME, ...overrides }, or a full description`,
    anyOf: [{ type: "string", enum: names }, { ...obj, properties: props }],
  };
}

/** The block kind a schema instance stands for, if any (for JSON Schema generation). */
export function blockOf(s: z.ZodType): BlockKind<unknown> | undefined {
  return blocksBySchema.get(s);
}
