import type { KernelCost } from "../cost-types.ts";
import { pimTransferJoulesPerBit } from "./energy.ts";
import {
  hbmClockPeriodSec, hbmColumnBytes, hbmRefreshAvailability, hbmRowBytes,
} from "./hbm.ts";
import { PIM_DEFAULTS, pimEnabledBanksPerChannel, pimStackCapacityBytes, pimValuesPerColumn, type PimDesign, type PimReuseReads } from "./schema.ts";

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
  // kept tiny (the derivation is out of line) so the JIT inlines it into every hot cost function
  return cache.get(d) ?? derivePimConsts(d);
}

function derivePimConsts(d: PimDesign): PimConsts {
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
    macSpacingSec: pimMacSpacingClocks(d) * tCkSec,
    rowOverheadSec: (t.nRCD + t.nRTPL + t.nRP) * tCkSec,
    minRowPeriodSec: Math.max(t.nRC, t.nRAS + t.nRP) * tCkSec,
    columnsPerRow: o.numColumns,
    columnBytes: hbmColumnBytes(o),
    rowBits,
    banksPerChannel,
    pseudoChannelBandwidthBytesPerSec: hbmColumnBytes(o) / (pimBusColumnClocks(d) * tCkSec),
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
 * Spacing between consecutive MAC commands on a channel, in tCK. Without the power constraint: nCCDAB. With
 * it, macPowerLimitScope "command" gives nCCDABPowerConstrained to every command (AttAcc's MACAB and MACSB);
 * "column-reads" scales it by the share of banks that read a column per command, min(1, x / y), never below
 * nCCDAB (docs/pim-model.md, "Power limit").
 */
export function pimMacSpacingClocks(d: PimDesign): number {
  const t = d.hbm.timing;
  if (!d.powerConstrainedMacSpacing) return t.nCCDAB;
  if (d.macPowerLimitScope === "command") return t.nCCDABPowerConstrained;
  const bankShare = Math.min(1, d.numFpus / d.numBanksPerFpuGroup);
  return Math.max(t.nCCDAB, Math.ceil(t.nCCDABPowerConstrained * bankShare - 1e-9));
}

/**
 * MAC commands each column position of a bank needs when it is reused by `reuse` tokens.
 * column-matched: each command gives each of the x FPUs of a y-bank group one (column, token) pair, and the
 * group has y x reuse pairs per column position: ceil(y reuse / x). decoupled-clock: one command per column
 * (the FPUs cycle through the tokens while it is held).
 */
export function pimMacCommandsPerColumn(d: PimDesign, reuse: number): number {
  return d.computeSemantics === "column-matched" ? Math.ceil((d.numBanksPerFpuGroup * reuse) / d.numFpus) : 1;
}

/**
 * Time between consecutive MAC commands. An FPU step multiplies one column (16 FP16 values, `lanes` at a time)
 * with one token: ceil(16 / lanes) FPU cycles per (column, token) pair.
 * column-matched: max(MAC spacing, one pair's FPU time). decoupled-clock: max(MAC spacing, the FPU time of all
 * ceil(y reuse / x) pairs of the column).
 */
export function pimMacCommandIntervalSec(d: PimDesign, reuse: number, dtypeBytes = 2): number {
  const c = pimConsts(d);
  const stepsPerPair = Math.ceil(pimValuesPerColumn(d, dtypeBytes) / d.macLanesPerFpu);
  const pairsPerCommand = d.computeSemantics === "column-matched" ? 1 : Math.ceil((reuse * d.numBanksPerFpuGroup) / d.numFpus);
  return Math.max(c.macSpacingSec, (pairsPerCommand * stepsPerPair) / d.fpuClockHz);
}

/**
 * Array time per column position at a reuse level, row overheads aside: MAC commands per column x their
 * interval. Under decoupled-clock this is the earlier model's max(nCCDAB_eff tCK, ceil(y reuse / x) steps / f); under
 * column-matched ceil(y reuse / x) x max(nCCDAB_eff tCK, steps / f).
 */
export function pimMacIntervalSec(d: PimDesign, reuse: number, dtypeBytes = 2): number {
  return pimMacCommandsPerColumn(d, reuse) * pimMacCommandIntervalSec(d, reuse, dtypeBytes);
}

/**
 * tCK between consecutive column transfers on a pseudo-channel's data bus (inputs written into the units' buffers,
 * partial results read out): a transfer takes nBL, and consecutive column commands to the same bank group must be
 * nCCDL apart, to different groups nCCDS (JESD238 HBM3, tCCDL / tCCDS). The layouts spread every transfer stream over
 * the design's enabled bank groups, so with two or more groups the commands alternate groups (max(nBL, nCCDS)); with
 * one, every command hits the same group (max(nBL, nCCDL)).
 */
export function pimBusColumnClocks(d: PimDesign): number {
  const t = d.hbm.timing;
  return Math.max(t.nBL, d.numEnabledBankGroups > 1 ? t.nCCDS : t.nCCDL);
}

/** The design's token-reuse model (PIM_REUSE_READS); PIM_DEFAULTS when the design leaves it to the run. */
export function pimReuseReadsOf(d: PimDesign): PimReuseReads {
  return d.reuseReads ?? PIM_DEFAULTS.reuseReads;
}

/**
 * MAC commands per column position that read a fresh column: a group of y banks with x FPUs reads its y columns
 * x at a time, so ceil(y / x) commands (never more than the position takes); the others only reuse latched columns.
 */
export function pimFreshCommandsPerColumn(d: PimDesign, commandsPerColumn: number): number {
  return Math.min(commandsPerColumn, Math.ceil(d.numBanksPerFpuGroup / d.numFpus));
}

/**
 * Time between MAC commands that only reuse a latched column: under latched-relaxed no array read is powered, so
 * the power-constrained spacing does not apply (nCCDAB, or the FPU time of one pair if longer); otherwise the same
 * interval as every command (pimMacCommandIntervalSec).
 */
export function pimMacReuseIntervalSec(d: PimDesign, reuse: number, dtypeBytes = 2): number {
  const interval = pimMacCommandIntervalSec(d, reuse, dtypeBytes);
  if (pimReuseReadsOf(d) !== "latched-relaxed" || d.computeSemantics !== "column-matched") return interval;
  const c = pimConsts(d);
  const stepsPerPair = Math.ceil(pimValuesPerColumn(d, dtypeBytes) / d.macLanesPerFpu);
  return Math.max(d.hbm.timing.nCCDAB * c.tCkSec, stepsPerPair / d.fpuClockHz);
}

/**
 * Column reads per bank and column position: 1 when the column is latched; under per-command every MAC command
 * reads again, and a command reads the columns of min(x, y) of the group's y banks: commands x min(x, y) / y.
 */
export function pimColumnReadsPerPosition(d: PimDesign, commandsPerColumn: number): number {
  if (pimReuseReadsOf(d) !== "per-command") return 1;
  return (commandsPerColumn * Math.min(d.numFpus, d.numBanksPerFpuGroup)) / d.numBanksPerFpuGroup;
}

/**
 * Array time for streaming `columns` column positions per bank in every bank of a channel (all-bank mode), each
 * position taking `commandsPerColumn` MAC commands `intervalSec` apart, rows opened one after another: a row
 * with c positions (n = c q commands) takes
 *   max(nRC, nRAS + nRP, nRCD + (n - 1) I + nRTPL + nRP, n I),
 * since ACTAB, MACAB and PREA all address every bank and cannot overlap with another row.
 * With a shorter `reuseIntervalSec` (latched-relaxed), the first `freshPerColumn` commands of each position are
 * `intervalSec` apart and the rest `reuseIntervalSec`: the span of a row is c (f I + (q - f) I_r) in place of n I.
 * Refresh is not included (see pimConsts.refreshStretch).
 */
export function pimStreamTimeSec(c: PimConsts, columns: number, commandsPerColumn: number, intervalSec: number, reuseIntervalSec = intervalSec, freshPerColumn = commandsPerColumn): number {
  if (columns <= 0) return 0;
  const full = Math.floor(columns / c.columnsPerRow);
  const rest = columns - full * c.columnsPerRow;
  if (reuseIntervalSec !== intervalSec && freshPerColumn < commandsPerColumn) {
    const perColumnSec = freshPerColumn * intervalSec + (commandsPerColumn - freshPerColumn) * reuseIntervalSec;
    let r = full * relaxedRowPeriodSec(c, c.columnsPerRow, perColumnSec, reuseIntervalSec);
    if (rest > 0) r += relaxedRowPeriodSec(c, rest, perColumnSec, reuseIntervalSec);
    return r;
  }
  let t = full * rowPeriodSec(c, c.columnsPerRow * commandsPerColumn, intervalSec);
  if (rest > 0) t += rowPeriodSec(c, rest * commandsPerColumn, intervalSec);
  return t;
}

function rowPeriodSec(c: PimConsts, commands: number, intervalSec: number): number {
  return Math.max(c.minRowPeriodSec, c.rowOverheadSec + (commands - 1) * intervalSec, commands * intervalSec);
}

/** A row of `positions` column positions of `perColumnSec` each whose last command is `lastIntervalSec` long. */
function relaxedRowPeriodSec(c: PimConsts, positions: number, perColumnSec: number, lastIntervalSec: number): number {
  const span = positions * perColumnSec;
  return Math.max(c.minRowPeriodSec, c.rowOverheadSec + span - lastIntervalSec, span);
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

/** A PIM kernel's dynamic energy by kind, joules (background power aside). */
export interface PimDynamicSplit {
  dramAccess: number;
  transfer: number;
  compute: number;
}

/** The dynamic part of pimKernelCost's energy, written into `out` (allocates nothing). */
export function pimDynamicEnergy(d: PimDesign, n: Omit<PimKernelCounts, "commands">, out: PimDynamicSplit, c: PimConsts = pimConsts(d)): PimDynamicSplit {
  const e = d.energy;
  out.dramAccess = n.bankRowActivations * c.rowBits * e.cellActPreJoulesPerBit + n.columnReads * c.columnBytes * 8 * e.cellRdWrJoulesPerBit;
  out.transfer = (n.transferBytesIn + n.transferBytesOut) * 8 * c.transferJoulesPerBit;
  out.compute = n.macs * e.macJoules + n.extraComputeJoules;
  return out;
}

/**
 * Energy and rates of a PIM kernel (shared by FC and attention): DRAM access = row activations x row bits x
 * ACT/PRE energy + column reads x column bits x RD energy; transfer = bytes moved x transfer energy per bit;
 * compute = MACs x MAC energy (+ extra); background = (static + refresh) power x stacks x time.
 */
export function pimKernelCost(d: PimDesign, n: PimKernelCounts): PimKernelCost {
  const c = pimConsts(d);
  const e = d.energy;
  const { dramAccess, transfer, compute } = pimDynamicEnergy(d, n, { dramAccess: 0, transfer: 0, compute: 0 });
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
