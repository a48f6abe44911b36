import type { KernelCost } from "../cost-types.ts";
import { pimTransferJoulesPerBit } from "./energy.ts";
import {
  hbmClockPeriodSec, hbmColumnBytes, hbmPseudoChannelBandwidthBytesPerSec, hbmRefreshAvailability, hbmRowBytes,
} from "./hbm.ts";
import { pimEnabledBanksPerChannel, pimStackCapacityBytes, pimValuesPerColumn, type PimDesign } from "./schema.ts";

/** What every PIM kernel returns: time and energy plus the counts behind them. */
export interface PimKernelCost extends KernelCost {
  flops: number;
  /** bytes read from the DRAM arrays by the FPUs */
  internalBytes: number;
  /** bytes written from the buffer die into the units' buffers (per pseudo-channel bus copy) */
  transferBytesIn: number;
  /** bytes read out of the units (partial or final results) */
  transferBytesOut: number;
  flopsPerSec: number;
  internalBandwidthBytesPerSec: number;
  /** background = (static power + refresh power) x stacks x time; static is 0 W by default, as AttAcc */
  energyBreakdownJoules: { dramAccess: number; transfer: number; compute: number; background: number };
  /** counts by command type over all stacks and channels */
  commands: Record<string, number>;
}

/**
 * Per-design constants every kernel needs, computed once per design object and cached (designs are
 * immutable after parsing), so the hot paths do no repeated derivation.
 */
export interface PimConsts {
  tCkSec: number;
  macSpacingSec: number;
  /** fixed part of a row period: ACTAB->MACAB + MACAB->PREA + PREA->ACTAB */
  rowOverheadSec: number;
  /** a row period is never shorter than max(nRC, nRAS + nRP) */
  minRowPeriodSec: number;
  columnsPerRow: number;
  columnBytes: number;
  rowBits: number;
  banksPerChannel: number;
  pseudoChannelBandwidthBytesPerSec: number;
  /** 1 / (1 - nRFC / nREFI): stretch of array time by all-bank refresh */
  refreshStretch: number;
  refreshIntervalSec: number;
  /** energy of one REFab in one channel (rows refreshed per bank x banks x row bits x ACT energy) */
  refreshJoulesPerChannel: number;
  /** refresh power of a whole stack: REFab energy x channels / tREFI (paid busy or idle) */
  refreshWattsPerStack: number;
  transferJoulesPerBit: number;
  /** capacity of one stack of this design */
  stackCapacityBytes: number;
}

const cache = new WeakMap<PimDesign, PimConsts>();

export function pimConsts(d: PimDesign): PimConsts {
  const hit = cache.get(d);
  if (hit) return hit;
  const t = d.hbm.timing;
  const o = d.hbm.org;
  const tCkSec = hbmClockPeriodSec(t);
  const refreshIntervalSec = t.nREFI * tCkSec;
  const banksPerChannel = pimEnabledBanksPerChannel(d);
  const rowBits = hbmRowBytes(o) * 8;
  const rowsPerRefreshPerBank = (o.numRows * refreshIntervalSec) / t.refreshWindowSec;
  const refreshJoulesPerChannel = rowsPerRefreshPerBank * banksPerChannel * rowBits * d.energy.cellActPreJoulesPerBit;
  const c: PimConsts = {
    tCkSec,
    macSpacingSec: (d.powerConstrainedMacSpacing ? t.nCCDABPowerConstrained : t.nCCDAB) * tCkSec,
    rowOverheadSec: (t.nRCD + t.nRTPL + t.nRP) * tCkSec,
    minRowPeriodSec: Math.max(t.nRC, t.nRAS + t.nRP) * tCkSec,
    columnsPerRow: o.numColumns,
    columnBytes: hbmColumnBytes(o),
    rowBits,
    banksPerChannel,
    pseudoChannelBandwidthBytesPerSec: hbmPseudoChannelBandwidthBytesPerSec(d.hbm),
    refreshStretch: 1 / hbmRefreshAvailability(t),
    refreshIntervalSec,
    refreshJoulesPerChannel,
    refreshWattsPerStack: (refreshJoulesPerChannel * o.numChannels) / refreshIntervalSec,
    transferJoulesPerBit: pimTransferJoulesPerBit(d.energy),
    stackCapacityBytes: pimStackCapacityBytes(d),
  };
  cache.set(d, c);
  return c;
}

/**
 * Time between consecutive all-bank MACs when every column is reused `reuse` times: the larger of the
 * DRAM column spacing (nCCDAB) and the FPU time. x FPUs share the 32-B column latched from the row
 * buffer of each of their y banks; each FPU step multiplies one column (16 values, `lanes` at a time)
 * with one token's inputs, so a step group takes ceil(y * reuse / x) * ceil(16 / lanes) FPU cycles.
 */
export function pimMacIntervalSec(d: PimDesign, reuse: number, dtypeBytes = 2): number {
  const c = pimConsts(d);
  const stepsPerPair = Math.ceil(pimValuesPerColumn(d, dtypeBytes) / d.macLanesPerFpu);
  const fpuCycles = Math.ceil((reuse * d.numBanksPerFpuGroup) / d.numFpus) * stepsPerPair;
  return Math.max(c.macSpacingSec, fpuCycles / d.fpuClockHz);
}

/**
 * Array time for streaming `columns` columns per bank in every bank of a channel (all-bank mode), rows
 * opened one after another: a row with c MACABs takes
 *   max(nRC, nRAS + nRP, nRCD + (c - 1) I + nRTPL + nRP, c I)  (I = MAC interval),
 * since ACTAB, MACAB and PREA all address every bank and cannot overlap with another row.
 * Refresh is not included (see pimConsts.refreshStretch).
 */
export function pimStreamTimeSec(c: PimConsts, columns: number, intervalSec: number): number {
  if (columns <= 0) return 0;
  const full = Math.floor(columns / c.columnsPerRow);
  const rest = columns - full * c.columnsPerRow;
  let t = full * rowPeriodSec(c, c.columnsPerRow, intervalSec);
  if (rest > 0) t += rowPeriodSec(c, rest, intervalSec);
  return t;
}

function rowPeriodSec(c: PimConsts, cols: number, intervalSec: number): number {
  return Math.max(c.minRowPeriodSec, c.rowOverheadSec + (cols - 1) * intervalSec, cols * intervalSec);
}

/** Counts behind one PIM kernel, from which pimKernelCost derives its energy split and rates. */
export interface PimKernelCounts {
  timeSec: number;
  numStacks: number;
  bankRowActivations: number;
  columnReads: number;
  transferBytesIn: number;
  transferBytesOut: number;
  macs: number;
  /** compute energy beyond the MACs (e.g. softmax) */
  extraComputeJoules: number;
  commands: Record<string, number>;
}

/**
 * Energy and rates of a PIM kernel (shared by FC and attention): DRAM access = row activations x row bits x
 * ACT/PRE energy + column reads x column bits x RD energy; transfer = bytes moved x transfer energy per bit;
 * compute = MACs x MAC energy (+ extra); background = (static + refresh) power x stacks x time.
 */
export function pimKernelCost(d: PimDesign, n: PimKernelCounts): PimKernelCost {
  const c = pimConsts(d);
  const e = d.energy;
  const dramAccess =
    n.bankRowActivations * c.rowBits * e.cellActPreJoulesPerBit + n.columnReads * c.columnBytes * 8 * e.cellRdWrJoulesPerBit;
  const transfer = (n.transferBytesIn + n.transferBytesOut) * 8 * c.transferJoulesPerBit;
  const compute = n.macs * e.macJoules + n.extraComputeJoules;
  const background = (e.backgroundPowerWattsPerStack + c.refreshWattsPerStack) * n.numStacks * n.timeSec;
  const internalBytes = n.columnReads * c.columnBytes;
  const flops = 2 * n.macs;
  return {
    timeSec: n.timeSec,
    energyJoules: dramAccess + transfer + compute + background,
    flops,
    internalBytes,
    transferBytesIn: n.transferBytesIn,
    transferBytesOut: n.transferBytesOut,
    flopsPerSec: n.timeSec > 0 ? flops / n.timeSec : 0,
    internalBandwidthBytesPerSec: n.timeSec > 0 ? internalBytes / n.timeSec : 0,
    energyBreakdownJoules: { dramAccess, transfer, compute, background },
    commands: n.commands,
  };
}
