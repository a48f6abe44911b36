import { hashOf } from "../core/hash.ts";
import { deepMerge, isPlainObject } from "../core/merge.ts";
import { GPU_PRESETS, resolveGpu } from "../hardware/gpu/presets.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { LINK_PRESETS } from "../hardware/links/presets.ts";
import { HBM_PRESETS } from "../hardware/pim/hbm-presets.ts";
import { PIM_DESIGNS, resolvePimDesign } from "../hardware/pim/presets.ts";
import type { PimComputeSemantics, PimDesign } from "../hardware/pim/schema.ts";
import { parseRunConfig, systemSpecOf } from "../serving/run.ts";
import type { RunConfigInput } from "../serving/config.ts";
import { SYSTEM_PRESETS } from "../systems/presets.ts";
import type { SystemSpec } from "../systems/schema.ts";
import { resolveSystem, type HardwareOverrides } from "../systems/resolve.ts";
import { roleDevices, type RoleDevices } from "../systems/devices.ts";
import { DEFAULT_PROFILE, PROFILE_NAMES, resolveAssumptions, type ProfileName } from "../systems/profiles.ts";
import type { Assumptions } from "../units/assumptions.ts";
import { UNIT_KINDS } from "../units/index.ts";

/**
 * The design a reproduction studies: the paper's setup changed by a run config's hardware overrides, device counts
 * and serving knobs (`papi reproduce --config FILE --set path=value`). Every system of every figure gets them,
 * each system only the parts that fit it (a GPU-less system takes no `hardware.gpu` or `gpus`; a system without a
 * PIM design on its FC stacks takes no `hardware.fcPim`); the device-level figures resolve their devices the same
 * way (`setupGpu`, `setupPimDesign`).
 */
export interface ReportSetup {
  /** the run config's `hardware` block, as written (blocks: preset name, {preset, ...} or a patch) */
  hardware: HardwareOverrides;
  gpus?: number;
  fcStacks?: number;
  attnStacks?: number;
  acceptanceRate?: number;
  draft?: { timePerTokenSec?: number; energyPerTokenJoules?: number };
  /** assumption profile (`--profile`) and assumption overrides */
  profile?: ProfileName;
  assumptions?: Partial<Assumptions>;
}

/** The paper's setup: every system as its preset describes it. */
export const PAPER_SETUP: ReportSetup = Object.freeze({ hardware: {} });

/** Run config fields a reproduction takes from `--config` / `--set` (the figures set every other field themselves). */
export const SETUP_FIELDS = ["hardware", "gpus", "fcStacks", "attnStacks", "acceptanceRate", "draft", "seed", "profile", "assumptions"] as const;

/** Systems a reproduction runs (Fig. 8's four, and PIM-only PAPI of Figs. 11 and 12): the report lists their devices. */
export const REPORT_SYSTEMS = ["a100-attacc", "a100-hbmpim", "attacc-only", "papi", "pim-only-papi"] as const;

/** A grid point of a figure: a run config naming a system preset. */
export type SetupPoint = RunConfigInput & { system: string };

/**
 * The point with the setup applied to its system: the setup's overrides first, the point's own (a sensitivity
 * factor, a probe) on top of them. Returns the point itself when the setup changes nothing.
 */
export function applySetup<P extends SetupPoint>(p: P, setup: ReportSetup): P & SetupPoint {
  if (SYSTEM_PRESETS[p.system] === undefined || isEmptySetup(setup)) return p;
  const d = presetDevices(p.system);
  const hw = setup.hardware;
  const hasGpu = d.numGpus > 0;
  const fromSetup: Record<string, unknown> = {};
  if (hw.gpu !== undefined && hasGpu) fromSetup.gpu = hw.gpu;
  if (hw.fcPim !== undefined && d.fcPim !== null) fromSetup.fcPim = hw.fcPim;
  if (hw.attnPim !== undefined && d.attnPim !== null) fromSetup.attnPim = hw.attnPim;
  if (hw.hbm !== undefined) fromSetup.hbm = hw.hbm;
  if (hw.links !== undefined) fromSetup.links = hw.links;
  if (hw.fabrics !== undefined) fromSetup.fabrics = hw.fabrics;
  const hardware = deepMerge(fromSetup, p.hardware ?? {}) as Record<string, unknown>;
  const out: SetupPoint = { ...p };
  if (Object.keys(hardware).length > 0) out.hardware = hardware;
  if (setup.gpus !== undefined && hasGpu) out.gpus = setup.gpus;
  if (setup.fcStacks !== undefined) out.fcStacks = setup.fcStacks;
  if (setup.attnStacks !== undefined && d.numAttnStacks > 0) out.attnStacks = setup.attnStacks;
  if (setup.profile !== undefined && out.profile === undefined) out.profile = setup.profile;
  if (setup.assumptions !== undefined) out.assumptions = { ...setup.assumptions, ...(out.assumptions ?? {}) };
  if (setup.acceptanceRate !== undefined && out.acceptanceRate === undefined) out.acceptanceRate = setup.acceptanceRate;
  if (setup.draft !== undefined && out.draft === undefined) out.draft = setup.draft;
  return out as P & SetupPoint;
}

const presetDeviceCache = new Map<string, RoleDevices>();
/** The devices of a system preset by role (cached: presets never change). */
export function presetDevices(system: string): RoleDevices {
  let d = presetDeviceCache.get(system);
  if (d === undefined) presetDeviceCache.set(system, (d = roleDevices(resolveSystem(system))));
  return d;
}

export function isEmptySetup(s: ReportSetup): boolean {
  return setupChanges(s).length === 0;
}

/** The system of a point with the setup applied, every device resolved (for base values of what-ifs). */
export function setupSystem(p: SetupPoint, setup: ReportSetup): SystemSpec {
  return systemSpecOf(parseRunConfig(applySetup(p, setup)));
}

/** The GPU a device-level figure draws, `base` as the setup changes it (hardware.gpu replaces or patches it). */
export function setupGpu(setup: ReportSetup, base: string): GpuSpec {
  return setup.hardware.gpu === undefined ? GPU_PRESETS[base] : resolveGpu(setup.hardware.gpu, base, "hardware.gpu");
}

/**
 * A PIM design of a device-level figure, resolved as the systems resolve the design in that role: `fcPim` for a
 * design that runs FC kernels (FC-PIM, AttAcc-only's 1P1B FC stacks), `attnPim` for one that only serves attention
 * (Samsung HBM-PIM); `hardware.hbm` reaches every stack. A field the design leaves to the run (FC mapping, token
 * reuse) takes the setup's assumptions, as in the systems (src/systems/resolve.ts).
 */
export function setupPimDesign(setup: ReportSetup, role: "fcPim" | "attnPim", base: string): PimDesign {
  const hw = setup.hardware;
  const patch = hw.hbm === undefined ? hw[role] : deepMerge(hw[role] ?? {}, { hbm: hw.hbm });
  const d = patch === undefined ? PIM_DESIGNS[base] : resolvePimDesign(patch, base, `hardware.${role}`);
  if (d.fcMapping !== undefined && d.reuseReads !== undefined) return d;
  const a = resolveAssumptions(setup.profile, setup.assumptions);
  return { ...d, fcMapping: d.fcMapping ?? a.fcMapping, reuseReads: d.reuseReads ?? a.pimReuseReads };
}

/** The assumption profile a reproduction runs under (the report's main profile). */
export const mainProfile = (setup: ReportSetup): ProfileName => setup.profile ?? DEFAULT_PROFILE;

/** The profile shown beside the main one: the first other profile (there are two). */
export const otherProfile = (p: ProfileName): ProfileName => PROFILE_NAMES.find((x) => x !== p)!;

/**
 * The setup under another assumption profile; its own assumption overrides still apply on top of it. The default
 * profile is left implicit, so its points share their runs (and cache keys) with a setup that names no profile.
 */
export function withProfile(setup: ReportSetup, profile: ProfileName): ReportSetup {
  const { profile: _, ...rest } = setup;
  return profile === DEFAULT_PROFILE ? rest : { ...rest, profile };
}

/** The setup with every PIM design of every system switched to one compute semantics (docs/pim-model.md). */
export function withComputeSemantics(setup: ReportSetup, semantics: PimComputeSemantics): ReportSetup {
  const patch = { computeSemantics: semantics };
  return {
    ...setup,
    hardware: { ...setup.hardware, fcPim: deepMerge(setup.hardware.fcPim ?? {}, patch), attnPim: deepMerge(setup.hardware.attnPim ?? {}, patch) },
  };
}

/** The compute semantics PAPI's FC-PIM has under the setup (the report's main semantics). */
export function mainComputeSemantics(setup: ReportSetup): PimComputeSemantics {
  return setupPimDesign(setup, "fcPim", "fc-pim").computeSemantics;
}

export const otherComputeSemantics = (s: PimComputeSemantics): PimComputeSemantics => (s === "column-matched" ? "decoupled-clock" : "column-matched");

/** Every field the setup changes, as (dotted path, value) in a stable order: what the report lists at its top. */
export function setupChanges(s: ReportSetup): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  const walk = (v: unknown, path: string) => {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: walking into an empty object adds nothing, as skipping it does
    if (isPlainObject(v) && Object.keys(v).length > 0) for (const k of Object.keys(v).sort()) walk(v[k], `${path}.${k}`);
    else if (!(isPlainObject(v) && Object.keys(v).length === 0)) out.push({ path, value: v });
  };
  walk(s.hardware, "hardware");
  for (const k of ["gpus", "fcStacks", "attnStacks", "acceptanceRate", "profile"] as const) if (s[k] !== undefined) out.push({ path: k, value: s[k] });
  if (s.draft !== undefined) walk(s.draft, "draft");
  if (s.assumptions !== undefined) walk(s.assumptions, "assumptions");
  return out;
}

/** The devices of one system as a reproduction resolves them: preset names, "modified" where the setup patched one. */
export interface SystemDevices {
  /** "6 x a100-hbm3", by unit name */
  units: Record<string, string>;
  /** "nvlink3", "6 x pcie5", by fabric name */
  fabrics: Record<string, string>;
}

/**
 * The resolved devices of each system under the setup, as the report's header lists them: "6 x a100-hbm3",
 * "30 x fc-pim (4P1B, column-matched) on hbm3-5.2", with "(modified)" after a device whose values differ from its
 * preset's.
 */
export function setupDevices(setup: ReportSetup, systems: readonly string[]): Record<string, SystemDevices> {
  // a preset's fields left to the run (a PIM design's fcMapping, reuseReads) take the run's values: not a modification
  const asResolved = (preset: unknown, v: object) => (isPlainObject(preset) ? { ...Object.fromEntries(Object.entries(v).filter(([k]) => preset[k] === undefined)), ...preset } : preset);
  const named = <T extends { name: string }>(v: T, presets: Readonly<Record<string, unknown>>): string =>
    `${v.name}${presets[v.name] !== undefined && hashOf(asResolved(presets[v.name], v)) === hashOf(v) ? "" : " (modified)"}`;
  const out: Record<string, SystemDevices> = {};
  for (const system of systems) {
    const s = setupSystem({ system, model: "llama-65b" }, setup);
    const units: Record<string, string> = {};
    for (const [name, u] of Object.entries(s.units)) {
      const [[field, { block }]] = Object.entries(UNIT_KINDS.get(u.kind).blocks);
      const v = u[field] as { name: string; numFpus?: number; numBanksPerFpuGroup?: number; computeSemantics?: string; hbm?: { name: string } };
      const presets = block.presets();
      const pim = v.numFpus !== undefined ? ` (${v.numFpus}P${v.numBanksPerFpuGroup}B, ${v.computeSemantics})` : "";
      const hbm = v.hbm !== undefined ? ` on ${named(v.hbm, HBM_PRESETS)}` : "";
      units[name] = `${u.count} x ${named(v, presets)}${pim}${hbm}`;
    }
    const fabrics: Record<string, string> = {};
    for (const [name, f] of Object.entries(s.fabrics)) fabrics[name] = `${f!.numLinks > 1 ? `${f!.numLinks} x ` : ""}${named(f!.link, LINK_PRESETS)}`;
    out[system] = { units, fabrics };
  }
  return out;
}
