import { defineRegistry } from "../../core/registry.ts";
import type { BatchingPolicy } from "./policy.ts";
import { makeChunkedBatching } from "./chunked.ts";
import { makeContinuousBatching } from "./continuous.ts";
import { makeContinuousV02Batching } from "./continuous-v02.ts";
import { makeDisaggregatedBatching } from "./disaggregated.ts";
import type { ServingConfig } from "../serving-config.ts";
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
  /** the `serving` fields it reads (any other is refused for it; replicas and router apply to every policy) */
  fields: readonly (keyof ServingConfig)[];
}

const PAGED = ["maxNumBatchedTokens", "kvBlockTokens", "preemption", "swapSpaceBytesPerGroup", "replicas", "router"] as const;

export const BATCHING_NAMES = ["static", "continuous", "chunked", "disaggregated", "continuous-v02"] as const;
export type BatchingName = (typeof BATCHING_NAMES)[number];

export const BATCHING = defineRegistry<BatchingName, BatchingEntry>("batching policy", {
  static: {
    description: "the paper's: a batch starts together, prefills, and decodes until its last request ends",
    kv: "reserve", fields: ["replicas", "router"], make: () => ({ serve: makeStaticBatching() }),
  },
  continuous: {
    description: "vLLM's scheduler: prompts prefilled first within max_num_seqs and max_num_batched_tokens, else every running request decodes; paged KV with preemption",
    kv: "paged", fields: PAGED, make: () => ({ serve: makeContinuousBatching() }),
  },
  chunked: {
    description: "Sarathi-Serve's chunked prefill: decodes and prompt chunks share each iteration's token budget; paged KV with preemption",
    kv: "paged", fields: PAGED, make: () => ({ serve: makeChunkedBatching() }),
  },
  disaggregated: {
    description: "Splitwise/DistServe: a prefill pool (serving.prefillSystem) hands each KV cache to the decode pool (the run's system)",
    kv: "paged", fields: ["maxNumBatchedTokens", "kvBlockTokens", "replicas", "router", "prefillSystem", "prefillReplicas", "kvTransferLink", "kvTransferLinks"],
    make: () => makeDisaggregatedBatching(),
  },
  "continuous-v02": {
    description: "papi 0.2's continuous batching: every waiting request that fits is prefilled (no token cap), then a decode; KV reserved per request",
    kv: "reserve", fields: ["replicas", "router"], make: () => ({ serve: makeContinuousV02Batching() }),
  },
});
