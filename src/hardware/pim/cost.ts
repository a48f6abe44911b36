/** PIM kernel costs from DRAM commands: the entry point the systems layer uses. */
export type { PimKernelCost } from "./timing.ts";
export { pimMacIntervalSec } from "./timing.ts";
export { pimFcCost, type PimFcShape } from "./fc-cost.ts";
export { pimAttentionCost, type PimAttentionShape } from "./attention-cost.ts";
export { pimStackPowerWatts, pimEnergyBreakdownAtReuse, type PimPowerReport, type PimEnergyBreakdown } from "./power.ts";
export { maxBanksPerDie, pimPeakFlopsPerSec, pimStackCapacityBytes } from "./schema.ts";
