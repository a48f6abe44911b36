import type { SystemContext } from "../systems/build.ts";
import { fcPlacementTimeSec } from "./oracle.ts";

export interface AlphaCalibration {
  alpha: number;
  /** The sweep behind it: FC time per iteration on each unit for each token count. */
  sweep: { numTokens: number; gpuSec: number; pimSec: number }[];
}

/**
 * The threshold that makes the rule "tokens > alpha -> GPU, else FC-PIM" cheapest over a sweep: with
 * gpuSec[i], pimSec[i] the FC times at i + 1 tokens, the rule at threshold a costs
 *   total(a) = sum_{t <= a} pimSec[t - 1] + sum_{t > a} gpuSec[t - 1],   a = 0 .. length,
 * and alpha = argmin total (the smallest a on ties). Unlike "the largest t at which FC-PIM still wins", one
 * stray point where FC-PIM wins past the crossover cannot drag alpha over a range where the GPU is faster.
 * O(length), no allocation.
 */
export function chooseAlpha(gpuSec: ArrayLike<number>, pimSec: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < gpuSec.length; i++) total += gpuSec[i]; // a = 0: everything on the GPU
  let best = total;
  let alpha = 0;
  for (let a = 1; a <= gpuSec.length; a++) {
    total += pimSec[a - 1] - gpuSec[a - 1];
    if (total < best) {
      best = total;
      alpha = a;
    }
  }
  return alpha;
}

/**
 * The paper's offline step (§5.3): run FC on the GPU and on FC-PIM across parallelism levels RLP x TLP = 1..max
 * (FC kernels with the communication and host work each placement implies) and pick alpha by chooseAlpha.
 */
export function calibrateAlpha(ctx: SystemContext, maxTokens = 512): AlphaCalibration {
  const sweep: AlphaCalibration["sweep"] = [];
  for (let m = 1; m <= maxTokens; m++) {
    sweep.push({ numTokens: m, gpuSec: fcPlacementTimeSec(ctx, "gpu", m), pimSec: fcPlacementTimeSec(ctx, "pim", m) });
  }
  return { alpha: chooseAlpha(sweep.map((s) => s.gpuSec), sweep.map((s) => s.pimSec)), sweep };
}

const cache = new WeakMap<SystemContext, number>();
/** Calibrated alpha for a system that may run FC on both units (memoized per context). */
export function calibratedAlpha(ctx: SystemContext): number {
  let a = cache.get(ctx);
  if (a === undefined) cache.set(ctx, (a = calibrateAlpha(ctx).alpha));
  return a;
}
