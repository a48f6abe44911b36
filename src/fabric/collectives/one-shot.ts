import type { KernelCost } from "../../hardware/cost-types.ts";
import type { LinkSpec } from "../../hardware/links/schema.ts";
import { type CollectiveAlgorithm, type CollectiveKind, nothingToSend, sentEnergyJoules } from "./types.ts";

/**
 * One-shot: every participant exchanges data with every other one directly, in a single step, over its own link
 * (to the NVSwitch; a pull by the receiver moves the same bytes as a push), then reduces locally:
 *
 *   all-reduce      every participant sends its whole buffer to each of the N - 1 others:
 *                   time = alpha + (N - 1) B / bandwidth,        bytes sent N (N - 1) B
 *   all-gather      every participant sends its shard B / N to each of the others:
 *                   time = alpha + (N - 1) (B / N) / bandwidth,  bytes sent (N - 1) B
 *   reduce-scatter  every participant sends each other one that one's chunk B / N: as all-gather
 *
 * One message latency instead of the ring's 2(N - 1), at N / 2 times the ring's all-reduce traffic: the choice of
 * vLLM's custom all-reduce, PyTorch's intra-node one-shot kernel and MSCCL++'s LL all-reduce for small messages.
 */
function oneShotCost(link: LinkSpec, kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost {
  if (nothingToSend(bytes, numParticipants)) return { timeSec: 0, energyJoules: 0 };
  const n = numParticipants;
  const perPeerBytes = kind === "all-reduce" ? bytes : bytes / n;
  const sentPerParticipant = (n - 1) * perPeerBytes;
  return {
    timeSec: link.latencySec + sentPerParticipant / link.bandwidthBytesPerSec,
    energyJoules: sentEnergyJoules(link, n * sentPerParticipant),
  };
}

export const oneShot: CollectiveAlgorithm = {
  name: "one-shot",
  description: "one-shot: one step, every participant sends its buffer (all-reduce) or its shard to every other one directly",
  source:
    "vLLM custom all-reduce (vllm-project/vllm PR #2192, csrc/custom_all_reduce.cuh, 1-stage kernel); PyTorch PR #114001 " +
    "(one-shot: all ranks read and accumulate the other ranks' data); MSCCL++ LL all-reduce (vLLM PR #41307)",
  cost: oneShotCost,
};
