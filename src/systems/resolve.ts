import { z } from "zod";
import { patchOf, resolveBlock } from "../core/blocks.ts";
import { UserError } from "../core/errors.ts";
import { deepMerge } from "../core/merge.ts";
import { FABRIC_NAMES, FabricDescription, type Fabric, type FabricName } from "../fabric/schema.ts";
import { TOPOLOGIES } from "../fabric/topologies/index.ts";
import { resolveCollective } from "../fabric/collective-spec.ts";
import { GpuBlock } from "../hardware/gpu/presets.ts";
import { LinkBlock, resolveLink } from "../hardware/links/presets.ts";
import { HbmBlock } from "../hardware/pim/hbm-presets.ts";
import { PimDesignBlock } from "../hardware/pim/presets.ts";
import type { PimDesign } from "../hardware/pim/schema.ts";
import type { Assumptions } from "../units/assumptions.ts";
import { UNIT_KINDS, type BlockRole } from "../units/index.ts";
import { applyDeviceCounts, type DeviceCounts } from "./device-counts.ts";
import { resolveSystemDescription } from "./presets.ts";
import { DEFAULT_PROFILE, PROFILES, resolveAssumptions } from "./profiles.ts";
import { fcRoleUnit, systemRuleViolations, type FcRole, type ResolvedUnitDescription, type SystemDescription, type SystemSpec } from "./schema.ts";

export type { DeviceCounts } from "./device-counts.ts";

/** A fabric patch: any fields of a fabric description (the link a block, as everywhere). */
const FabricPatch = patchOf(FabricDescription) as z.ZodType<Partial<Record<string, unknown>>>;

/**
 * Overrides a run applies on top of its system's devices (`hardware:` in a run config). Each is a block: a preset
 * name replaces the device, `{ preset, ... }` replaces it with overrides, an object without `preset` patches the
 * device the system already has. `gpu` reaches every GPU, `fcPim` the PIM design of the unit that holds the weights,
 * `attnPim` that of the unit that serves attention, `hbm` every stack (plain, FC-PIM and attention), `fabrics.NAME`
 * the fabric of that name (`links.NAME` its link only).
 */
export const HardwareOverrides = z
  .object({
    gpu: GpuBlock.shape.optional().describe("the system's GPUs: preset name, { preset, ... } or a patch of their GPU"),
    fcPim: PimDesignBlock.shape.optional().describe("the PIM design of the unit that holds the weights: preset name, { preset, ... } or a patch"),
    attnPim: PimDesignBlock.shape.optional().describe("the PIM design of the unit that serves attention: preset name, { preset, ... } or a patch"),
    hbm: HbmBlock.shape.optional().describe("HBM of every stack (plain, FC-PIM, attention): preset name, { preset, ... } or a patch"),
    links: z
      .object({ gpuGpu: LinkBlock.shape.optional(), attention: LinkBlock.shape.optional(), pimPim: LinkBlock.shape.optional() })
      .strict()
      .optional()
      .describe("the link of a fabric: preset name, { preset, ... } or a patch"),
    fabrics: z
      .strictObject(Object.fromEntries(FABRIC_NAMES.map((f) => [f, FabricPatch.optional()])) as Record<FabricName, z.ZodOptional<typeof FabricPatch>>)
      .optional()
      .describe("patches of the system's fabrics by name: numLinks, topology, collective, transfers, link"),
  })
  .strict();
export type HardwareOverrides = z.output<typeof HardwareOverrides>;

/** The profile and assumption overrides of a run (`profile:` and `assumptions:` in a run config). */
export interface ProfileChoice {
  profile?: string;
  assumptions?: Partial<Assumptions>;
}

/** The override of `hardware` that reaches a block of a unit in role `role`. */
function overrideFor(role: BlockRole, unit: string, d: SystemDescription, hw: HardwareOverrides): { patch: unknown; label: string } | undefined {
  if (role === "gpu") return hw.gpu === undefined ? undefined : { patch: hw.gpu, label: "hardware.gpu" };
  if (role === "hbm") return hw.hbm === undefined ? undefined : { patch: hw.hbm, label: "hardware.hbm" };
  const which = unit === d.roles.weights ? "fcPim" : unit === d.roles.attention || unit === d.roles.kv ? "attnPim" : undefined;
  const own = which === undefined ? undefined : hw[which];
  const withHbm = hw.hbm === undefined ? own : deepMerge(own ?? {}, { hbm: hw.hbm });
  return withHbm === undefined ? undefined : { patch: withHbm, label: own === undefined ? "hardware.hbm" : `hardware.${which}` };
}

/** Checks that every PIM override reaches a PIM design of the system. */
function checkPimOverridesLand(d: SystemDescription, hw: HardwareOverrides): void {
  const hasPim = (unit: string) => {
    const u = d.units[unit];
    return u !== undefined && Object.values(UNIT_KINDS.get(u.kind).blocks).some((b) => b.role === "pim");
  };
  if (hw.fcPim !== undefined && !hasPim(d.roles.weights)) {
    throw new UserError(`hardware.fcPim: system ${d.name} has no PIM design on the unit that holds its weights (units.${d.roles.weights} is ${d.units[d.roles.weights].kind})`);
  }
  const attn = d.roles.attention !== d.roles.weights ? d.roles.attention : d.roles.kv !== d.roles.weights ? d.roles.kv : undefined;
  if (hw.attnPim !== undefined && (attn === undefined || !hasPim(attn))) {
    throw new UserError(`hardware.attnPim: system ${d.name} has no PIM design on a unit that serves attention apart from its weights`);
  }
}

/** A PIM design with the run's assumptions filled in where the design leaves them open. */
function withAssumptions(design: PimDesign, a: Assumptions): PimDesign {
  if (design.fcMapping !== undefined && design.reuseReads !== undefined) return design;
  return { ...design, fcMapping: design.fcMapping ?? a.fcMapping, reuseReads: design.reuseReads ?? a.pimReuseReads };
}

function resolveUnits(d: SystemDescription, hw: HardwareOverrides, a: Assumptions): Record<string, ResolvedUnitDescription> {
  checkPimOverridesLand(d, hw);
  const out: Record<string, ResolvedUnitDescription> = {};
  for (const [name, u] of Object.entries(d.units)) {
    const kind = UNIT_KINDS.get(u.kind);
    const r: ResolvedUnitDescription = { ...u };
    for (const [field, { block, role }] of Object.entries(kind.blocks)) {
      const base = (u as Record<string, unknown>)[field];
      const o = overrideFor(role, name, d, hw);
      const value = o === undefined ? resolveBlock(block, base, undefined, `system.units.${name}.${field}`) : resolveBlock(block, o.patch, base, o.label);
      r[field] = role === "pim" ? withAssumptions(value as PimDesign, a) : value;
    }
    out[name] = r;
  }
  return out;
}

function resolveFabrics(d: SystemDescription, hw: HardwareOverrides, profile: string): Partial<Record<FabricName, Fabric>> {
  const out: Partial<Record<FabricName, Fabric>> = {};
  const p = PROFILES.get(profile, "profile").fabrics;
  for (const f of FABRIC_NAMES) {
    const given = hw.fabrics?.[f] !== undefined || hw.links?.[f as "gpuGpu"] !== undefined;
    const base = d.fabrics[f];
    if (base === undefined) {
      if (given) throw new UserError(`hardware.${hw.fabrics?.[f] !== undefined ? "fabrics" : "links"}.${f}: system ${d.name} has no ${f} fabric (it has ${Object.keys(d.fabrics).join(", ") || "none"})`);
      continue;
    }
    const { link: linkPatch, ...rest } = (hw.fabrics?.[f] ?? {}) as Record<string, unknown>;
    const merged = deepMerge(deepMerge(base, p[f] ?? {}), rest) as Record<string, unknown>;
    const parsed = FabricDescription.safeParse({ ...merged, link: base.link });
    if (!parsed.success) throw new UserError(`hardware.fabrics.${f}: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
    let link = resolveLink(base.link, undefined, `system.fabrics.${f}.link`);
    if (linkPatch !== undefined) link = resolveLink(linkPatch, base.link, `hardware.fabrics.${f}.link`);
    const linkOverride = hw.links?.[f as "gpuGpu"];
    if (linkOverride !== undefined) link = resolveLink(linkOverride, link, `hardware.links.${f}`);
    const collective = resolveCollective(parsed.data.collective, undefined, `system.fabrics.${f}.collective`);
    out[f] = { ...parsed.data, collective, link };
  }
  return out;
}

/** The FC roles with the assumption pimPartialSums applied to the units that compute in their own memory. */
function fcRolesUnder(d: SystemDescription, a: Assumptions): FcRole[] {
  if (a.pimPartialSums === "as-described") return d.roles.fc;
  return d.roles.fc.map((r) => {
    const u = fcRoleUnit(r);
    return UNIT_KINDS.get(d.units[u].kind).capabilities.computesInPlace ? { unit: u, reduceOn: a.pimPartialSums as FabricName } : r;
  });
}

/**
 * Resolves a system block (preset name, preset + overrides, or full description, in either shape) with a run's
 * device counts, hardware overrides and assumption profile into a SystemSpec whose every device is a full spec and
 * every fabric resolved. Errors are one line naming the field.
 */
export function resolveSystem(value: unknown, hardware: HardwareOverrides = {}, counts: DeviceCounts = {}, choice: ProfileChoice = {}): SystemSpec {
  const profile = choice.profile ?? DEFAULT_PROFILE;
  const a = resolveAssumptions(profile, choice.assumptions);
  const d = applyDeviceCounts(resolveSystemDescription(value), counts);
  const units = resolveUnits(d, hardware, a);
  const fabrics = resolveFabrics(d, hardware, profile);
  const spec: SystemSpec = { ...d, units, fabrics, roles: { ...d.roles, fc: fcRolesUnder(d, a) } };
  const bad = systemRuleViolations(spec);
  if (bad.length > 0) throw new UserError(bad.map((v) => `system ${d.name}: ${v.path} ${v.message}`).join("; "));
  for (const [name, f] of Object.entries(fabrics)) {
    if (!TOPOLOGIES.get(f.topology).supportsCollective(f.collective.algorithm)) throw new UserError(`system ${d.name}: fabrics.${name}.collective: ${f.collective.algorithm} needs a switch topology (fabrics.${name}.topology is ${f.topology})`);
  }
  return spec;
}
