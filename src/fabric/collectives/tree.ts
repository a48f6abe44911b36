import type { KernelCost } from "../../hardware/cost-types.ts";
import type { LinkSpec } from "../../hardware/links/schema.ts";
import { ring } from "./ring.ts";
import { type CollectiveAlgorithm, type CollectiveKind, nothingToSend, sentEnergyJoules } from "./types.ts";

/**
 * Double binary tree all-reduce (NCCL's tree algorithm, NCCL 2.4+; Sanders, Speck & Traff, "Two-tree algorithms
 * for full bandwidth broadcast, reduction and scan", Parallel Computing 35(12), 2009). Two complementary binary
 * trees of depth ceil(log2 N) each carry half the buffer: a reduce up each tree, then a broadcast down, pipelined
 * in chunks. A participant is interior in one tree and a leaf in the other, so it sends B / 2 up and B down
 * (two children x B / 2) in the interior tree plus B / 2 up as a leaf: 2 B in all, as NCCL's tuning model states
 * (src/graph/tuning.cc: tree algBw = busBw / 2, i.e. time = 2 B / busBw). Latency: one message per level, up and
 * down:
 *
 *   all-reduce  time = 2 ceil(log2 N) x alpha + 2 B / bandwidth,  bytes sent 2 (N - 1) B (every non-root
 *               participant sends B / 2 up and receives B / 2 down in each of the two trees)
 *
 * NCCL runs all-gather and reduce-scatter on rings only (tuning.cc skips every other algorithm for them), so
 * this entry prices those two kinds as `ring` does.
 */
function treeCost(link: LinkSpec, kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost {
  if (kind !== "all-reduce") return ring.cost(link, kind, bytes, numParticipants);
  if (nothingToSend(bytes, numParticipants)) return { timeSec: 0, energyJoules: 0 };
  const n = numParticipants;
  const depth = Math.ceil(Math.log2(n));
  return {
    timeSec: 2 * depth * link.latencySec + (2 * bytes) / link.bandwidthBytesPerSec,
    energyJoules: sentEnergyJoules(link, 2 * (n - 1) * bytes),
  };
}

export const tree: CollectiveAlgorithm = {
  name: "tree",
  description: "double binary tree all-reduce: 2 ceil(log2 N) messages, 2B per participant (all-gather, reduce-scatter: ring)",
  source: "NCCL 2.4 double binary trees (NVIDIA/nccl src/graph/tuning.cc); Sanders, Speck & Traff, Parallel Computing 35(12), 2009",
  cost: treeCost,
};
