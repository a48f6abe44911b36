import type { GpuSpec } from "../hardware/gpu/schema.ts";
import type { HbmSpec } from "../hardware/pim/hbm.ts";
import type { PimDesign } from "../hardware/pim/schema.ts";
import { UNIT_KINDS, type BlockRole } from "../units/index.ts";
import type { SystemSpec } from "./schema.ts";

/**
 * The devices of a resolved system by the role they play, as reports, sweeps and the explorer name them (the GPU,
 * the FC stacks' PIM design, the attention stacks' design, their HBM, the counts). Read from the units' hardware
 * blocks (src/units/kind.ts BlockRole), whatever the units' kinds.
 */
export interface RoleDevices {
  gpu: GpuSpec | null;
  numGpus: number;
  /** PIM design of the unit that holds the weights (null: plain HBM) */
  fcPim: PimDesign | null;
  numFcStacks: number;
  /** PIM design of the unit that serves attention apart from the weights (null: none) */
  attnPim: PimDesign | null;
  numAttnStacks: number;
  /** HBM of the stacks that hold the weights */
  hbm: HbmSpec;
}

function block<T>(spec: SystemSpec, unit: string | undefined, role: BlockRole): T | null {
  if (unit === undefined) return null;
  const u = spec.units[unit];
  if (u === undefined) return null;
  for (const [field, b] of Object.entries(UNIT_KINDS.get(u.kind).blocks)) if (b.role === role) return u[field] as T;
  return null;
}

export function roleDevices(spec: SystemSpec): RoleDevices {
  const gpuUnit = Object.keys(spec.units).find((u) => block(spec, u, "gpu") !== null);
  const w = spec.roles.weights;
  const attn = spec.roles.kv !== w ? spec.roles.kv : undefined;
  const fcPim = block<PimDesign>(spec, w, "pim");
  return {
    gpu: block<GpuSpec>(spec, gpuUnit, "gpu"),
    numGpus: gpuUnit === undefined ? 0 : spec.units[gpuUnit].count,
    fcPim,
    numFcStacks: spec.units[w].count,
    attnPim: block<PimDesign>(spec, attn, "pim"),
    numAttnStacks: attn === undefined ? 0 : spec.units[attn].count,
    hbm: fcPim?.hbm ?? block<HbmSpec>(spec, w, "hbm")!,
  };
}
