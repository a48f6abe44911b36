import { z } from "zod";
import { count } from "../core/quantity.ts";
import { pimTransferJoulesPerBit } from "../hardware/pim/energy.ts";
import { pimAttentionCost, pimAttentionDynamic, PimAttentionCounts, pimFcCost, type PimAttentionShape, type PimDynamicSplit, type PimKernelCost } from "../hardware/pim/cost.ts";
import { PimDesignBlock } from "../hardware/pim/presets.ts";
import { pimStackCapacityBytes, type PimDesign } from "../hardware/pim/schema.ts";
import { pimConsts } from "../hardware/pim/timing.ts";
import type { ElementwiseKernel } from "../models/kernels.ts";
import { MAX_UNIT_DEVICES, type UnitKind } from "./kind.ts";
import { unitCost, type DecodeAttentionWork, type FcShard, type PrefillAttentionWork, type Unit, type UnitContext, type UnitCost } from "./unit.ts";

/**
 * xPyB PIM stacks (src/hardware/pim): HBM stacks with x FPUs per y banks that compute on the data in their own
 * banks. FC runs on the stacks of one tensor-parallel group over that group's weight shard; attention over the KV
 * cache on every stack of the unit (one KV head per channel); elementwise kernels (in a system without GPUs) on the
 * stacks' buffer dies. Costs are dynamic: the stacks' background and refresh power is charged over the whole run.
 */
export const PimUnitDescription = z.strictObject({
  kind: z.literal("pim"),
  design: PimDesignBlock.field("PIM design: preset name (fc-pim, attn-pim, attacc, hbm-pim, 2p1b), { preset, ...overrides } or a full description"),
  count: count("number of stacks", 1, MAX_UNIT_DEVICES).describe("number of PIM stacks"),
});
export type PimUnitDescription = z.output<typeof PimUnitDescription>;
export type PimUnitResolved = Omit<PimUnitDescription, "design"> & { design: PimDesign };

/** A PIM kernel's dynamic energy by kind (its background share is charged over the run instead). */
function dynamic(c: PimKernelCost, times = 1): UnitCost {
  const b = c.energyBreakdownJoules;
  return unitCost(c.timeSec, { compute: b.compute * times, dram: b.dramAccess * times, transfer: b.transfer * times });
}

class PimUnit implements Unit {
  readonly kind = "pim";
  readonly computesInPlace = true;
  readonly isProcessor = false;
  readonly addressableBytesPerDevice = Infinity;
  readonly name: string;
  readonly numDevices: number;
  readonly label: string;
  readonly deviceCapacityBytes: number;
  readonly design: PimDesign;
  private readonly overheadSec: number;
  private readonly refresh: boolean;
  /** decodeAttentionInto's scratch (rewritten every call) */
  private readonly attentionShape: PimAttentionShape = { numHeads: 0, numKvHeads: 0, headDim: 0, contextLens: [], tlp: 0, numStacks: 0, dtypeBytes: 0 };
  private readonly attentionCounts = new PimAttentionCounts();
  private readonly attentionSplit: PimDynamicSplit = { dramAccess: 0, transfer: 0, compute: 0 };

  constructor(c: UnitContext<PimUnitResolved>) {
    const d = c.description.design;
    this.name = c.name;
    this.design = d;
    this.numDevices = c.description.count;
    this.deviceCapacityBytes = pimStackCapacityBytes(d);
    this.label = `${this.numDevices} x ${d.name} (${d.numFpus}P${d.numBanksPerFpuGroup}B, ${d.computeSemantics}) on ${d.hbm.name}`;
    this.overheadSec = c.assumptions.pimElementwiseOverheadSec;
    this.refresh = c.assumptions.pimRefreshEnergy;
  }

  fc(s: FcShard): UnitCost {
    return dynamic(pimFcCost(this.design, { m: s.m, k: s.k, n: s.n, numStacks: s.numDevices, dtypeBytes: s.dtypeBytes }));
  }

  decodeAttention(w: DecodeAttentionWork): UnitCost {
    const lens = w.contextLens.length === w.numRequests ? w.contextLens : Array.prototype.slice.call(w.contextLens, 0, w.numRequests);
    const { numHeads, numKvHeads, headDim, dtypeBytes } = w.shape;
    return dynamic(pimAttentionCost(this.design, { numHeads, numKvHeads, headDim, contextLens: lens, tlp: w.tlp, numStacks: this.numDevices, dtypeBytes }));
  }

  /** decodeAttention without allocating: the same arithmetic (dynamic() with times = 1 multiplies by 1, exactly). */
  decodeAttentionInto(w: DecodeAttentionWork, out: UnitCost): UnitCost {
    const a = this.attentionShape;
    a.numHeads = w.shape.numHeads;
    a.numKvHeads = w.shape.numKvHeads;
    a.headDim = w.shape.headDim;
    a.dtypeBytes = w.shape.dtypeBytes;
    a.contextLens = w.contextLens;
    a.tlp = w.tlp;
    a.numStacks = this.numDevices;
    const e = this.attentionSplit;
    out.timeSec = pimAttentionDynamic(this.design, a, Math.min(w.numRequests, w.contextLens.length), this.attentionCounts, e);
    out.split.compute = e.compute;
    out.split.dram = e.dramAccess;
    out.split.transfer = e.transfer;
    out.energyJoules = e.compute + e.dramAccess + e.transfer;
    return out;
  }

  prefillAttention(w: PrefillAttentionWork): UnitCost {
    const { numHeads, numKvHeads, headDim, dtypeBytes } = w.shape;
    const lens = [w.cachedTokens + w.newTokens];
    return dynamic(pimAttentionCost(this.design, { numHeads, numKvHeads, headDim, contextLens: lens, tlp: w.newTokens, numStacks: this.numDevices, dtypeBytes }));
  }

  /**
   * The buffer dies of each group's stacks stream the kernels' bytes at their external bandwidth (sharded kernels
   * 1/G of them, the others in full in every group), plus assumptions.pimElementwiseOverheadSec per kernel. Energy:
   * every byte read from and written back to the banks over the stack's internal path (cell read/write, column and
   * bank-group muxes, TSV: AttAcc's FGDRAM figures).
   */
  elementwise(kernels: readonly ElementwiseKernel[], numGroups: number): UnitCost {
    const bytesPerSec = this.design.hbm.externalBandwidthBytesPerSec * Math.floor(this.numDevices / numGroups);
    const joulesPerBit = this.design.energy.cellRdWrJoulesPerBit + pimTransferJoulesPerBit(this.design.energy);
    let timeSec = 0;
    let transfer = 0;
    for (const k of kernels) {
      const perGroupBytes = (k.bytesRead + k.bytesWritten) / (k.sharded ? numGroups : 1);
      timeSec += this.overheadSec + perGroupBytes / bytesPerSec;
      transfer += perGroupBytes * numGroups * 8 * joulesPerBit;
    }
    return unitCost(timeSec, { compute: 0, dram: 0, transfer });
  }

  idlePowerWattsPerDevice(): { staticWatts: number; refreshWatts: number } {
    return { staticWatts: this.design.energy.backgroundPowerWattsPerStack, refreshWatts: this.refresh ? pimConsts(this.design).refreshWattsPerStack : 0 };
  }

  resourceOf(): string {
    return this.name;
  }
}

export const pimUnitKind: UnitKind<PimUnitDescription, PimUnitResolved> = {
  kind: "pim",
  description: "xPyB PIM stacks: FC on the stacks that hold the weights, attention on the stacks that hold the KV cache, elementwise on the buffer dies",
  schema: PimUnitDescription,
  blocks: { design: { block: PimDesignBlock, role: "pim" } },
  capabilities: { fc: true, attention: true, elementwise: true, memory: true, computesInPlace: true },
  make: (c) => new PimUnit(c),
  checkGroups: (d, numGroups) =>
    d.count % numGroups === 0 ? null : `must be a multiple of tensorParallel (${numGroups}), not ${d.count}: every tensor-parallel group owns the same number of stacks`,
};
