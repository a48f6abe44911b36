// TEMPORARY (replaced by the collective registry in src/fabric/collectives/ when it lands): the ring of
// src/hardware/links/collective.ts and a bandwidth-only variant, behind the interface the registry will have.
import { z } from "zod";
import { collectiveCost, type CollectiveKind } from "../hardware/links/collective.ts";
import type { KernelCost } from "../hardware/cost-types.ts";
import type { LinkSpec } from "../hardware/links/schema.ts";
import { quantity, RANGES } from "../core/quantity.ts";

export const COLLECTIVE_ALGORITHM_NAMES = ["ring", "bandwidth-only"] as const;
export type CollectiveAlgorithmName = (typeof COLLECTIVE_ALGORITHM_NAMES)[number];
export const CollectiveSpec = z.strictObject({
  algorithm: z.enum(COLLECTIVE_ALGORITHM_NAMES).describe("collective algorithm"),
  messageLatencySec: quantity("per-message latency (overrides the link's)", "s", RANGES.latencySec).optional(),
});
export type CollectiveSpec = z.infer<typeof CollectiveSpec>;
export type { CollectiveKind };

export function collectiveAlgorithmCost(spec: CollectiveSpec, link: LinkSpec, kind: CollectiveKind, bytes: number, n: number): KernelCost {
  const l = spec.algorithm === "bandwidth-only" ? { ...link, latencySec: 0 } : spec.messageLatencySec === undefined ? link : { ...link, latencySec: spec.messageLatencySec };
  return collectiveCost(l, kind, bytes, n);
}
