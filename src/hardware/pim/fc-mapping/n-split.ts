import { tiledFcPlan } from "./tiled.ts";
import type { PimFcMapping } from "./types.ts";

/**
 * n-split: n over stacks, channels, pseudo-channels and bank groups; k over the banks of a group (AttAcc's
 * layout). No partial sums leave a bank group, but every pseudo-channel bus carries the whole m x k input,
 * so at system scale (thin n-slices per channel) the input broadcast binds once m grows.
 */
export const nSplit: PimFcMapping = {
  name: "n-split",
  description: "n over stacks, channels and bank groups; k over the banks of a group; every bus carries the whole input",
  plan: (design, call) => tiledFcPlan(design, call, 1, "n-split"),
};
