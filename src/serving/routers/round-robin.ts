import type { Router } from "./router.ts";

/** Round-robin: the i-th request goes to replica i mod N, whatever their load (vidur's and Splitwise's baseline). */
export function makeRoundRobinRouter(): Router {
  let next = 0;
  return {
    name: "round-robin",
    pick: (replicas) => {
      const i = next % replicas.length;
      next = i + 1;
      return i;
    },
  };
}
