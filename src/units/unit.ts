import type { ElementwiseKernel } from "../models/kernels.ts";
import type { Assumptions } from "./assumptions.ts";

/**
 * A unit: a group of identical devices of one kind that a system composes (6 GPUs, 30 FC-PIM stacks, 60 Attn-PIM
 * stacks, 30 plain HBM stacks). Every kind of device is one implementation of this interface, registered by kind
 * (src/units/index.ts), and every registered kind passes test/units/contract.test.ts. The systems layer asks the unit
 * in each role for a cost and never branches on its kind; a new device (a NeuPIMs-style unit, say) is one new file.
 *
 * Costs are for the work of one decoding iteration step and are *dynamic*: static and refresh power are charged over
 * the whole run from idlePowerWattsPerDevice (src/systems/static-power.ts). Every cost says which of the unit's
 * resources it keeps busy, so an iteration can overlap work that runs on different resources.
 */

/** Dynamic energy by kind, joules: compute (FLOPs, MACs, softmax, adds), DRAM array access, on-device data transfer. */
export interface EnergySplit {
  compute: number;
  dram: number;
  transfer: number;
}

export interface UnitCost {
  timeSec: number;
  energyJoules: number;
  /** energyJoules by kind (sums to it) */
  split: EnergySplit;
}

export const ZERO_SPLIT: EnergySplit = Object.freeze({ compute: 0, dram: 0, transfer: 0 });
export const ZERO_UNIT_COST: UnitCost = Object.freeze({ timeSec: 0, energyJoules: 0, split: ZERO_SPLIT });

/**
 * One tensor-parallel shard of an FC GEMM y[m x n] = x[m x k] W[k x n] (k and n already divided by the system's
 * tensor-parallel groups), run on `numDevices` devices of the unit that form one group. Energy is the group's.
 */
export interface FcShard {
  m: number;
  k: number;
  n: number;
  numDevices: number;
  dtypeBytes: number;
}

/** Attention dimensions of the model (per layer). */
export interface AttentionShape {
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  dtypeBytes: number;
}

/**
 * Decode attention of one layer over a batch: every request verifies `tlp` query tokens over its whole KV length
 * (cached keys plus the tlp new ones, `contextLens[i]`; the first numRequests entries are used), all heads, on every
 * device of the unit (heads or keys spread over them as the unit lays attention out).
 */
export interface DecodeAttentionWork {
  shape: AttentionShape;
  numRequests: number;
  tlp: number;
  contextLens: ArrayLike<number>;
  totalContextTokens: number;
}

/**
 * Causal attention of one layer over one prefill chunk of a request: `newTokens` prompt tokens attend to the
 * `cachedTokens` keys already cached and causally to each other.
 */
export interface PrefillAttentionWork {
  shape: AttentionShape;
  newTokens: number;
  cachedTokens: number;
}

/** Which work a cost keeps busy (overlap is possible only between different resources). */
export type UnitOperation = "fc" | "attention" | "elementwise";

export interface Unit {
  /** the unit's name in its system ("gpu", "fc-pim", "attn-pim") */
  readonly name: string;
  /** the registered kind ("gpu", "pim", "hbm", "neupims") */
  readonly kind: string;
  /** devices in the unit (GPUs, stacks) */
  readonly numDevices: number;
  /** one line for reports: "6 x a100-hbm3", "30 x fc-pim (4P1B, column-matched) on hbm3-5.2" */
  readonly label: string;
  /** memory one device holds, bytes (0 for a device without memory of its own) */
  readonly deviceCapacityBytes: number;
  /**
   * Memory one device can compute on when it reads operands that another unit holds (a GPU addresses at most its
   * memoryCapacityBytes of HBM); Infinity where there is no such limit.
   */
  readonly addressableBytesPerDevice: number;
  /** true when the unit computes on data in its own memory only (PIM): it must hold the weights or KV it runs on */
  readonly computesInPlace: boolean;
  /** true for a unit of processors (GPU, NPU) rather than memory-side compute; reports count FC iterations by it */
  readonly isProcessor: boolean;

  /** FC on one tensor-parallel group of this unit; absent when the unit cannot run FC. */
  fc?(shard: FcShard): UnitCost;
  /**
   * Decode attention of one layer on the whole unit (heads or keys spread over its devices as the unit lays attention
   * out); absent when the unit cannot run attention.
   */
  decodeAttention?(work: DecodeAttentionWork): UnitCost;
  /**
   * decodeAttention's cost written into `out` (its split too), allocating nothing: the serving loop's per-iteration
   * call. Optional (decodeAttentionInto below falls back to decodeAttention); where present, bit-identical to it.
   */
  decodeAttentionInto?(work: DecodeAttentionWork, out: UnitCost): UnitCost;
  /** Causal prefill attention of one chunk, one layer, on the whole unit like decodeAttention. */
  prefillAttention?(work: PrefillAttentionWork): UnitCost;
  /**
   * Elementwise kernels (norms, activations, residuals, KV writes) of one layer, one after another, on `numGroups`
   * groups of the unit: sharded kernels on 1/numGroups of the bytes each, the others in full in every group.
   */
  elementwise?(kernels: readonly ElementwiseKernel[], numGroups: number): UnitCost;
  /** Power one device draws busy or idle: static (leakage, background) and refresh, watts, under the assumptions. */
  idlePowerWattsPerDevice(): { staticWatts: number; refreshWatts: number };
  /** The resource an operation keeps busy; operations on different resources may overlap. */
  resourceOf(op: UnitOperation): string;
}

/** What a unit factory gets: its name in the system, its parsed description and the run's assumptions. */
export interface UnitContext<D> {
  name: string;
  description: D;
  assumptions: Assumptions;
}

export const sumSplit = (a: EnergySplit, b: EnergySplit): EnergySplit => ({ compute: a.compute + b.compute, dram: a.dram + b.dram, transfer: a.transfer + b.transfer });
export const scaleSplit = (a: EnergySplit, f: number): EnergySplit => ({ compute: a.compute * f, dram: a.dram * f, transfer: a.transfer * f });

/** A cost from its time and energy split (energyJoules = the sum of the split). */
export function unitCost(timeSec: number, split: EnergySplit): UnitCost {
  return { timeSec, energyJoules: split.compute + split.dram + split.transfer, split };
}

/** A cost whose fields (and split) a caller may overwrite: the target of the *Into functions. */
export function mutableUnitCost(): UnitCost {
  return { timeSec: 0, energyJoules: 0, split: { compute: 0, dram: 0, transfer: 0 } };
}

/** Copies `c` into `out` (out.split is overwritten field by field, never shared). */
export function copyUnitCost(c: UnitCost, out: UnitCost): UnitCost {
  out.timeSec = c.timeSec;
  out.energyJoules = c.energyJoules;
  out.split.compute = c.split.compute;
  out.split.dram = c.split.dram;
  out.split.transfer = c.split.transfer;
  return out;
}

/** The unit's decode attention into `out` (mutableUnitCost): its decodeAttentionInto, else a copy of decodeAttention. */
export function decodeAttentionInto(unit: Unit, work: DecodeAttentionWork, out: UnitCost): UnitCost {
  return unit.decodeAttentionInto !== undefined ? unit.decodeAttentionInto(work, out) : copyUnitCost(unit.decodeAttention!(work), out);
}
