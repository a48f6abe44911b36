import { defineRegistry } from "../../core/registry.ts";
import { pointToPoint } from "./point-to-point.ts";
import { switchTopology } from "./switch.ts";
import type { Topology } from "./types.ts";

export type { Topology } from "./types.ts";
export const TOPOLOGY_NAMES = ["point-to-point", "switch"] as const;
export type TopologyName = (typeof TOPOLOGY_NAMES)[number];

/** Fabric topologies by the name a fabric's `topology` field uses. */
export const TOPOLOGIES = defineRegistry("topology", {
  "point-to-point": pointToPoint,
  switch: switchTopology,
} satisfies Record<TopologyName, Topology>);
