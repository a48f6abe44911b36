import { UserError } from "../../core/errors.ts";
import { pimFcCost } from "./fc-cost.ts";
import { pimPeakFlopsPerSec, type PimDesign } from "./schema.ts";
import { pimConsts } from "./timing.ts";

/**
 * Power of one stack running FC with a given weight reuse (tokens per weight read), and the energy
 * split of the paper's figure 7. Both come from the same command-level FC model on a reference shape, so they
 * follow the design's compute semantics (column-matched by default: ceil(y reuse / x) MAC commands per column)
 * and its FC mapping (auto: the fastest layout per reuse). A column is read once and held while its tokens
 * cycle, so the DRAM-access energy per weight does not grow with reuse (docs/pim-model.md, "Energy").
 */

/** ASSUMPTION: reference FC shape for the power study, an 8192 x 8192 FP16 layer on one stack. */
export const POWER_REFERENCE_SHAPE = { k: 8192, n: 8192 } as const;

export interface PimEnergyBreakdown {
  reuse: number;
  joulesPerMac: { dramAccess: number; transfer: number; compute: number; background: number; total: number };
  /** shares of the total (sum to 1) */
  fractions: { dramAccess: number; transfer: number; compute: number; background: number };
}

export interface PimPowerReport {
  design: string;
  reuse: number;
  /** power the model gives: FC energy / FC time under the design's semantics and MAC spacing */
  watts: number;
  budgetWatts: number;
  withinBudget: boolean;
  /** MACs per second achieved by the model */
  macsPerSec: number;
  /**
   * power if every FPU ran every clock at this reuse (the paper's framing: MAC steps at the FPU clock, no
   * nCCDAB limit, which is what the power limit forbids): peak MAC/s x dynamic J/MAC at this reuse + background
   */
  fpuPeakWatts: number;
  fpuPeakWithinBudget: boolean;
  peakMacsPerSec: number;
  dramAccessFraction: number;
}

function referenceCost(design: PimDesign, reuse: number, shape: { k: number; n: number }) {
  if (!Number.isInteger(reuse) || reuse < 1) throw new UserError(`reuse must be a positive integer, got ${reuse}`);
  return pimFcCost(design, { m: reuse, k: shape.k, n: shape.n, numStacks: 1 });
}

export function pimEnergyBreakdownAtReuse(
  design: PimDesign,
  reuse: number,
  shape: { k: number; n: number } = POWER_REFERENCE_SHAPE,
): PimEnergyBreakdown {
  const c = referenceCost(design, reuse, shape);
  const macs = c.flops / 2;
  const b = c.energyBreakdownJoules;
  const total = c.energyJoules;
  return {
    reuse,
    joulesPerMac: {
      dramAccess: b.dramAccess / macs,
      transfer: b.transfer / macs,
      compute: b.compute / macs,
      background: b.background / macs,
      total: total / macs,
    },
    fractions: {
      dramAccess: b.dramAccess / total,
      transfer: b.transfer / total,
      compute: b.compute / total,
      background: b.background / total,
    },
  };
}

/** Per-stack power at a reuse level against design.powerBudgetWattsPerStack (or `budgetWatts`). */
export function pimStackPowerWatts(
  design: PimDesign,
  reuse: number,
  opts: { budgetWatts?: number; shape?: { k: number; n: number } } = {},
): PimPowerReport {
  const shape = opts.shape ?? POWER_REFERENCE_SHAPE;
  const budgetWatts = opts.budgetWatts ?? design.powerBudgetWattsPerStack;
  if (!(budgetWatts > 0)) throw new UserError(`power budget must be > 0 W, got ${budgetWatts}`);
  const c = referenceCost(design, reuse, shape);
  const macs = c.flops / 2;
  const b = c.energyBreakdownJoules;
  const watts = c.energyJoules / c.timeSec;
  const peakMacsPerSec = pimPeakFlopsPerSec(design) / 2;
  const dynamicJoulesPerMac = (b.dramAccess + b.transfer + b.compute) / macs;
  const staticWatts = design.energy.backgroundPowerWattsPerStack + pimConsts(design).refreshWattsPerStack;
  const fpuPeakWatts = peakMacsPerSec * dynamicJoulesPerMac + staticWatts;
  return {
    design: design.name,
    reuse,
    watts,
    budgetWatts,
    withinBudget: watts <= budgetWatts,
    macsPerSec: macs / c.timeSec,
    fpuPeakWatts,
    fpuPeakWithinBudget: fpuPeakWatts <= budgetWatts,
    peakMacsPerSec,
    dramAccessFraction: b.dramAccess / c.energyJoules,
  };
}
