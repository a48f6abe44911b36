import type { Replica } from "../replica.ts";
import type { ServingRequest } from "../request-state.ts";

/**
 * A router: picks the replica (by position in `replicas`) that serves a request, when it arrives (or, disaggregated,
 * the decode replica its KV cache goes to). It may keep state (one router per pool and run). Contract: returns an
 * index in [0, replicas.length); deterministic; ties go to the lowest index.
 */
export interface Router {
  readonly name: string;
  /** `r`: the request when it exists (a hand-off); an arrival is routed before its request object is made */
  pick(replicas: readonly Replica[], r?: ServingRequest): number;
}

/** The index of the replica with the least `load` (ties: the lowest index). */
export function argmin(replicas: readonly Replica[], load: (r: Replica) => number): number {
  let best = 0;
  let bestLoad = load(replicas[0]);
  for (let i = 1; i < replicas.length; i++) {
    const l = load(replicas[i]);
    if (l < bestLoad) {
      best = i;
      bestLoad = l;
    }
  }
  return best;
}
