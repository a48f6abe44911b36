import type { z } from "zod";
import type { BlockKind } from "../core/blocks.ts";
import type { Unit, UnitContext } from "./unit.ts";

/** ASSUMPTION: 4,096 devices per unit at most (CXL 3.0's largest fabric; the same bound as src/systems/limits.ts). */
export const MAX_UNIT_DEVICES = 4096;

/**
 * Which run-config override reaches a hardware block of a unit: `hardware.gpu` every GPU block, `hardware.hbm` every
 * HBM block (and the HBM inside every PIM design), `hardware.fcPim` / `hardware.attnPim` the PIM design of the unit
 * that holds the weights / serves attention.
 */
export type BlockRole = "gpu" | "pim" | "hbm";

export interface UnitCapabilities {
  fc: boolean;
  attention: boolean;
  elementwise: boolean;
  /** holds data (weights or KV) */
  memory: boolean;
  /** computes only on data in its own memory (PIM) */
  computesInPlace: boolean;
}

/**
 * A kind of unit, registered by name in src/units/index.ts: the schema of its description in a system (a strict
 * object whose `kind` is the registry key), which of its fields are hardware blocks (resolved and overridden by the
 * systems layer), and the factory of the resolved description. `checkGroups` states what the kind needs of the
 * tensor-parallel groups (a GPU runs one shard: one GPU per group).
 */
export interface UnitKind<D extends { kind: string; count: number }, R extends { kind: string; count: number }> {
  kind: D["kind"];
  description: string;
  schema: z.ZodType<D>;
  blocks: Record<string, { block: BlockKind<unknown>; role: BlockRole }>;
  /** What every unit of this kind can do and is, known before it is built (the system schema checks roles with it). */
  capabilities: UnitCapabilities;
  make(c: UnitContext<R>): Unit;
  checkGroups?(d: R, numGroups: number): string | null;
}
