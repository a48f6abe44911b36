import { argmin, type Router } from "./router.ts";

/** Least outstanding requests: the replica with the fewest requests routed to it and not yet finished (vidur's "lor"). */
export function makeLeastOutstandingRouter(): Router {
  return { name: "least-outstanding", pick: (replicas) => argmin(replicas, (r) => r.outstanding) };
}
