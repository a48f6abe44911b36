import { UserError } from "../core/errors.ts";
import { GB } from "../core/units.ts";
import type { Fabric } from "../fabric/schema.ts";
import { kvCacheBytesPerToken, modelWeightBytes } from "../models/params.ts";
import { dtypeBytes, headDim, numKvHeads, type ModelConfig } from "../models/schema.ts";
import type { Assumptions } from "../units/assumptions.ts";
import { makeUnit, type AttentionShape, type Unit } from "../units/index.ts";
import { resolveAssumptions } from "./profiles.ts";
import { resolveSystem, type DeviceCounts, type HardwareOverrides, type ProfileChoice } from "./resolve.ts";
import { fcRoleFabric, fcRoleUnit, type SystemSpec } from "./schema.ts";

/** A unit that may run FC, with the fabric its tensor-parallel collectives use (null with one group). */
export interface FcPlacement {
  unit: Unit;
  fabric: Fabric | null;
}

/** A system resolved against a model: units built, capacities checked. Read-only input of the cost functions. */
export interface SystemContext {
  spec: SystemSpec;
  model: ModelConfig;
  assumptions: Assumptions;
  units: Readonly<Record<string, Unit>>;
  /** the units that may run FC, in the order of roles.fc */
  fc: readonly FcPlacement[];
  attention: Unit;
  kv: Unit;
  weights: Unit;
  elementwise: Unit;
  prefill: { fc: FcPlacement; attention: Unit };
  /** the fabrics attention's inputs and outputs cross (roles.attentionVia) */
  attentionVia: readonly Fabric[];
  /** tensor-parallel groups (roles split the weights over them) */
  numGroups: number;
  /** attention runs on the elementwise unit, which then also writes the new K and V (a kv_write kernel per layer) */
  kvWriteOnHost: boolean;
  weightBytes: number;
  /** Bytes available for the KV cache. */
  kvCapacityBytes: number;
  kvBytesPerToken: number;
  /** Model dimensions the per-iteration cost needs, resolved once (hot path). */
  shape: AttentionShape;
}

const gb = (b: number) => (b / GB).toFixed(1);

/**
 * Memory each tensor-parallel group can use on the weights unit: its devices' capacity, but no more than what a unit
 * that computes on it from outside can address (a GPU reads at most its memoryCapacityBytes of HBM).
 */
function usableBytesPerGroup(ctx: Omit<SystemContext, "kvCapacityBytes">, readers: readonly Unit[]): { bytes: number; why: string } {
  const w = ctx.weights;
  const devices = w.numDevices / ctx.numGroups;
  let bytes = w.deviceCapacityBytes * devices;
  let why = `${devices} x ${gb(w.deviceCapacityBytes)} GB of units.${w.name}`;
  for (const r of readers) {
    if (r.computesInPlace || r === w) continue;
    const addressable = r.addressableBytesPerDevice * (r.numDevices / ctx.numGroups);
    if (addressable < bytes) {
      bytes = addressable;
      why = `units.${r.name} addresses ${gb(addressable)} GB per group`;
    }
  }
  return { bytes, why };
}

/**
 * Capacity rules, per tensor-parallel group (every group holds 1/G of every weight): the weights unit's memory of a
 * group, as far as the units that read it can address it, must hold its shard; where the KV cache shares that
 * memory, it gets what is left in every group; elsewhere the KV unit's memory.
 */
function kvCapacity(ctx: Omit<SystemContext, "kvCapacityBytes">): number {
  const G = ctx.numGroups;
  const shard = ctx.weightBytes / G;
  const readers = [...ctx.fc.map((f) => f.unit), ctx.prefill.fc.unit, ...(ctx.kv === ctx.weights ? [ctx.attention, ctx.prefill.attention] : [])];
  const use = usableBytesPerGroup(ctx, readers);
  if (shard > use.bytes) {
    throw new UserError(
      `${ctx.model.name}'s weights (${gb(ctx.weightBytes)} GB, ${gb(shard)} GB per tensor-parallel group) do not fit system ${ctx.spec.name}: ` +
        `each of its ${G} groups has ${gb(use.bytes)} GB (${use.why}); raise the stacks (--fc-stacks), the GPUs' memory, or pick a smaller model`,
    );
  }
  if (ctx.kv === ctx.weights) return G * (use.bytes - shard);
  return ctx.kv.deviceCapacityBytes * ctx.kv.numDevices;
}

/** Builds the context of a resolved system for a model; checks that the weights fit every group. */
export function buildContext(spec: SystemSpec, model: ModelConfig, assumptions: Assumptions = resolveAssumptions()): SystemContext {
  const units: Record<string, Unit> = {};
  for (const [name, d] of Object.entries(spec.units)) units[name] = makeUnit(name, d, assumptions);
  const placement = (unit: string, fabricName: ReturnType<typeof fcRoleFabric>): FcPlacement => ({
    unit: units[unit],
    fabric: fabricName === undefined ? null : spec.fabrics[fabricName]!,
  });
  const fc = spec.roles.fc.map((r) => placement(fcRoleUnit(r), fcRoleFabric(r)));
  const prefillFc = fc.find((f) => f.unit.name === spec.roles.prefill.fc) ?? placement(spec.roles.prefill.fc, fcRoleFabric(spec.roles.fc[0]));
  const partial: Omit<SystemContext, "kvCapacityBytes"> = {
    spec,
    model,
    assumptions,
    units,
    fc,
    attention: units[spec.roles.attention],
    kv: units[spec.roles.kv],
    weights: units[spec.roles.weights],
    elementwise: units[spec.roles.elementwise],
    prefill: { fc: prefillFc, attention: units[spec.roles.prefill.attention] },
    attentionVia: spec.roles.attentionVia.map((f) => spec.fabrics[f]!),
    numGroups: spec.tensorParallel,
    kvWriteOnHost: spec.roles.attention === spec.roles.elementwise,
    weightBytes: modelWeightBytes(model),
    kvBytesPerToken: kvCacheBytesPerToken(model),
    shape: { dtypeBytes: dtypeBytes(model), numHeads: model.num_attention_heads, numKvHeads: numKvHeads(model), headDim: headDim(model) },
  };
  return { ...partial, kvCapacityBytes: kvCapacity(partial) };
}

/** Resolves a system block (with a run's overrides, counts and profile) and builds its context for a model. */
export function buildSystem(system: unknown, model: ModelConfig, hardware: HardwareOverrides = {}, counts: DeviceCounts = {}, choice: ProfileChoice = {}): SystemContext {
  return buildContext(resolveSystem(system, hardware, counts, choice), model, resolveAssumptions(choice.profile, choice.assumptions));
}

/** The FC placement of a unit by name; a one-line error when the system cannot run FC there. */
export function fcPlacement(ctx: SystemContext, unitName: string): FcPlacement {
  for (const f of ctx.fc) if (f.unit.name === unitName) return f;
  if (ctx.prefill.fc.unit.name === unitName) return ctx.prefill.fc;
  throw new UserError(`system ${ctx.spec.name} cannot run FC on "${unitName}" (roles.fc: ${ctx.fc.map((f) => f.unit.name).join(", ")})`);
}
