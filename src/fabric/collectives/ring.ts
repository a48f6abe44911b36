import type { KernelCost } from "../../hardware/cost-types.ts";
import type { LinkSpec } from "../../hardware/links/schema.ts";
import { type CollectiveAlgorithm, type CollectiveKind, nothingToSend } from "./types.ts";

/** Ring steps of each collective kind for N participants. */
const RING_STEPS = {
  "all-reduce": (n: number) => 2 * (n - 1),
  "all-gather": (n: number) => n - 1,
  "reduce-scatter": (n: number) => n - 1,
} as const satisfies Record<CollectiveKind, (numParticipants: number) => number>;

/**
 * Ring (NCCL's ring algorithm; Patarasuk & Yuan, "Bandwidth optimal all-reduce algorithms for clusters of
 * workstations", JPDC 2009). Every step, every participant sends one chunk of B / N to its ring neighbour (one
 * message, one direction), and the steps run one after another:
 *
 *   time   = steps x (alpha + (B / N) / bandwidth)
 *   energy = N x steps x (B / N) bytes sent x 8 x energyPerBit
 *
 * steps: all-reduce 2(N - 1) (a reduce-scatter then an all-gather), all-gather N - 1, reduce-scatter N - 1. The
 * same formula, in the same operation order, as src/hardware/links/collective.ts collectiveCost: results are
 * bit-identical (test/fabric/collectives/ring.test.ts), which the golden reproduction relies on.
 */
function ringCost(link: LinkSpec, kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost {
  if (nothingToSend(bytes, numParticipants)) return { timeSec: 0, energyJoules: 0 };
  const n = numParticipants;
  const steps = RING_STEPS[kind](n);
  const chunkBytes = bytes / n;
  return {
    timeSec: steps * (link.latencySec + chunkBytes / link.bandwidthBytesPerSec),
    energyJoules: n * steps * chunkBytes * 8 * link.energyPerBitJoules,
  };
}

export const ring: CollectiveAlgorithm = {
  name: "ring",
  description: "ring: 2(N-1) steps (all-reduce) or N-1 (all-gather, reduce-scatter), each one message of B/N to the neighbour",
  source: "NCCL ring algorithm; Patarasuk & Yuan, JPDC 69(2), 2009; NCCL src/graph/tuning.cc nsteps = 2(nRanks-1) for all-reduce",
  cost: ringCost,
};
