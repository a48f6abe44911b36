import type { FcUnit } from "../systems/schema.ts";

/** What the scheduler sees after each iteration: a read-only summary the serving loop fills in. */
export interface SchedulerSnapshot {
  /** Requests that will run in the next iteration (RLP). */
  numRequests: number;
  /** Tokens per request in the next iteration (TLP, the speculation length). */
  tokensPerRequest: number;
}

/** Decides, before every decode iteration, which unit runs the FC kernels. Must be cheap and pure. */
export interface FcPolicy {
  readonly name: string;
  /** The threshold alpha for policies that use one (NaN otherwise). */
  readonly alpha: number;
  decide(s: SchedulerSnapshot): FcUnit;
}

export const SCHEDULER_NAMES = ["papi", "oracle", "static-gpu", "static-pim"] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];
