import type { SystemContext } from "../systems/build.ts";
import { fcPlacementTimeSec } from "./oracle.ts";

export interface AlphaCalibration {
  alpha: number;
  /** The sweep behind it: FC time per iteration on each unit for each token count. */
  sweep: { numTokens: number; gpuSec: number; pimSec: number }[];
}

/**
 * The paper's offline step (§5.3): run FC on the GPU and on FC-PIM across parallelism levels RLP x TLP = 1..max
 * and take the crossover. alpha is the largest token count at which FC-PIM is still at least as fast as
 * the GPU, so that the rule "RLP x TLP > alpha -> GPU" sends every level up to the crossover to PIM.
 */
export function calibrateAlpha(ctx: SystemContext, maxTokens = 512): AlphaCalibration {
  const sweep: AlphaCalibration["sweep"] = [];
  let alpha = 0;
  for (let m = 1; m <= maxTokens; m++) {
    const gpuSec = fcPlacementTimeSec(ctx, "gpu", m);
    const pimSec = fcPlacementTimeSec(ctx, "pim", m);
    sweep.push({ numTokens: m, gpuSec, pimSec });
    if (pimSec <= gpuSec) alpha = m;
  }
  return { alpha, sweep };
}

const cache = new WeakMap<SystemContext, number>();
/** Calibrated alpha for a system that may run FC on both units (memoized per context). */
export function calibratedAlpha(ctx: SystemContext): number {
  let a = cache.get(ctx);
  if (a === undefined) cache.set(ctx, (a = calibrateAlpha(ctx).alpha));
  return a;
}
