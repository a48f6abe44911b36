import type { KernelCost } from "../hardware/cost-types.ts";
import { collectiveSpecCost } from "./collective-spec.ts";
import type { CollectiveKind } from "./collectives/index.ts";
import type { Fabric } from "./schema.ts";
import { TOPOLOGIES } from "./topologies/index.ts";

/** Latency of one message on the fabric: the topology's end-to-end latency, or 0 for bandwidth-only transfers. */
export function fabricMessageLatencySec(f: Fabric): number {
  return f.transfers === "bandwidth-only" ? 0 : TOPOLOGIES.get(f.topology).messageLatencySec(f.link, f.switchLatencySec);
}

/**
 * `totalBytes` spread evenly over the fabric's numLinks links, `numMessagesPerLink` messages on each, the links in
 * parallel: time = messages x latency + (totalBytes / numLinks) / bandwidth; energy = every byte, every link.
 */
export function fabricTransferCost(f: Fabric, totalBytes: number, numMessagesPerLink: number): KernelCost {
  const perLinkBytes = totalBytes / f.numLinks;
  return {
    timeSec: fabricMessageLatencySec(f) * numMessagesPerLink + perLinkBytes / f.link.bandwidthBytesPerSec,
    energyJoules: totalBytes * 8 * f.link.energyPerBitJoules,
  };
}

/** The part of a transfer's time spent moving bytes (no latency): what a bandwidth what-if scales. */
export function fabricBandwidthSec(f: Fabric, totalBytes: number): number {
  return totalBytes / f.numLinks / f.link.bandwidthBytesPerSec;
}

/**
 * A collective among `numParticipants` endpoints, each with a `bytes` buffer, by the fabric's collective algorithm;
 * the message latency is the topology's (a collective spec's messageLatencySec overrides it; see collective-spec.ts).
 */
export function fabricCollectiveCost(f: Fabric, kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost {
  const latencySec = TOPOLOGIES.get(f.topology).messageLatencySec(f.link, f.switchLatencySec);
  const link = latencySec === f.link.latencySec ? f.link : { ...f.link, latencySec };
  return collectiveSpecCost(f.collective, link, kind, bytes, numParticipants);
}
