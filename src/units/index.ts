import { z } from "zod";
import { defineRegistry } from "../core/registry.ts";
import { gpuUnitKind, GpuUnitDescription } from "./gpu.ts";
import { hbmUnitKind, HbmUnitDescription } from "./hbm.ts";
import type { UnitKind } from "./kind.ts";
import { neupimsUnitKind, NeupimsUnitDescription } from "./neupims.ts";
import { pimUnitKind, PimUnitDescription } from "./pim.ts";
import type { Assumptions } from "./assumptions.ts";
import type { Unit } from "./unit.ts";

export type { Unit, UnitCost, EnergySplit, FcShard, DecodeAttentionWork, PrefillAttentionWork, AttentionShape, UnitOperation } from "./unit.ts";
export type { UnitKind, BlockRole } from "./kind.ts";

/**
 * Every kind of unit, by the `kind` a system's unit description names. A new kind of device is one file (its
 * schema, its blocks and a class implementing Unit), one entry here and one line in UnitDescription; it then passes
 * test/units/contract.test.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyUnitKind = UnitKind<any, any>;
export const UNIT_KINDS = defineRegistry("unit kind", {
  gpu: gpuUnitKind,
  pim: pimUnitKind,
  hbm: hbmUnitKind,
  neupims: neupimsUnitKind,
} satisfies Record<string, AnyUnitKind>);

/** A unit of a system description: one of the registered kinds, by `kind`. */
export const UnitDescription = z.discriminatedUnion("kind", [GpuUnitDescription, PimUnitDescription, HbmUnitDescription, NeupimsUnitDescription]);
export type UnitDescription = z.output<typeof UnitDescription>;

/** Builds the unit of a resolved description (every block a full spec). */
export function makeUnit(name: string, description: { kind: string; count: number } & Record<string, unknown>, assumptions: Assumptions): Unit {
  const kind: AnyUnitKind = UNIT_KINDS.get(description.kind);
  return kind.make({ name, description, assumptions });
}
