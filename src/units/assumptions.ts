import { z } from "zod";
import { quantity, RANGES } from "../core/quantity.ts";
import { PIM_FC_MAPPING_NAMES } from "../hardware/pim/fc-mapping/names.ts";
import { PIM_REUSE_READS } from "../hardware/pim/schema.ts";

/**
 * The structural assumptions a run makes that are not a property of one device's datasheet: how energy is counted,
 * how PIM lays FC out and treats token reuse, where partial sums are reduced. Each is a named choice with its source
 * (docs/assumptions.md, "Structural choices"); an assumption profile (src/systems/profiles.ts) is a named bundle of
 * them, and `assumptions:` in a run config (or `--set assumptions.NAME=value`) overrides one. Units read the
 * device-level ones; the systems layer the rest. Schema only: kept in units/ because units are the lowest layer that
 * reads it.
 */
export const PIM_PARTIAL_SUM_PLACES = ["as-described", "gpuGpu", "pimPim", "host"] as const;
export type PimPartialSumPlace = (typeof PIM_PARTIAL_SUM_PLACES)[number];

export const Assumptions = z.strictObject({
  fcMapping: z
    .enum(PIM_FC_MAPPING_NAMES)
    .describe("FC layout of every PIM design that names none: n-split (AttAcc's and PAPI §6.4's: n over channels and bank groups, k over banks), k-split, auto (the fastest per call)"),
  pimReuseReads: z
    .enum(PIM_REUSE_READS)
    .describe("how a PIM FPU reuses a column for several tokens: latched (one read, every MAC command power-spaced), per-command (AttAcc: every MAC command reads its column), latched-relaxed (one read; commands that only reuse the latch are spaced by nCCDAB)"),
  pimRefreshEnergy: z.boolean().describe("charge PIM stacks' refresh energy (AttAcc charges none)"),
  pimElementwiseOverheadSec: quantity("fixed time of one elementwise kernel (norm, activation, residual) run on a PIM unit's buffer dies", "s", RANGES.latencySec),
  gpuStaticPower: z.boolean().describe("charge GPUs' static power over the run (AttAcc models none)"),
  gpuOnChipEnergy: z.boolean().describe("charge GPUs' register, L1 and L2 traffic energy (AttAcc's energy table) on top of FLOP and HBM energy"),
  pimPartialSums: z
    .enum(PIM_PARTIAL_SUM_PLACES)
    .describe("where FC run on PIM reduces its tensor-parallel partial sums: as the system describes it, or on the gpuGpu, pimPim or host fabric"),
});
export type Assumptions = z.infer<typeof Assumptions>;
