import { z } from "zod";
import { count, quantity, RANGES } from "../../core/quantity.ts";
import { UserError } from "../../core/errors.ts";
import { DEFAULT_PIM_ENERGY, PimEnergy } from "./energy.ts";
import {
  HbmSpec, hbmBanksPerChannel, hbmBanksPerStack, hbmColumnBytes, hbmRowBytes,
} from "./hbm.ts";
import { HbmBlock, resolveHbm } from "./hbm-presets.ts";
import { PIM_FC_MAPPING_NAMES, type PimFcMappingName } from "./fc-mapping/names.ts";

/**
 * A PIM design: an HBM stack plus FPUs next to its banks, written xPyB (x FPUs per y banks).
 * Validated once; the cost functions take the parsed (output) type.
 */

export const PimArea = z.strictObject({
  /** area of one FPU (16 FP16 MAC lanes) — PAPI paper, area rule, CACTI-3DD at 22 nm */
  fpuAreaMm2: quantity("area of one FPU (16 FP16 MAC lanes)", "mm2", RANGES.areaMm2),
  /** area of one DRAM bank with its periphery — same source */
  bankAreaMm2: quantity("area of one DRAM bank with its periphery", "mm2", { ...RANGES.areaMm2, minExclusive: true }),
  /** usable area of one HBM die — same source */
  maxDieAreaMm2: quantity("usable area of one HBM die", "mm2", { ...RANGES.areaMm2, minExclusive: true }),
});
export type PimArea = z.infer<typeof PimArea>;

/** PAPI paper, area rule `m (n A_FPU + A_bank) <= A_max`, CACTI-3DD 22 nm. */
export const PAPER_PIM_AREA: PimArea = { fpuAreaMm2: 0.1025, bankAreaMm2: 0.83, maxDieAreaMm2: 121 };

/**
 * How an FPU's MAC steps relate to the DRAM column rate (docs/pim-model.md, "Compute semantics").
 * - column-matched: each MAC command gives each of a bank's x FPUs one (column, token) pair, so r tokens on
 *   a column of an xPyB unit take ceil(y r / x) MAC commands; an FPU is never faster than its column.
 *   Sources: PAPI Sec. 4 ("a 666 MHz FPU with 20.8 GB/s per-bank bandwidth (1P1B) can satisfy the kernel's
 *   arithmetic intensity"); AttAcc's simulator issues one MAC command per (column, query vector).
 * - decoupled-clock: one MAC command per column; the FPUs then cycle through the tokens at fpuClockHz while
 *   the column is held, so the interval is max(MAC spacing, ceil(y r / x) steps / f).
 */
export const PIM_COMPUTE_SEMANTICS = ["column-matched", "decoupled-clock"] as const;
export type PimComputeSemantics = (typeof PIM_COMPUTE_SEMANTICS)[number];

/**
 * What the power-constrained MAC spacing (nCCDABPowerConstrained) limits (docs/pim-model.md, "Power limit").
 * - command: every MAC command is spaced by it, however many banks it reads. AttAcc's HBM3-PIM timing gives
 *   the same power-constrained spacing (6 tCK) to MACAB (every bank) and MACSB (one bank per bank group).
 * - column-reads: it limits column reads per tCK per channel; a command that reads a fraction min(1, x/y) of
 *   the banks may issue that much sooner, never sooner than nCCDAB (1P2B: max(4, 6/2) = 4 tCK).
 */
export const PIM_MAC_POWER_LIMIT_SCOPES = ["command", "column-reads"] as const;
export type PimMacPowerLimitScope = (typeof PIM_MAC_POWER_LIMIT_SCOPES)[number];

/**
 * How an FPU reuses a DRAM column for several tokens (docs/pim-model.md, "Token reuse"):
 * - latched: the column is read once and held while its tokens are processed (one column read of energy), and every
 *   MAC command keeps the power-constrained spacing (AttAcc's timing, which Ramulator validates);
 * - per-command: every MAC command reads its column again (AttAcc's energy accounting: one array read per MACAB);
 * - latched-relaxed: one read, and the commands that only reuse the latched column draw no array power, so they are
 *   spaced by nCCDAB (or the FPU) instead of the power-constrained spacing: energy and timing consistent.
 */
export const PIM_REUSE_READS = ["latched", "per-command", "latched-relaxed"] as const;
export type PimReuseReads = (typeof PIM_REUSE_READS)[number];

/**
 * The values a design field left unset takes when no run assumptions fill it (`papi pim` on its own, the JS kernel
 * functions). A run fills both from its assumptions (src/units/assumptions.ts), whose default profile uses these.
 */
export const PIM_DEFAULTS = Object.freeze({
  fcMapping: "n-split" as PimFcMappingName,
  reuseReads: "latched" as PimReuseReads,
});

const PimDesignInput = z.strictObject({
  name: z.string().min(1).describe("design name"),
  description: z.string().default("").describe("one line about the design"),
  /** HBM preset name, full spec, or { preset, org?, timing?, ... } overrides */
  hbm: HbmBlock.field("the HBM stack the design builds on: preset name, { preset, ...overrides } or a full description").default("hbm3-5.2"),
  /** x in xPyB */
  numFpus: count("x in xPyB: FPUs per group of banks", 1, 64),
  /** y in xPyB */
  numBanksPerFpuGroup: count("y in xPyB: banks sharing the FPUs", 1, 256),
  /** FP16 multipliers per FPU; AttAcc: 16 per bank unit (one 32-B column per step) */
  macLanesPerFpu: count("FP16 multipliers per FPU", 1, 4096),
  fpuClockHz: quantity("FPU clock", "Hz", RANGES.clockHz),
  /** bank groups per pseudo-channel and rank that keep their banks (FC-PIM: 3 of 4) */
  numEnabledBankGroups: count("bank groups per pseudo-channel and rank that keep their banks", 1, 64),
  /** use nCCDABPowerConstrained (true) or nCCDAB (false) between all-bank MACs */
  powerConstrainedMacSpacing: z.boolean().default(true).describe("space all-bank MACs by nCCDABPowerConstrained (true) or nCCDAB (false)"),
  /** see PIM_MAC_POWER_LIMIT_SCOPES; default "command" (AttAcc's timing tables) */
  macPowerLimitScope: z.enum(PIM_MAC_POWER_LIMIT_SCOPES).default("command").describe("what the power-constrained MAC spacing limits: every command, or column reads"),
  /** see PIM_COMPUTE_SEMANTICS; default "column-matched" */
  computeSemantics: z.enum(PIM_COMPUTE_SEMANTICS).default("column-matched").describe("how FPU MAC steps relate to the DRAM column rate"),
  /** how FC weights are laid out over channels and banks (fc-mapping/); unset: the run's assumption (PIM_DEFAULTS alone) */
  fcMapping: z.enum(PIM_FC_MAPPING_NAMES).optional().describe("how FC weights are laid out over channels and banks (n-split, k-split, auto: the fastest per call); unset: the run's assumptions.fcMapping"),
  /** where a k-split FC mapping may add partial sums: within a channel (default) or across the stack's channels */
  kSplitScope: z.enum(["channel", "stack"]).optional().describe("k-split reduces partial sums within a channel's two pseudo-channels (channel: what an HBM3 base die joins) or across every channel (stack: an assumed cross-channel adder network)"),
  /** how a column is reused for several tokens (PIM_REUSE_READS); unset: the run's assumption (PIM_DEFAULTS alone) */
  reuseReads: z.enum(PIM_REUSE_READS).optional().describe("latched, per-command or latched-relaxed (docs/pim-model.md, \"Token reuse\"); unset: the run's assumptions.pimReuseReads"),
  powerBudgetWattsPerStack: quantity("power budget of one stack", "W", { ...RANGES.powerWatts, minExclusive: true }),
  area: PimArea.default(PAPER_PIM_AREA).describe("area rule m (n A_FPU + A_bank) <= A_max (PAPI paper, CACTI-3DD 22 nm)"),
  energy: PimEnergy.partial().default({}).describe("energy constants; fields left out keep the FGDRAM/AttAcc defaults"),
  /** partial-sum storage per FPU; when the outputs of a bank tile do not fit, inputs are re-sent */
  // ASSUMPTION: <= 1 GiB of partial-sum storage per FPU (AttAcc-style units hold a few KiB)
  accumulatorBytesPerFpu: count("partial-sum storage per FPU", 1, 2 ** 30, "bytes"),
  /** buffer-die softmax unit throughput per channel, elements per tCK */
  // ASSUMPTION: <= 1e6 elements per tCK per channel (AttAcc-style units: ~16)
  softmaxElementsPerClock: quantity("buffer-die softmax throughput per channel", "elements/tCK", { min: 0, max: 1e6, minExclusive: true }),
  /**
   * buffer-die adder throughput per channel, FP16 partial sums per tCK (k-split FC mappings reduce their
   * partials there). ASSUMPTION: 16, the rate at which a channel's two pseudo-channel buses deliver partials
   * (2 x 32 B per nBL = 2 tCK = 16 FP16 per tCK), so the adder keeps up with the buses; not given by PAPI or AttAcc.
   */
  reductionElementsPerClock: quantity("buffer-die adder throughput per channel", "FP16 adds/tCK", { min: 0, max: 1e6, minExclusive: true }).default(16),
  /** optional declared capacity per stack; must equal the derived one */
  capacityBytes: quantity("declared capacity per stack (must equal the derived one)", "bytes", { min: 1, max: 1e18 }).optional(),
});
export type PimDesignInput = z.input<typeof PimDesignInput>;

export const PimDesign = PimDesignInput.transform((d, ctx) => {
  let hbm: HbmSpec;
  try {
    hbm = resolveHbm(d.hbm, "hbm");
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    ctx.addIssue({ code: "custom", path: [], message: e.message });
    return z.NEVER;
  }
  const energy: PimEnergy = { ...DEFAULT_PIM_ENERGY, ...d.energy };
  return { ...d, hbm, energy };
}).superRefine((d, ctx) => {
  const o = d.hbm.org;
  if (d.numEnabledBankGroups > o.numBankGroups) {
    ctx.addIssue({
      code: "custom",
      path: ["numEnabledBankGroups"],
      message: `must be between 1 and ${o.numBankGroups} (bank groups per rank), got ${d.numEnabledBankGroups}`,
    });
    return;
  }
  if (d.numBanksPerFpuGroup > 1 && o.numBanksPerGroup % d.numBanksPerFpuGroup !== 0) {
    ctx.addIssue({
      code: "custom",
      path: ["numBanksPerFpuGroup"],
      message: `must divide the ${o.numBanksPerGroup} banks of a bank group, got ${d.numBanksPerFpuGroup}`,
    });
  }
  const m = pimBanksPerDieOf(d);
  const perBank = (d.numFpus / d.numBanksPerFpuGroup) * d.area.fpuAreaMm2 + d.area.bankAreaMm2;
  const dieArea = m * perBank;
  if (dieArea > d.area.maxDieAreaMm2 * (1 + 1e-12)) {
    ctx.addIssue({
      code: "custom",
      path: ["numFpus"],
      message:
        `${d.numFpus}P${d.numBanksPerFpuGroup}B with ${m} banks per die needs ${dieArea.toFixed(1)} mm2 > ` +
        `area.maxDieAreaMm2 ${d.area.maxDieAreaMm2} (at most ${maxBanksPerDie(d.numFpus / d.numBanksPerFpuGroup, d.area)} banks per die fit)`,
    });
  }
  if (d.capacityBytes !== undefined && d.capacityBytes !== pimStackCapacityBytesOf(d)) {
    ctx.addIssue({
      code: "custom",
      path: ["capacityBytes"],
      message: `declared ${d.capacityBytes} B but ${d.numEnabledBankGroups} of ${o.numBankGroups} bank groups give ${pimStackCapacityBytesOf(d)} B`,
    });
  }
});
export type PimDesign = z.output<typeof PimDesign>;

type DesignShape = Pick<PimDesign, "hbm" | "numEnabledBankGroups">;

function pimBanksPerDieOf(d: DesignShape): number {
  return (hbmBanksPerStack(d.hbm.org) / d.hbm.org.numDies) * (d.numEnabledBankGroups / d.hbm.org.numBankGroups);
}

function pimStackCapacityBytesOf(d: DesignShape): number {
  return pimEnabledBanksPerStack(d) * d.hbm.org.numRows * hbmRowBytes(d.hbm.org);
}

// ---- derived quantities --------------------------------------------------------------------

export function pimFpusPerBank(d: Pick<PimDesign, "numFpus" | "numBanksPerFpuGroup">): number {
  return d.numFpus / d.numBanksPerFpuGroup;
}

/** Banks that hold data in one channel: pseudo-channels x ranks x enabled bank groups x banks. */
export function pimEnabledBanksPerChannel(d: DesignShape): number {
  return (hbmBanksPerChannel(d.hbm.org) * d.numEnabledBankGroups) / d.hbm.org.numBankGroups;
}

export function pimEnabledBanksPerStack(d: DesignShape): number {
  return d.hbm.org.numChannels * pimEnabledBanksPerChannel(d);
}

/** Data banks per die (the m of the area rule). */
export function pimBanksPerDie(d: DesignShape): number {
  return pimBanksPerDieOf(d);
}

/** Capacity of one stack of this design (FC-PIM: 3 of 4 bank groups -> 12 GiB). */
export function pimStackCapacityBytes(d: DesignShape): number {
  return pimStackCapacityBytesOf(d);
}

/** Values one column delivers to an FPU (32 B of FP16 -> 16). */
export function pimValuesPerColumn(d: Pick<PimDesign, "hbm">, dtypeBytes = 2): number {
  return Math.max(1, Math.floor(hbmColumnBytes(d.hbm.org) / dtypeBytes));
}

/** Peak FLOP/s of one stack when every FPU runs every clock: banks x FPUs/bank x lanes x 2 x f. */
export function pimPeakFlopsPerSec(d: PimDesign): number {
  return pimEnabledBanksPerStack(d) * pimFpusPerBank(d) * d.macLanesPerFpu * 2 * d.fpuClockHz;
}

/**
 * Area rule (PAPI paper): the largest m with m (n A_FPU + A_bank) <= A_max, for n FPUs per bank
 * (a design, or n directly; 1P2B is n = 0.5).
 */
export function maxBanksPerDie(designOrFpusPerBank: PimDesign | number, area: PimArea = PAPER_PIM_AREA): number {
  const n = typeof designOrFpusPerBank === "number" ? designOrFpusPerBank : pimFpusPerBank(designOrFpusPerBank);
  const a = typeof designOrFpusPerBank === "number" ? area : designOrFpusPerBank.area;
  if (!(n >= 0) || !Number.isFinite(n)) throw new UserError(`FPUs per bank must be a finite number >= 0, got ${n}`);
  return Math.floor((a.maxDieAreaMm2 / (n * a.fpuAreaMm2 + a.bankAreaMm2)) * (1 + 1e-12));
}
