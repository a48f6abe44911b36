import { z } from "zod";
import { LinkBlock } from "../hardware/links/presets.ts";
import { SystemBlock } from "../systems/presets.ts";
import { ROUTER_NAMES } from "./routers/index.ts";

/**
 * The serving knobs of a run config (`serving:`) and its SLO targets (`slo:`). Fields a policy does not use are
 * refused for it (checkServingFields), never silently dropped; the defaults below apply where a policy uses them.
 */
const int = (f: string, min: number, max: number, unit: string) =>
  z.number({ error: `${f} must be an integer in [${min}, ${max}] (${unit})` }).int(`${f} must be an integer in [${min}, ${max}] (${unit})`).min(min, `${f} must be >= ${min} (${unit})`).max(max, `${f} must be <= ${max} (${unit})`);

/** ASSUMPTION: bounds that keep a run a serving scenario, not a typo. */
export const MAX_BATCHED_TOKENS = 1_048_576;
export const MAX_BLOCK_TOKENS = 4096;
export const MAX_REPLICAS = 1024;
const MAX_SWAP_BYTES = 1e13;

export const SERVING_DEFAULTS = {
  // vLLM's default on A100-class GPUs for the OpenAI-compatible server (vllm/engine/arg_utils.py,
  // EngineArgs.get_batch_defaults: max_num_batched_tokens 2048 for GPUs below 70 GiB or named A100); its V0 scheduler
  // without chunked prefill used max(max_model_len, 2048) (vllm/config.py, SchedulerConfig).
  maxNumBatchedTokens: 2048,
  // vLLM's KV block size (vllm/config/cache.py, CacheConfig.block_size = 16 tokens on CUDA).
  kvBlockTokens: 16,
  // vLLM V1 preempts by recomputation only; V0 recomputed single-sequence requests by default.
  preemption: "recompute" as const,
  // vLLM's CPU swap space: 4 GiB per GPU (vllm/config/cache.py, CacheConfig.swap_space = 4).
  swapSpaceBytesPerGroup: 4 * 2 ** 30,
  replicas: 1,
  router: "round-robin" as const,
  // ASSUMPTION: Splitwise's and DistServe's prefill machines are GPUs: gpu-only (6 A100s) prefills by default.
  prefillSystem: "gpu-only",
  prefillReplicas: 1,
  // ASSUMPTION: KV caches move between pools over a 400 Gb/s-class NIC per tensor-parallel group (Splitwise §5:
  // InfiniBand between machines), taken as the PCIe 5.0 x16 link the NIC sits on (64 GB/s per direction).
  kvTransferLink: "pcie5",
};

export const ServingConfig = z
  .object({
    maxNumBatchedTokens: int("serving.maxNumBatchedTokens", 1, MAX_BATCHED_TOKENS, "tokens").optional()
      .describe(`tokens one iteration may run (vLLM's max_num_batched_tokens), tokens; continuous: prompts prefilled per iteration (a longer prompt runs alone); chunked: the token budget decodes and prompt chunks share; default ${SERVING_DEFAULTS.maxNumBatchedTokens} (vLLM's on A100)`),
    kvBlockTokens: int("serving.kvBlockTokens", 1, MAX_BLOCK_TOKENS, "tokens").optional().describe(`KV block size of paged policies, tokens; default ${SERVING_DEFAULTS.kvBlockTokens} (vLLM's)`),
    preemption: z.enum(["recompute", "swap"]).optional().describe("when KV blocks run out: recompute (free the victim's blocks, prefill it again later) or swap (copy them to host memory over the host fabric; recompute when host memory is full); default recompute (vLLM's)"),
    swapSpaceBytesPerGroup: z.number({ error: `serving.swapSpaceBytesPerGroup must be a number in [0, ${MAX_SWAP_BYTES}] (B)` }).min(0, `serving.swapSpaceBytesPerGroup must be >= 0 (B)`).max(MAX_SWAP_BYTES, `serving.swapSpaceBytesPerGroup must be <= ${MAX_SWAP_BYTES} (B)`).optional()
      .describe("host memory for swapped-out KV per tensor-parallel group, bytes; default 4 GiB (vLLM's swap_space)"),
    replicas: int("serving.replicas", 1, MAX_REPLICAS, "replicas").optional().describe("identical replicas of the system behind the router; default 1"),
    router: z.enum(ROUTER_NAMES).optional().describe(`which replica a request goes to: ${ROUTER_NAMES.join(", ")}; default round-robin`),
    prefillSystem: SystemBlock.field("disaggregated: the system of the prefill pool (a preset name, { preset, ...overrides } or a description); default gpu-only").optional(),
    prefillReplicas: int("serving.prefillReplicas", 1, MAX_REPLICAS, "replicas").optional().describe("disaggregated: replicas of the prefill system; default 1"),
    kvTransferLink: LinkBlock.field("disaggregated: the link a KV cache crosses from the prefill to the decode pool (a preset name or { preset, ...overrides }); default pcie5").optional(),
    kvTransferLinks: int("serving.kvTransferLinks", 1, 4096, "links").optional().describe("disaggregated: parallel links of the hand-off; default the prefill system's tensor-parallel groups"),
  })
  .strict()
  .describe("serving: token budget, KV blocks and preemption, replicas and router, prefill/decode disaggregation");
export type ServingConfig = z.output<typeof ServingConfig>;

const target = (f: string, max: number) =>
  z.number({ error: `${f} must be a number in (0, ${max}] (s)` }).gt(0, `${f} must be > 0 (s)`).max(max, `${f} must be <= ${max} (s)`);

export const SloConfig = z
  .object({
    ttftSec: target("slo.ttftSec", 3600).optional().describe("time-to-first-token target, seconds"),
    tpotSec: target("slo.tpotSec", 60).optional().describe("time-per-output-token target (after the first), seconds"),
  })
  .strict()
  .refine((s) => s.ttftSec !== undefined || s.tpotSec !== undefined, { message: "slo needs ttftSec, tpotSec or both" })
  .describe("service-level objectives: a request meets them when its TTFT and TPOT are at most these; goodput = such requests per second");
export type SloConfig = z.output<typeof SloConfig>;
