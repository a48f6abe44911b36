/** PIM kernel costs from DRAM commands: the entry point the systems layer uses. */
export type { PimKernelCost } from "./timing.ts";
export { pimMacCommandIntervalSec, pimMacCommandsPerColumn, pimMacIntervalSec, pimMacSpacingClocks } from "./timing.ts";
export { pimFcCost, type PimFcCost, type PimFcShape } from "./fc-cost.ts";
export { PIM_FC_MAPPINGS, PIM_FC_MAPPING_NAMES, type PimFcMappingName, type PimFcPlan, type PimFcResource } from "./fc-mapping/index.ts";
export { pimAttentionCost, pimAttentionDynamic, PimAttentionCounts, type PimAttentionShape } from "./attention-cost.ts";
export type { PimDynamicSplit } from "./timing.ts";
export { pimStackPowerWatts, pimEnergyBreakdownAtReuse, type PimPowerReport, type PimEnergyBreakdown } from "./power.ts";
export { maxBanksPerDie, pimPeakFlopsPerSec, pimStackCapacityBytes } from "./schema.ts";
