import { UserError } from "../../core/errors.ts";
import type { KernelCost } from "../../hardware/cost-types.ts";
import type { CollectiveKind } from "../../hardware/links/collective.ts";
import type { LinkSpec } from "../../hardware/links/schema.ts";

export type { CollectiveKind };

/** The registered collective algorithms, in registry order (src/fabric/collectives/index.ts). */
export const COLLECTIVE_ALGORITHM_NAMES = ["ring", "one-shot", "tree", "in-switch", "bandwidth-only"] as const;
export type CollectiveAlgorithmName = (typeof COLLECTIVE_ALGORITHM_NAMES)[number];

/**
 * One way of running a collective among N participants, each joined to the others by one `link` (its own link
 * to a switch, or to its ring neighbour): an alpha-beta model, time = (number of messages one after another) x
 * link.latencySec + (bytes one participant sends or receives, whichever is more) / link.bandwidthBytesPerSec.
 *
 * Contract (test/fabric/collectives/contract.test.ts checks every entry):
 *  - zero time and energy for numParticipants = 1 or bytes = 0 (no message is sent);
 *  - time affine in link.latencySec and in 1 / link.bandwidthBytesPerSec (the collective fit relies on it);
 *  - time and energy non-decreasing in bytes; energy = bytes sent over links x 8 x link.energyPerBitJoules;
 *  - a UserError (one line) for bytes < 0, non-finite bytes or a participant count that is not a positive integer.
 */
export interface CollectiveAlgorithm {
  name: CollectiveAlgorithmName;
  /** One line: what the algorithm does. */
  description: string;
  /** Where the algorithm and its formula come from (document, section). */
  source: string;
  /**
   * One collective among n participants, `bytes` = each participant's buffer (the tensor summed for all-reduce,
   * the assembled result for all-gather, the summed input for reduce-scatter); time of the collective and the
   * energy of every byte sent over `link`.
   */
  cost(link: LinkSpec, kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost;
}

/**
 * Checks a collective's arguments (one-line UserError naming the bad one) and says whether there is nothing to
 * do: a single participant, or no data.
 */
export function nothingToSend(bytes: number, numParticipants: number): boolean {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new UserError(`collective bytes must be a finite number >= 0, got ${bytes}`);
  if (!Number.isInteger(numParticipants) || numParticipants < 1) {
    throw new UserError(`collective numParticipants must be a positive integer, got ${numParticipants}`);
  }
  return numParticipants === 1 || bytes === 0;
}

export const NO_COST: KernelCost = Object.freeze({ timeSec: 0, energyJoules: 0 });

/** Energy of `bytes` sent over links at link.energyPerBitJoules. */
export const sentEnergyJoules = (link: LinkSpec, bytes: number): number => bytes * 8 * link.energyPerBitJoules;
