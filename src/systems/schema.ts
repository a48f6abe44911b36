import { z } from "zod";
import { count, quantity } from "../core/quantity.ts";
import { FABRIC_NAMES, FabricDescription, type Fabric, type FabricName } from "../fabric/schema.ts";
import { UNIT_KINDS, UnitDescription } from "../units/index.ts";
import { MAX_GPUS } from "./limits.ts";

/**
 * A system as data: units (groups of devices, each of a registered kind), the roles they play, and the fabrics that
 * join them (docs/architecture.md). Which units may run FC is part of the system, which one runs it in a given
 * iteration is the scheduler's decision. Every device is a block (a preset name, a preset with overrides, or a
 * full description), so a new system is a config file, not code; the systems layer prices an iteration by asking
 * the unit in each role and never branches on a unit's kind.
 */
export { MAX_GPUS, MAX_LINKS, MAX_STACKS } from "./limits.ts";

const UnitName = z
  .string({ error: "a unit name must be a string" })
  .regex(/^[a-z][a-z0-9-]*$/, "a unit name is lowercase letters, digits and '-', starting with a letter");

/**
 * A unit that may run FC, and the fabric its tensor-parallel partial sums (and the LM head's logits) are reduced
 * over. A bare name has no fabric: only valid with tensorParallel 1.
 */
export const FcRole = z.union([UnitName, z.strictObject({ unit: UnitName, reduceOn: z.enum(FABRIC_NAMES).optional().describe("fabric of the tensor-parallel collectives when FC runs on this unit") })]);
export type FcRole = z.output<typeof FcRole>;

export const Roles = z.strictObject({
  fc: z
    .array(FcRole)
    .min(1, "roles.fc must name at least one unit")
    .max(8, "roles.fc names at most 8 units")
    .describe("units that may run FC kernels, in the order PAPI's threshold uses them: the first above alpha, the second at or below it"),
  attention: UnitName.describe("unit that runs decode attention"),
  attentionVia: z
    .array(z.enum(FABRIC_NAMES))
    .max(4)
    .describe("fabrics that queries, keys, values and attention outputs cross between the FC side and the attention unit (empty when attention runs there)"),
  kv: UnitName.describe("unit whose memory holds the KV cache"),
  weights: UnitName.describe("unit whose memory holds every FC weight, sharded over the tensor-parallel groups"),
  elementwise: UnitName.describe("unit that runs norms, activations, residuals and the final norm"),
  prefill: z
    .strictObject({ fc: UnitName.describe("unit that runs prefill's FC kernels"), attention: UnitName.describe("unit that runs prefill's causal attention") })
    .describe("where prefill runs"),
});
export type Roles = z.output<typeof Roles>;

/** How an iteration's kernels share time: one after another, or two sub-batches whose FC and attention overlap. */
export const OVERLAP_MODES = ["none", "sub-batch"] as const;

export const SystemDescription = z.strictObject({
  name: z.string().min(1).describe("system name (shown in reports)"),
  description: z.string().default("").describe("one line about the system"),
  units: z.record(UnitName, UnitDescription).describe("units by name: { kind: gpu | pim | hbm | ..., its device block, count }"),
  roles: Roles,
  tensorParallel: count("tensor-parallel groups the FC weights are split over (Megatron-LM)", 1, MAX_GPUS).describe("tensor-parallel groups the FC weights are split over"),
  fabrics: z
    .strictObject(Object.fromEntries(FABRIC_NAMES.map((f) => [f, FabricDescription.optional()])) as Record<FabricName, z.ZodOptional<typeof FabricDescription>>)
    .describe("gpuGpu, attention, pimPim, host: the links between unit groups"),
  overlap: z.enum(OVERLAP_MODES).default("none").describe("none: an iteration's kernels run one after another; sub-batch: two sub-batches overlap FC and attention where they run on different resources (NeuPIMs)"),
  schedulerOverheadSec: quantity("host bookkeeping per iteration (count finished requests, compare RLP x TLP with alpha)", "s", { min: 0, max: 1 }),
});
export type SystemDescription = z.output<typeof SystemDescription>;
export type SystemDescriptionInput = z.input<typeof SystemDescription>;

/** A resolved unit description: its blocks replaced by full specs (GpuSpec, PimDesign, HbmSpec). */
export type ResolvedUnitDescription = { kind: string; count: number } & Record<string, unknown>;

/** A system with every device resolved: the read-only input of the cost functions (and a valid description). */
export type SystemSpec = Omit<SystemDescription, "units" | "fabrics"> & {
  units: Record<string, ResolvedUnitDescription>;
  fabrics: Partial<Record<FabricName, Fabric>>;
};

export const fcRoleUnit = (r: FcRole): string => (typeof r === "string" ? r : r.unit);
export const fcRoleFabric = (r: FcRole): FabricName | undefined => (typeof r === "string" ? undefined : r.reduceOn);

/** Consistency rules of a system (roles against units and fabrics); each is a (path, message) on failure. */
export function systemRuleViolations(s: { units: Record<string, { kind: string; count: number }>; roles: Roles; tensorParallel: number; fabrics: Partial<Record<FabricName, unknown>> }): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const names = Object.keys(s.units);
  const cap = (u: string) => UNIT_KINDS.get(s.units[u].kind).capabilities;
  const exists = (path: string, u: string) => {
    if (s.units[u] !== undefined) return true;
    out.push({ path, message: `names unit "${u}", which the system does not have (units: ${names.join(", ")})` });
    return false;
  };
  const fabric = (path: string, f: FabricName) => {
    if (s.fabrics[f] === undefined) out.push({ path, message: `names fabric "${f}", which the system does not have (fabrics: ${Object.keys(s.fabrics).join(", ") || "none"})` });
  };
  const r = s.roles;
  const G = s.tensorParallel;
  const seen = new Set<string>();
  r.fc.forEach((role, i) => {
    const u = fcRoleUnit(role);
    const path = `roles.fc.${i}`;
    if (!exists(path, u)) return;
    if (seen.has(u)) out.push({ path, message: `names unit "${u}" twice` });
    seen.add(u);
    if (!cap(u).fc) out.push({ path, message: `unit "${u}" (${s.units[u].kind}) cannot run FC` });
    if (cap(u).computesInPlace && u !== r.weights) out.push({ path, message: `unit "${u}" computes in its own memory, so it must be the unit that holds the weights (roles.weights is "${r.weights}")` });
    const f = fcRoleFabric(role);
    if (f !== undefined) fabric(`${path}.reduceOn`, f);
    else if (G > 1) out.push({ path, message: `needs reduceOn (the fabric of its partial sums) with tensorParallel ${G}` });
  });
  if (exists("roles.weights", r.weights)) {
    if (!cap(r.weights).memory) out.push({ path: "roles.weights", message: `unit "${r.weights}" (${s.units[r.weights].kind}) has no memory to hold weights` });
  }
  if (exists("roles.kv", r.kv) && !cap(r.kv).memory) out.push({ path: "roles.kv", message: `unit "${r.kv}" (${s.units[r.kv].kind}) has no memory to hold the KV cache` });
  if (exists("roles.attention", r.attention)) {
    if (!cap(r.attention).attention) out.push({ path: "roles.attention", message: `unit "${r.attention}" (${s.units[r.attention].kind}) cannot run attention` });
    else if (cap(r.attention).computesInPlace && r.attention !== r.kv) out.push({ path: "roles.kv", message: `must be "${r.attention}": attention there computes in the memory that holds the KV cache` });
  }
  if (exists("roles.elementwise", r.elementwise) && !cap(r.elementwise).elementwise) {
    out.push({ path: "roles.elementwise", message: `unit "${r.elementwise}" (${s.units[r.elementwise].kind}) cannot run elementwise kernels` });
  }
  if (exists("roles.prefill.fc", r.prefill.fc)) {
    if (!cap(r.prefill.fc).fc) out.push({ path: "roles.prefill.fc", message: `unit "${r.prefill.fc}" cannot run FC` });
    else if (cap(r.prefill.fc).computesInPlace && r.prefill.fc !== r.weights) out.push({ path: "roles.prefill.fc", message: `unit "${r.prefill.fc}" computes in its own memory, so it must be the weights unit "${r.weights}"` });
  }
  if (exists("roles.prefill.attention", r.prefill.attention)) {
    if (!cap(r.prefill.attention).attention) out.push({ path: "roles.prefill.attention", message: `unit "${r.prefill.attention}" cannot run attention` });
    else if (cap(r.prefill.attention).computesInPlace && r.prefill.attention !== r.kv) out.push({ path: "roles.prefill.attention", message: `unit "${r.prefill.attention}" computes in its own memory, so it must be the KV unit "${r.kv}"` });
  }
  r.attentionVia.forEach((f, i) => fabric(`roles.attentionVia.${i}`, f));
  if (r.attention !== r.elementwise && r.attentionVia.length === 0) {
    out.push({ path: "roles.attentionVia", message: `attention runs on "${r.attention}", away from "${r.elementwise}": name the fabrics its inputs and outputs cross` });
  }
  // every unit that shards the weights (FC units and the weights' memory) splits evenly over the groups
  for (const u of new Set([...r.fc.map(fcRoleUnit), r.weights, r.prefill.fc])) {
    if (s.units[u] === undefined) continue;
    const bad = UNIT_KINDS.get(s.units[u].kind).checkGroups?.(s.units[u] as never, G);
    if (bad) out.push({ path: `units.${u}.count`, message: bad });
  }
  return out;
}

/** The full schema of a system block: the description plus its consistency rules. */
export const SystemDescriptionChecked = SystemDescription.superRefine((s, ctx) => {
  for (const v of systemRuleViolations(s)) ctx.addIssue({ code: "custom", path: v.path.split("."), message: v.message });
});
