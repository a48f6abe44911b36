import { UserError } from "../../core/errors.ts";
import type { KernelCost } from "../cost-types.ts";
import type { LinkSpec } from "./schema.ts";

/**
 * Collectives among N participants (GPUs, or groups of PIM stacks) joined by one link each, as rings
 * (the NCCL algorithm for the message sizes of decoding). The buffer is `bytes` per participant: the
 * tensor being summed (all-reduce), the whole result being assembled (all-gather), or the whole input being
 * summed and scattered (reduce-scatter). Every step, every participant sends one chunk of bytes / N to its
 * ring neighbour over its own link (one message, one direction), and the steps run one after another:
 *
 *   time   = steps x (link.latencySec + (bytes / N) / link.bandwidthBytesPerSec)
 *   energy = every byte sent, by every participant: N x steps x (bytes / N) x 8 x link.energyPerBitJoules
 *
 * steps: all-reduce 2(N-1) (a reduce-scatter then an all-gather), all-gather N-1, reduce-scatter N-1.
 * Nothing to do for N <= 1 or no data. Pure, O(1), one allocation.
 */
export type CollectiveKind = "all-reduce" | "all-gather" | "reduce-scatter";

/** Ring steps of each collective kind for N participants (a new kind is one entry here). */
export const COLLECTIVE_STEPS = {
  "all-reduce": (n: number) => 2 * (n - 1),
  "all-gather": (n: number) => n - 1,
  "reduce-scatter": (n: number) => n - 1,
} as const satisfies Record<CollectiveKind, (numParticipants: number) => number>;

export function collectiveCost(link: LinkSpec, kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new UserError(`collective bytes must be a finite number >= 0, got ${bytes}`);
  if (!Number.isInteger(numParticipants) || numParticipants < 1) {
    throw new UserError(`collective numParticipants must be a positive integer, got ${numParticipants}`);
  }
  const n = numParticipants;
  if (n === 1 || bytes === 0) return { timeSec: 0, energyJoules: 0 };
  const steps = COLLECTIVE_STEPS[kind](n);
  const chunkBytes = bytes / n;
  return {
    timeSec: steps * (link.latencySec + chunkBytes / link.bandwidthBytesPerSec),
    energyJoules: n * steps * chunkBytes * 8 * link.energyPerBitJoules,
  };
}
