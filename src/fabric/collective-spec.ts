import { z } from "zod";
import { defineBlock, resolveBlock } from "../core/blocks.ts";
import { quantity, RANGES } from "../core/quantity.ts";
import type { KernelCost } from "../hardware/cost-types.ts";
import type { LinkSpec } from "../hardware/links/schema.ts";
import { COLLECTIVE_ALGORITHMS, COLLECTIVE_ALGORITHM_NAMES, type CollectiveKind } from "./collectives/index.ts";
import { nothingToSend } from "./collectives/types.ts";

/**
 * How a fabric runs its collectives: an algorithm from the registry (src/fabric/collectives/) plus the regime it
 * runs in. The link keeps its own bandwidth, latency and energy (src/hardware/links); the spec may override the
 * latency of one message, add a fixed cost per call and derate the bandwidth:
 *
 *   time   = callOverheadSec + algorithm.cost(link with latencySec = messageLatencySec ?? link.latencySec and
 *            bandwidthBytesPerSec = link.bandwidthBytesPerSec x bandwidthEfficiency).timeSec
 *   energy = algorithm.cost(...).energyJoules (the bytes sent do not depend on the regime)
 *
 * A collective with nothing to send (one participant, or no data) costs nothing, call overhead included.
 */
export const CollectiveSpec = z
  .object({
    algorithm: z
      .enum(COLLECTIVE_ALGORITHM_NAMES, { error: `must be one of ${COLLECTIVE_ALGORITHM_NAMES.join(", ")}` })
      .describe(`collective algorithm: ${COLLECTIVE_ALGORITHM_NAMES.join(", ")}`),
    messageLatencySec: quantity("fixed cost of one message (overrides the link's latencySec)", "s", RANGES.latencySec).optional(),
    callOverheadSec: quantity("fixed cost of one collective call (kernel start, synchronization)", "s", RANGES.latencySec).optional(),
    bandwidthEfficiency: quantity("fraction of the link's bandwidth the collective achieves (protocol overhead)", "fraction", RANGES.fraction).optional(),
  })
  .strict();
export type CollectiveSpec = z.infer<typeof CollectiveSpec>;

/** A named regime: what it bundles, what it describes, and where its numbers come from. */
export interface CollectivePreset {
  spec: CollectiveSpec;
  description: string;
  source: string;
}

/**
 * Collective presets. Each describes one measured or published regime; numbers and their sources:
 *  - attacc-a100: AttAcc's A100 fit (scale-snu/attacc_simulator src/devices.py get_nvlink_time: an all-reduce over N
 *    GPUs takes (N - 1) x (6,060 ns + ...)); a ring sends 2(N - 1) messages, so 3.03 us each. papi's default.
 *  - nccl-eager-a100 / nccl-eager-h100: fitted by src/systems/fit-vidur-collectives.ts to Vidur's NCCL all-reduce
 *    kernel times (data/measurements/vidur-profiles/network/{a100_dgx,h100_dgx}/all_reduce.csv, the rows within one
 *    node; eager calls, CUDA graphs disabled) on nvlink3 / nvlink4; test/systems/fit-vidur-collectives.test.ts
 *    refits and requires these values. docs/gpu-validation.md, "Collectives", has the errors.
 *  - nccl-graph: NCCL's own cost model for its ring/LL protocol on NVLink (NVIDIA/nccl src/graph/tuning.cc at
 *    01afd20: baseLat Ring/LL 3.6 us per call, hwLat NVLink Ring/LL 0.47 us per step), which prices the GPU-side
 *    time without host launches, as a CUDA graph replays it; bandwidth: NCCL reaches ~370 of NVLink 4's 450 GB/s
 *    per direction after protocol overhead (S. Jeaugey, NVIDIA/nccl-tests issue #212: "effective NVLink bandwidth
 *    of 370GB/s"), 0.82.
 *  - one-shot-custom: vLLM's custom one-shot all-reduce at its smallest message on 8 H100s, 10.1 us (and 9.5 / 9.1
 *    us on 2 / 4), measured without CUDA graphs (sgl-project/sglang PR #2904, "unit test performance in H100");
 *    the same thread measures 5.9 us for a TensorRT-LLM-derived kernel, so the regime spans about 6-10 us.
 */
export const COLLECTIVE_PRESETS: Readonly<Record<string, CollectivePreset>> = Object.freeze({
  "attacc-a100": {
    spec: { algorithm: "ring", messageLatencySec: 3.03e-6 },
    description: "ring, 3.03 us per message: AttAcc's fit of A100 NVLink all-reduces (papi's default)",
    source: "AttAcc simulator src/devices.py get_nvlink_time: (N-1) x 6.06 us = 2(N-1) ring messages x 3.03 us",
  },
  "nccl-eager-a100": {
    // fitted (3 significant digits): ring fits best of the five algorithms (mean squared relative error 0.032)
    spec: { algorithm: "ring", messageLatencySec: 0.436e-6, callOverheadSec: 30.8e-6, bandwidthEfficiency: 0.513 },
    description: "eager NCCL all-reduce on a DGX A100 (NVLink 3): fitted to Vidur's a100_dgx all_reduce.csv",
    source: "fitted: data/measurements/vidur-profiles/network/a100_dgx/all_reduce.csv (src/systems/fit-vidur-collectives.ts)",
  },
  "nccl-eager-h100": {
    // fitted (3 significant digits): ring fits best of the five algorithms (mean squared relative error 0.033)
    spec: { algorithm: "ring", messageLatencySec: 0.789e-6, callOverheadSec: 18.3e-6, bandwidthEfficiency: 0.73 },
    description: "eager NCCL all-reduce on a DGX H100 (NVLink 4): fitted to Vidur's h100_dgx all_reduce.csv",
    source: "fitted: data/measurements/vidur-profiles/network/h100_dgx/all_reduce.csv (src/systems/fit-vidur-collectives.ts)",
  },
  "nccl-graph": {
    spec: { algorithm: "ring", messageLatencySec: 0.47e-6, callOverheadSec: 3.6e-6, bandwidthEfficiency: 0.82 },
    description: "NCCL ring (LL protocol latency) inside a CUDA graph: NCCL's own tuning model on NVLink",
    source: "NVIDIA/nccl src/graph/tuning.cc (baseLat Ring/LL 3.6 us, hwLat NVLink Ring/LL 0.47 us); NVIDIA/nccl-tests #212 (370 of 450 GB/s)",
  },
  "one-shot-custom": {
    spec: { algorithm: "one-shot", messageLatencySec: 10.1e-6 },
    description: "one-shot custom all-reduce kernel (vLLM's) for small messages: 10.1 us on 8 H100s",
    source: "sgl-project/sglang PR #2904: vLLM custom all-reduce, tp 2/4/8, smallest size: 9.5/9.1/10.1 us (H100, no CUDA graph)",
  },
} satisfies Record<string, CollectivePreset>);

/** The collective a fabric uses today (papi's default): AttAcc's A100 ring. */
export const DEFAULT_COLLECTIVE_PRESET = "attacc-a100";

/** A collective block of a config: a preset name, `{ preset, ...overrides }`, or a full spec. */
export const CollectiveBlock = defineBlock<CollectiveSpec>("collective", CollectiveSpec, () =>
  Object.fromEntries(Object.entries(COLLECTIVE_PRESETS).map(([k, p]) => [k, p.spec])),
);

/** A collective spec by preset name or block value; one-line UserError on bad input. */
export function resolveCollective(value: unknown, base?: unknown, path = "collective"): CollectiveSpec {
  return resolveBlock(CollectiveBlock, value, base, path);
}

/** The link as the spec's regime sees it (the same object when the spec overrides nothing). */
export function effectiveLink(spec: CollectiveSpec, link: LinkSpec): LinkSpec {
  if (spec.messageLatencySec === undefined && spec.bandwidthEfficiency === undefined) return link;
  return {
    ...link,
    latencySec: spec.messageLatencySec ?? link.latencySec,
    bandwidthBytesPerSec: link.bandwidthBytesPerSec * (spec.bandwidthEfficiency ?? 1),
  };
}

/** One collective of `kind` among numParticipants over `link`, run as `spec` says (see CollectiveSpec). */
export function collectiveSpecCost(spec: CollectiveSpec, link: LinkSpec, kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost {
  if (nothingToSend(bytes, numParticipants)) return { timeSec: 0, energyJoules: 0 };
  const c = COLLECTIVE_ALGORITHMS.get(spec.algorithm).cost(effectiveLink(spec, link), kind, bytes, numParticipants);
  return spec.callOverheadSec === undefined ? c : { timeSec: spec.callOverheadSec + c.timeSec, energyJoules: c.energyJoules };
}
