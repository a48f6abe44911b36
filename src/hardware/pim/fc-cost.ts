import { UserError } from "../../core/errors.ts";
import { PIM_FC_MAPPINGS, type PimFcMappingName, type PimFcPlan, type PimFcResource, type PimFcShape } from "./fc-mapping/index.ts";
import { PIM_DEFAULTS, pimStackCapacityBytes, type PimDesign } from "./schema.ts";
import { pimConsts, pimKernelCost, type PimKernelCost } from "./timing.ts";

export type { PimFcShape } from "./fc-mapping/index.ts";

/** An FC kernel's cost plus the plan that produced it. */
export interface PimFcCost extends PimKernelCost {
  /** the concrete mapping used ("n-split" or "k-split"; "auto" resolves to one of them) */
  mapping: PimFcPlan["mapping"];
  /** k slices per stack whose partial sums are added on the buffer die (1 = none) */
  kSplit: number;
  /** the resource that sets the time */
  bindingResource: PimFcResource;
}

/** Results per design (designs are immutable after parsing) and call; a pure function's cache. */
const memo = new WeakMap<PimDesign, Map<string, PimFcCost>>();
/** Entries kept per design before the cache starts over (bounds memory for callers with many distinct shapes). */
const MEMO_LIMIT = 20_000;

/**
 * FC kernel (y[m x n] = x[m x k] W[k x n]) on PIM stacks, from DRAM commands (docs/pim-model.md). The layout
 * is the design's `fcMapping` (or `mapping` when given): a strategy from fc-mapping/ ("auto" takes the fastest
 * legal one). The shape is validated here, once, for every mapping. Memoized per (design, call): `auto`
 * evaluates several plans, and every serving run (each with its own system context) asks for the same calls.
 * The returned record is shared: read it, do not modify it.
 */
export function pimFcCost(design: PimDesign, fc: PimFcShape, mapping: PimFcMappingName = design.fcMapping ?? PIM_DEFAULTS.fcMapping): PimFcCost {
  const { m, k, n, numStacks } = fc;
  const dtypeBytes = fc.dtypeBytes ?? 2;
  let byCall = memo.get(design);
  if (byCall === undefined) memo.set(design, (byCall = new Map()));
  const key = `${m}|${k}|${n}|${numStacks}|${dtypeBytes}|${mapping}`;
  const hit = byCall.get(key);
  if (hit !== undefined) return hit;
  const cost = computeFcCost(design, m, k, n, numStacks, dtypeBytes, mapping);
  if (byCall.size >= MEMO_LIMIT) byCall.clear();
  byCall.set(key, cost);
  return cost;
}

function computeFcCost(design: PimDesign, m: number, k: number, n: number, numStacks: number, dtypeBytes: number, mapping: PimFcMappingName): PimFcCost {
  checkInt("m", m);
  checkInt("k", k);
  checkInt("n", n);
  checkInt("numStacks", numStacks);
  checkInt("dtypeBytes", dtypeBytes);
  const capacity = pimStackCapacityBytes(design) * numStacks;
  const weightBytes = k * n * dtypeBytes;
  if (weightBytes > capacity) {
    throw new UserError(
      `fc: weights k x n x dtypeBytes = ${weightBytes} B exceed numStacks x capacity = ${capacity} B of design "${design.name}"`,
    );
  }
  const strategy = Object.prototype.hasOwnProperty.call(PIM_FC_MAPPINGS, mapping) ? PIM_FC_MAPPINGS[mapping] : undefined;
  if (strategy === undefined) {
    throw new UserError(`fc: unknown mapping "${mapping}"; known: ${Object.keys(PIM_FC_MAPPINGS).join(", ")}`);
  }
  const plan = strategy.plan(design, { m, k, n, numStacks, dtypeBytes });
  if (plan === null) {
    throw new UserError(`fc: mapping "${mapping}" cannot lay out k = ${k}, n = ${n} on design "${design.name}"; use "auto" or "n-split"`);
  }
  return costOfPlan(design, plan, m * k * n, numStacks);
}

function costOfPlan(design: PimDesign, p: PimFcPlan, macs: number, numStacks: number): PimFcCost {
  const c = pimConsts(design);
  const channels = p.numChannels;
  const k = pimKernelCost(design, {
    timeSec: p.timeSec,
    numStacks,
    bankRowActivations: p.bankRowActivations,
    columnReads: p.columnReads,
    transferBytesIn: p.transferBytesIn,
    transferBytesOut: p.transferBytesOut,
    macs,
    extraComputeJoules: p.reductionAdds * design.energy.reductionAddJoules,
    commands: {
      ACTAB: channels * p.rowsPerChannel,
      PREA: channels * p.rowsPerChannel,
      MACAB: channels * p.macCommandsPerChannel,
      WRGB: p.wrgbCommands,
      RDOUT: p.rdoutCommands,
      // every channel of every stack keeps refreshing
      REF: Math.round((p.timeSec / c.refreshIntervalSec) * numStacks * design.hbm.org.numChannels),
    },
  });
  // a record of its own (not the attention record plus fields), so pimKernelCost's callers stay monomorphic
  return {
    timeSec: k.timeSec,
    energyJoules: k.energyJoules,
    flops: k.flops,
    internalBytes: k.internalBytes,
    transferBytesIn: k.transferBytesIn,
    transferBytesOut: k.transferBytesOut,
    flopsPerSec: k.flopsPerSec,
    internalBandwidthBytesPerSec: k.internalBandwidthBytesPerSec,
    energyBreakdownJoules: k.energyBreakdownJoules,
    commands: k.commands,
    mapping: p.mapping,
    kSplit: p.kSplit,
    bindingResource: p.bindingResource,
  };
}

function checkInt(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`fc.${field} must be a positive integer, got ${v}`);
}
