import type { KernelCost } from "../../hardware/cost-types.ts";
import type { LinkSpec } from "../../hardware/links/schema.ts";
import { type CollectiveAlgorithm, type CollectiveKind, nothingToSend, sentEnergyJoules } from "./types.ts";

/**
 * In-switch reduction and multicast (NVLink SHARP / NCCL's NVLS algorithm on NVSwitch 3; Klenk et al., "An
 * In-Network Architecture for Accelerating Shared-Memory Multiprocessor Collectives", ISCA 2020). Each participant
 * sends its data once to the switch, which reduces it and multicasts the result; `link` is one participant's
 * link to the switch (up and down directions run concurrently, chunks pipelined):
 *
 *   reduce-scatter  up: the N - 1 chunks of B / N meant for the others; down: its reduced chunk B / N
 *                   time = alpha + (N - 1) (B / N) / bandwidth,  bytes over links N B
 *   all-gather      up: its shard B / N, multicast to all; down: the N - 1 other shards
 *                   time = alpha + (N - 1) (B / N) / bandwidth,  bytes over links N B
 *   all-reduce      the two, pipelined: B up and B down per participant, two hops (reduce, then multicast)
 *                   time = 2 alpha + B / bandwidth,              bytes over links 2 N B
 *
 * Energy counts both hops (participant to switch, switch to participant), unlike `ring`, whose messages are
 * counted once from sender to receiver.
 */
function inSwitchCost(link: LinkSpec, kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost {
  if (nothingToSend(bytes, numParticipants)) return { timeSec: 0, energyJoules: 0 };
  const n = numParticipants;
  if (kind === "all-reduce") {
    return { timeSec: 2 * link.latencySec + bytes / link.bandwidthBytesPerSec, energyJoules: sentEnergyJoules(link, 2 * n * bytes) };
  }
  return {
    timeSec: link.latencySec + ((n - 1) * (bytes / n)) / link.bandwidthBytesPerSec,
    energyJoules: sentEnergyJoules(link, n * bytes),
  };
}

export const inSwitch: CollectiveAlgorithm = {
  name: "in-switch",
  description: "in-switch (NVLink SHARP): each participant sends its data once, the switch reduces and multicasts; all-reduce 2 hops, B per direction",
  source: "NVIDIA H100 whitepaper (NVLink SHARP in NVSwitch 3); NCCL NVLS algorithm (2.17+); Klenk et al., ISCA 2020",
  cost: inSwitchCost,
};
