import { hashOf } from "../core/hash.ts";
import { isPlainObject } from "../core/merge.ts";
import { GPU_PRESETS } from "../hardware/gpu/presets.ts";
import { LINK_PRESETS } from "../hardware/links/presets.ts";
import { HBM_PRESETS } from "../hardware/pim/hbm-presets.ts";
import { PIM_DESIGNS } from "../hardware/pim/presets.ts";
import { SYSTEM_PRESETS } from "../systems/presets.ts";
import { DEFAULT_PROFILE, resolveAssumptions, type ProfileName } from "../systems/profiles.ts";
import { resolveSystem } from "../systems/resolve.ts";
import type { Assumptions } from "../units/assumptions.ts";
import type { RunResult } from "./run.ts";

/**
 * The design under study of a run: the system preset it starts from and every leaf of the resolved system that
 * differs from that preset's (whatever the user overrode: `hardware.*`, `--gpus`, `system: { preset, ... }`, a
 * field's derived values). Derived generically by walking both resolved trees, so it keeps working when the system
 * schema changes. Descriptions are not listed (they are text); a description under a changed block no longer holds
 * for it, so it is marked "(preset description)".
 */
export interface DesignChange {
  /** dotted path in the resolved run config ("system.units.fc-pim.design.numFpus") */
  path: string;
  value: unknown;
  /** the preset's value (undefined: the preset has no such field) */
  presetValue: unknown;
}

export interface DesignUnderStudy {
  /** the system preset the run starts from; null for a system of the user's own (nothing to compare with) */
  preset: string | null;
  changes: DesignChange[];
}

/** Appended to a description whose block an override changed: the text describes the preset, not this design. */
export const STALE_DESCRIPTION_MARK = " (preset description)";

/** The preset a system value starts from: its name, `{ preset: NAME, ... }`, or a full description named like a preset. */
export function basePresetOf(system: unknown): string | null {
  const isPreset = (n: unknown): n is string => typeof n === "string" && Object.prototype.hasOwnProperty.call(SYSTEM_PRESETS, n);
  if (isPreset(system)) return system;
  if (isPlainObject(system)) {
    if (isPreset(system.preset)) return system.preset;
    if (system.preset === undefined && isPreset(system.name)) return system.name;
  }
  return null;
}

/** Leaves (arrays are leaves) where `value` differs from `base`, in key order; keys on one side only count. */
export function leafDifferences(value: unknown, base: unknown, path: string, out: DesignChange[] = []): DesignChange[] {
  if (isPlainObject(value) && isPlainObject(base)) {
    const keys = [...new Set([...Object.keys(value), ...Object.keys(base)])];
    for (const k of keys) leafDifferences(value[k], base[k], path === "" ? k : `${path}.${k}`, out);
  } else if (isPlainObject(value) && base === undefined) {
    for (const k of Object.keys(value)) leafDifferences(value[k], undefined, `${path}.${k}`, out);
  } else if (isPlainObject(base) && value === undefined) {
    for (const k of Object.keys(base)) leafDifferences(undefined, base[k], `${path}.${k}`, out);
  } else if (JSON.stringify(value) !== JSON.stringify(base)) {
    out.push({ path, value, presetValue: base });
  }
  return out;
}

const isDescription = (path: string) => path === "description" || path.endsWith(".description");

/** The design under study of a run config's `system` value, given the system the run resolved. */
export function designUnderStudy(systemValue: unknown, resolved: unknown): DesignUnderStudy {
  const preset = basePresetOf(systemValue);
  if (preset === null) return { preset: null, changes: [] };
  // A field the resolved system lacks is an optional declared value a patch dropped to recompute it (a PIM design's
  // capacityBytes), not something the user set: overrides only ever set values.
  const changes = leafDifferences(resolved, resolveSystem(preset), "system").filter((c) => !isDescription(c.path) && c.value !== undefined);
  return { preset, changes };
}

/** Device presets by kind: a block whose name and description are a preset's claims that preset's values. */
const DEVICE_PRESETS: readonly Readonly<Record<string, unknown>>[] = [GPU_PRESETS, HBM_PRESETS, PIM_DESIGNS, LINK_PRESETS];
const unmarked = (d: string) => (d.endsWith(STALE_DESCRIPTION_MARK) ? d.slice(0, -STALE_DESCRIPTION_MARK.length) : d);

/** True when a block carries a preset's description but not that preset's values. */
function claimsOtherValues(block: Record<string, unknown>): boolean {
  if (typeof block.name !== "string" || typeof block.description !== "string") return false;
  const own = { ...block, description: unmarked(block.description) };
  for (const table of DEVICE_PRESETS) {
    const p = Object.prototype.hasOwnProperty.call(table, block.name) ? (table[block.name] as Record<string, unknown>) : undefined;
    // fields the block lacks are declared values dropped to be recomputed (see designUnderStudy), not differences
    // fields the preset leaves to the run (a PIM design's fcMapping, reuseReads) are filled by the run's assumptions
    if (p !== undefined && p.description === own.description) return leafDifferences(own, p, "").some((c) => c.value !== undefined && c.presetValue !== undefined);
  }
  return false;
}

/**
 * A copy of a resolved system with "(preset description)" after every description that no longer holds: the
 * system's own when the design has changes, a device's when it carries a preset's name and description but not
 * that preset's values. Idempotent: a marked description is not marked again.
 */
export function markStaleDescriptions<T>(system: T, design: DesignUnderStudy): T {
  const mark = (d: string) => (d.endsWith(STALE_DESCRIPTION_MARK) ? d : d + STALE_DESCRIPTION_MARK);
  const walk = (v: unknown, root: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, false);
    const stale = root ? design.changes.length > 0 : claimsOtherValues(v);
    if (stale && typeof out.description === "string") out.description = mark(out.description);
    return out;
  };
  return walk(system, true) as T;
}

/** A run's result with its design under study, and the system's descriptions marked where an override changed them. */
export type RunResultWithDesign = RunResult & { designUnderStudy: DesignUnderStudy };

/**
 * Adds the design under study to a run's result (`systemValue`: the run config's `system` as given) and marks the
 * descriptions it makes stale in `result.config.system`; the config hash is then the hash of the config as it
 * reads (so a rerun of the written config.yaml gives the same hash). Call it where a result leaves papi (CLI, JS
 * API, explorer); it belongs at the end of runOnce.
 */
export function withDesignUnderStudy(result: RunResult, systemValue: unknown): RunResultWithDesign {
  // no `system` given: the default, which the resolved system names
  const design = designUnderStudy(systemValue ?? result.config.system, result.config.system);
  if (design.changes.length === 0) return { ...result, designUnderStudy: design };
  const system = markStaleDescriptions(result.config.system, design);
  const config = { ...result.config, system };
  return { ...result, configHash: hashOf(config), config, designUnderStudy: design };
}

/**
 * The changes for people to read: a device swapped for another preset whole (`hardware.hbm: hbm3e`) is one line,
 * `system.units.hbm.hbm = hbm3e (preset: hbm3-5.2)`, instead of every field in which the two presets differ.
 * `system` is the resolved system the changes were taken from.
 */
export function readableChanges(d: DesignUnderStudy, system: unknown): DesignChange[] {
  const at = (path: string): unknown => path.split(".").slice(1).reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), system);
  const swapped = d.changes
    .filter((c) => c.path.endsWith(".name") && typeof c.value === "string")
    .map((c) => c.path.slice(0, -".name".length))
    .filter((p) => {
      const block = at(p);
      return isPlainObject(block) && !claimsOtherValues(block) && DEVICE_PRESETS.some((t) => Object.prototype.hasOwnProperty.call(t, block.name as string));
    });
  const out: DesignChange[] = [];
  for (const c of d.changes) {
    const whole = swapped.find((p) => c.path.startsWith(`${p}.`));
    if (whole === undefined) out.push(c);
    else if (c.path === `${whole}.name`) out.push({ path: whole, value: c.value, presetValue: c.presetValue });
  }
  return out;
}

/** One line per readable change: "system.units.fc-pim.design.numFpus = 2 (preset: 4)". */
export function formatDesignChanges(d: DesignUnderStudy, system: unknown): string[] {
  const v = (x: unknown) => (x === undefined ? "(none)" : typeof x === "string" ? x : JSON.stringify(x));
  return readableChanges(d, system).map((c) => `${c.path} = ${v(c.value)} (preset: ${v(c.presetValue)})`);
}

/** A one-line summary: "papi preset, unchanged", "papi preset + hbm ... ; ...", or "a system of its own". */
export function designSummary(d: DesignUnderStudy | undefined, systemName: string, system: unknown): string {
  if (d === undefined) return systemName;
  if (d.preset === null) return `${systemName}: a system of its own (no preset to compare with)`;
  if (d.changes.length === 0) return `${d.preset} preset, unchanged`;
  return `${d.preset} preset with ${formatDesignChanges(d, system).join("; ")}`;
}

/**
 * The assumption profile and every assumption that differs from that profile's own value ("profile papi, overridden:
 * pimRefreshEnergy = false"); null on the defaults (papi's profile, nothing overridden). The design under study
 * compares the system only.
 */
export function assumptionLine(profile: ProfileName, assumptions: Partial<Assumptions>): string | null {
  const base = resolveAssumptions(profile) as Record<string, unknown>;
  const overrides = Object.entries(assumptions).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(base[k]));
  if (profile === DEFAULT_PROFILE && overrides.length === 0) return null;
  const set = overrides.map(([k, v]) => `${k} = ${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
  return `profile ${profile}${set === "" ? "" : `, overridden: ${set}`}`;
}
