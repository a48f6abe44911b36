import { fabricTransferCost } from "../fabric/cost.ts";
import type { LinkSpec } from "../hardware/links/schema.ts";
import type { SystemContext } from "../systems/build.ts";

export interface TransferCost {
  timeSec: number;
  energyJoules: number;
}

/**
 * Swapping `bytes` of KV between the KV unit and host memory (vLLM's swap preemption). ASSUMPTION: the bytes cross
 * the system's host fabric (each tensor-parallel group's PCIe link to the host CPU; every preset has one) and, where
 * the KV sits behind the attention fabrics (roles.attentionVia: attention PIM stacks), those too, one after the
 * other, one message per link each way. A system without a host fabric has no slower tier: swap is refused there.
 */
export function swapCost(ctx: SystemContext, bytes: number): TransferCost {
  const host = ctx.spec.fabrics.host;
  if (!host) return { timeSec: Infinity, energyJoules: 0 };
  let timeSec = 0;
  let energyJoules = 0;
  for (const f of [host, ...ctx.attentionVia]) {
    const c = fabricTransferCost(f, bytes, 1);
    timeSec += c.timeSec;
    energyJoules += c.energyJoules;
  }
  return { timeSec, energyJoules };
}

export const hasSwapTier = (ctx: SystemContext): boolean => ctx.spec.fabrics.host !== undefined;

/** The link a disaggregated run hands KV caches over: numLinks parallel links (one per tensor-parallel group). */
export interface HandOffLink {
  link: LinkSpec;
  numLinks: number;
}

/**
 * Moving one request's KV cache from its prefill replica to its decode replica (Splitwise §4.3, DistServe §4.3):
 * `bytes` = prompt tokens x KV bytes per token, spread over the link's parallel links (each tensor-parallel group
 * sends its shard), one message per layer and link (KV is produced and sent layer by layer):
 *   time = layers x latency + bytes / numLinks / bandwidth; energy = bytes x 8 x energy per bit.
 */
export function handOffCost(l: HandOffLink, bytes: number, numLayers: number): TransferCost {
  return {
    timeSec: numLayers * l.link.latencySec + bytes / l.numLinks / l.link.bandwidthBytesPerSec,
    energyJoules: bytes * 8 * l.link.energyPerBitJoules,
  };
}
