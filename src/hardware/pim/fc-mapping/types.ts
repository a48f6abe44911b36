import type { PimDesign } from "../schema.ts";
import type { PimFcMappingName } from "./names.ts";

/** One FC call y[m x n] = x[m x k] W[k x n] on `numStacks` PIM stacks (what callers pass to pimFcCost). */
export interface PimFcShape {
  /** tokens multiplied by the weights in this call (RLP x TLP): the reuse of every weight read */
  m: number;
  /** input features (reduction dimension) */
  k: number;
  /** output features */
  n: number;
  numStacks: number;
  dtypeBytes?: number;
}

/** A shape after validation (pimFcCost checks it once; mappings trust it). */
export type PimFcCall = Required<PimFcShape>;

/** The resource that sets a plan's time (the largest of the overlapped terms). */
export type PimFcResource = "bank-array" | "input-bus" | "output-bus" | "buffer-die-adder";

/**
 * One way of running an FC call: its time, the resource that binds it and the counts its energy comes from.
 * Plain numbers only (a plan is built per candidate, so it stays small).
 */
export interface PimFcPlan {
  /** the concrete mapping (never "auto") */
  mapping: Exclude<PimFcMappingName, "auto">;
  /** k slices per stack whose partial sums are added on the buffer die (1 = none) */
  kSplit: number;
  timeSec: number;
  bindingResource: PimFcResource;
  /** busy time of each resource on the critical channel (the time overlaps them; see tiled.ts) */
  arraySec: number;
  inputBusSec: number;
  outputBusSec: number;
  reductionSec: number;
  usedStacks: number;
  /** channels that stream weights (all channels of the used stacks) */
  numChannels: number;
  bankRowActivations: number;
  /** column reads from the arrays: once per column position and bank (held while its tokens cycle) */
  columnReads: number;
  rowsPerChannel: number;
  macCommandsPerChannel: number;
  transferBytesIn: number;
  transferBytesOut: number;
  wrgbCommands: number;
  rdoutCommands: number;
  reductionAdds: number;
}

/** An FC mapping strategy, registered by name in fc-mapping/index.ts. */
export interface PimFcMapping {
  name: PimFcMappingName;
  description: string;
  /** The plan for this call, or null when the mapping cannot lay the call out on this design. */
  plan(design: PimDesign, call: PimFcCall): PimFcPlan | null;
}
