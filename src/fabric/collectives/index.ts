import { defineRegistry } from "../../core/registry.ts";
import { bandwidthOnly } from "./bandwidth-only.ts";
import { inSwitch } from "./in-switch.ts";
import { oneShot } from "./one-shot.ts";
import { ring } from "./ring.ts";
import { tree } from "./tree.ts";
import type { CollectiveAlgorithm, CollectiveAlgorithmName } from "./types.ts";

export { COLLECTIVE_ALGORITHM_NAMES, type CollectiveAlgorithm, type CollectiveAlgorithmName, type CollectiveKind } from "./types.ts";

/** Every collective algorithm by the name a config writes (one file each in this folder). */
export const COLLECTIVE_ALGORITHMS = defineRegistry("collective algorithm", {
  ring,
  "one-shot": oneShot,
  tree,
  "in-switch": inSwitch,
  "bandwidth-only": bandwidthOnly,
} satisfies Record<CollectiveAlgorithmName, CollectiveAlgorithm>);
