import { autoMapping } from "./auto.ts";
import { kSplit } from "./k-split.ts";
import { nSplit } from "./n-split.ts";
import type { PimFcMappingName } from "./names.ts";
import type { PimFcMapping } from "./types.ts";

export { PIM_FC_MAPPING_NAMES, type PimFcMappingName } from "./names.ts";
export type { PimFcCall, PimFcMapping, PimFcPlan, PimFcResource, PimFcShape } from "./types.ts";

/** FC mappings by the name a design's `fcMapping` field uses. A new mapping is one file plus one entry here. */
export const PIM_FC_MAPPINGS = {
  "n-split": nSplit,
  "k-split": kSplit,
  auto: autoMapping([nSplit, kSplit]),
} satisfies Record<PimFcMappingName, PimFcMapping>;
