import { defineRegistry } from "../../core/registry.ts";
import { makeLeastKvRouter } from "./least-kv.ts";
import { makeLeastOutstandingRouter } from "./least-outstanding.ts";
import { makeRoundRobinRouter } from "./round-robin.ts";
import type { Router } from "./router.ts";

export const ROUTER_NAMES = ["round-robin", "least-outstanding", "least-kv"] as const;
export type RouterName = (typeof ROUTER_NAMES)[number];

/** Routers by the name a run config's `serving.router` uses; each factory makes a fresh (stateful) router. */
export const ROUTERS = defineRegistry("router", {
  "round-robin": makeRoundRobinRouter,
  "least-outstanding": makeLeastOutstandingRouter,
  "least-kv": makeLeastKvRouter,
} satisfies Record<RouterName, () => Router>);
