import { z } from "zod";
import { UserError } from "../../core/errors.ts";
import { DEFAULT_PIM_ENERGY, PimEnergy } from "./energy.ts";
import {
  HbmSpec, hbmBanksPerChannel, hbmBanksPerStack, hbmColumnBytes, hbmRowBytes,
} from "./hbm.ts";
import { HbmBlock, resolveHbm } from "./hbm-presets.ts";

/**
 * A PIM design: an HBM stack plus FPUs next to its banks, written xPyB (x FPUs per y banks).
 * Validated once; the cost functions take the parsed (output) type.
 */

export const PimArea = z.object({
  /** area of one FPU (16 FP16 MAC lanes) — PAPI paper, area rule, CACTI-3DD at 22 nm */
  fpuAreaMm2: z.number().nonnegative(),
  /** area of one DRAM bank with its periphery — same source */
  bankAreaMm2: z.number().positive(),
  /** usable area of one HBM die — same source */
  maxDieAreaMm2: z.number().positive(),
});
export type PimArea = z.infer<typeof PimArea>;

/** PAPI paper, area rule `m (n A_FPU + A_bank) <= A_max`, CACTI-3DD 22 nm. */
export const PAPER_PIM_AREA: PimArea = { fpuAreaMm2: 0.1025, bankAreaMm2: 0.83, maxDieAreaMm2: 121 };

const PimDesignInput = z.object({
  name: z.string().min(1),
  description: z.string().default(""),
  /** HBM preset name, full spec, or { preset, org?, timing?, ... } overrides */
  hbm: HbmBlock.shape.default("hbm3-5.2"),
  /** x in xPyB */
  numFpus: z.number().int().positive(),
  /** y in xPyB */
  numBanksPerFpuGroup: z.number().int().positive(),
  /** FP16 multipliers per FPU; AttAcc: 16 per bank unit (one 32-B column per step) */
  macLanesPerFpu: z.number().int().positive(),
  fpuClockHz: z.number().positive(),
  /** bank groups per pseudo-channel and rank that keep their banks (FC-PIM: 3 of 4) */
  numEnabledBankGroups: z.number().int().positive(),
  /** use nCCDABPowerConstrained (true) or nCCDAB (false) between all-bank MACs */
  powerConstrainedMacSpacing: z.boolean().default(true),
  powerBudgetWattsPerStack: z.number().positive(),
  area: PimArea.default(PAPER_PIM_AREA),
  energy: PimEnergy.partial().default({}),
  /** partial-sum storage per FPU; when the outputs of a bank tile do not fit, inputs are re-sent */
  accumulatorBytesPerFpu: z.number().int().positive(),
  /** buffer-die softmax unit throughput per channel, elements per tCK */
  softmaxElementsPerClock: z.number().positive(),
  /** optional declared capacity per stack; must equal the derived one */
  capacityBytes: z.number().positive().optional(),
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
