/** Capacity and peak-rate helpers of a PIM design (re-exported from schema.ts for the systems layer). */
export {
  pimBanksPerDie, pimEnabledBanksPerChannel, pimEnabledBanksPerStack, pimPeakFlopsPerSec, pimStackCapacityBytes,
} from "./schema.ts";
