import { argmin, type Router } from "./router.ts";

/**
 * Least KV load: the replica whose KV cache is least full, counting the blocks its waiting requests' prompts will
 * need (a share of its capacity, so replicas of different sizes compare).
 */
export function makeLeastKvRouter(): Router {
  return {
    name: "least-kv",
    pick: (replicas) =>
      argmin(replicas, (r) => {
        let queued = 0;
        for (let i = 0; i < r.waiting.length; i++) queued += r.waiting.at(i).promptTokens;
        return r.kv.load + (queued * r.kv.bytesPerToken) / r.kv.capacityBytes;
      }),
  };
}
