import { z } from "zod";
import { GB } from "../../core/units.ts";
import { UserError } from "../../core/errors.ts";
import type { PointState } from "../point-state.ts";
import { speculationPolicyOf } from "../../serving/run.ts";
import { maxTlp } from "../../serving/speculative.ts";
import type { RequestSpec } from "../../serving/trace.ts";
import type { Constraint } from "./types.ts";

const longestMemo = new WeakMap<readonly RequestSpec[], number>();
/** Tokens of the longest request (input + output), memoized per request list (shared across a sweep's points). */
function longestRequestTokens(requests: readonly RequestSpec[]): number {
  let n = longestMemo.get(requests);
  if (n === undefined) {
    n = 0;
    for (const r of requests) n = Math.max(n, r.inputTokens + r.outputTokens);
    longestMemo.set(requests, n);
  }
  return n;
}

/**
 * Capacity: the model's weights must fit the FC stacks (the system context refuses otherwise) and the longest request
 * of the trace must fit the KV cache with its speculation slack (input + output + max TLP tokens, the reservation
 * the simulator makes at admission; a request that cannot fit would stop the run).
 */
export const capacityConstraint: Constraint<Record<string, never>> = {
  name: "capacity",
  description: "weights fit the FC stacks; the trace's longest request fits the KV cache",
  options: z.object({}).strict(),
  check(point: PointState) {
    if ("error" in point.specOrError()) return null; // not resolvable: reported by area or as a config error
    let ctx;
    try {
      ctx = point.context();
    } catch (e) {
      if (e instanceof UserError) return e.message;
      throw e;
    }
    const longest = longestRequestTokens(point.requests()) + maxTlp(speculationPolicyOf(point.config.spec));
    const needBytes = longest * ctx.kvBytesPerToken;
    if (needBytes > ctx.kvCapacityBytes) {
      return `the longest request needs ${(needBytes / GB).toFixed(2)} GB of KV cache (${longest} tokens) but the system has ${(ctx.kvCapacityBytes / GB).toFixed(2)} GB`;
    }
    return null;
  },
};
