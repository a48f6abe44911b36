/**
 * What the scheduler sees before each iteration: a read-only summary the serving loop fills in. For a decode-only
 * iteration numTokens = numRequests x tokensPerRequest (RLP x TLP); with prefill chunks in the iteration (chunked
 * prefill) numTokens also counts their prompt tokens, which run through the same FC kernels.
 */
export interface SchedulerSnapshot {
  /** Requests that will run in the next iteration (RLP). */
  numRequests: number;
  /** Tokens per decoding request in the next iteration (TLP, the speculation length). */
  tokensPerRequest: number;
  /** Tokens the iteration's FC kernels multiply: every request's new tokens. */
  numTokens: number;
}

/** Decides, before every iteration, which unit (by its name in the system) runs the FC kernels. Cheap and pure. */
export interface FcPolicy {
  readonly name: string;
  /** The threshold alpha for policies that use one (NaN otherwise). */
  readonly alpha: number;
  decide(s: SchedulerSnapshot): string;
}

export const SCHEDULER_NAMES = ["papi", "oracle", "static-gpu", "static-pim"] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];
