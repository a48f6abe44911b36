import { defineRegistry } from "../../core/registry.ts";
import type { BatchingPolicy } from "./policy.ts";
import { makeContinuousV02Batching } from "./continuous-v02.ts";
import { makeStaticBatching } from "./static.ts";

/**
 * Batching policies by the name a run config's `batching` uses. Each entry makes the policy of every pool of a run:
 * `serve` for a system that prefills and decodes; a disaggregated entry also gives its `prefill` pool's policy (the
 * pool of `serve`'s replicas then only decodes). Add one: a file with the factory, one line here (docs/serving.md).
 */
export interface BatchingEntry {
  description: string;
  /** KV by reservation (whole sequence at admission) or paged blocks */
  kv: "reserve" | "paged";
  make(): { serve: BatchingPolicy; prefill?: BatchingPolicy };
}

export const BATCHING_NAMES = ["static", "continuous"] as const;
export type BatchingName = (typeof BATCHING_NAMES)[number];

export const BATCHING = defineRegistry<BatchingName, BatchingEntry>("batching policy", {
  static: { description: "the paper's: a batch starts together, prefills, and decodes until its last request ends", kv: "reserve", make: () => ({ serve: makeStaticBatching() }) },
  continuous: { description: "requests join every iteration", kv: "reserve", make: () => ({ serve: makeContinuousV02Batching() }) },
});
