import { z } from "zod";
import { count } from "../core/quantity.ts";
import { HbmBlock } from "../hardware/pim/hbm-presets.ts";
import type { HbmSpec } from "../hardware/pim/hbm.ts";
import { MAX_UNIT_DEVICES, type UnitKind } from "./kind.ts";
import type { Unit, UnitContext } from "./unit.ts";

/**
 * Plain HBM stacks: memory without compute, e.g. the GPUs' own HBM that holds the weights (and, in a GPU-only
 * system, the KV cache) of the GPU baselines. Work on their data runs on the GPUs, which charge the HBM traffic
 * (src/units/gpu.ts); their static power is inside the GPUs' static power (an A100's TDP covers its HBM).
 */
export const HbmUnitDescription = z.strictObject({
  kind: z.literal("hbm"),
  hbm: HbmBlock.field("HBM stack: preset name (hbm3-5.2, hbm3e-9.6), { preset, ...overrides } or a full description"),
  count: count("number of stacks", 1, MAX_UNIT_DEVICES).describe("number of HBM stacks"),
});
export type HbmUnitDescription = z.output<typeof HbmUnitDescription>;
export type HbmUnitResolved = Omit<HbmUnitDescription, "hbm"> & { hbm: HbmSpec };

class HbmUnit implements Unit {
  readonly kind = "hbm";
  readonly computesInPlace = false;
  readonly isProcessor = false;
  readonly addressableBytesPerDevice = 0;
  readonly name: string;
  readonly numDevices: number;
  readonly label: string;
  readonly deviceCapacityBytes: number;

  constructor(c: UnitContext<HbmUnitResolved>) {
    this.name = c.name;
    this.numDevices = c.description.count;
    this.deviceCapacityBytes = c.description.hbm.capacityBytes;
    this.label = `${this.numDevices} x plain HBM on ${c.description.hbm.name}`;
  }

  idlePowerWattsPerDevice(): { staticWatts: number; refreshWatts: number } {
    return { staticWatts: 0, refreshWatts: 0 };
  }

  resourceOf(): string {
    return this.name;
  }
}

export const hbmUnitKind: UnitKind<HbmUnitDescription, HbmUnitResolved> = {
  kind: "hbm",
  description: "plain HBM stacks: memory for weights or KV cache that GPUs compute on",
  schema: HbmUnitDescription,
  blocks: { hbm: { block: HbmBlock, role: "hbm" } },
  capabilities: { fc: false, attention: false, elementwise: false, memory: true, computesInPlace: false },
  make: (c) => new HbmUnit(c),
  checkGroups: (d, numGroups) =>
    d.count % numGroups === 0 ? null : `must be a multiple of tensorParallel (${numGroups}), not ${d.count}: every GPU owns the same number of stacks`,
};
