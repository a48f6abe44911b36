import type { SystemContext } from "../systems/build.ts";
import { UserError } from "../core/errors.ts";
import { fcPlacementTimeSec } from "./oracle.ts";

/**
 * The two units PAPI's threshold chooses between: roles.fc lists them in that order, the first (the GPUs) used
 * above alpha, the second (FC-PIM) at or below it. `gpuSec` / `pimSec` of the sweep are their FC times.
 */
export function thresholdUnits(ctx: SystemContext): { above: string; below: string } {
  if (ctx.fc.length !== 2) {
    throw new UserError(`alpha needs a system whose roles.fc names two units (the one used above alpha, then the one at or below it); ${ctx.spec.name} names ${ctx.fc.map((f) => f.unit.name).join(", ")}`);
  }
  return { above: ctx.fc[0].unit.name, below: ctx.fc[1].unit.name };
}

export interface AlphaCalibration {
  alpha: number;
  /** the threshold with the least total FC time over the sweep (for comparison; not used by the scheduler) */
  argminAlpha: number;
  /** The sweep behind it: FC time per iteration on each unit for each token count. */
  sweep: { numTokens: number; gpuSec: number; pimSec: number }[];
}

/**
 * The threshold of the rule "tokens > alpha -> GPU, else FC-PIM": the first crossover, i.e. the largest a such that
 * FC-PIM is at least as fast as the GPU at every token count 1..a (gpuSec[i], pimSec[i]: FC times at i + 1 tokens).
 *
 * Why not "the largest t at which FC-PIM wins" (the old rule) or the a that minimizes the swept total: GPU GEMM time
 * steps with tile waves (LLaMA-65B on 6 A100s: +3.2 ms from 64 to 68 tokens), so FC-PIM can win again past the first
 * crossover. A threshold reaching into that second region also sends the counts in between to the slower unit, and
 * faster FC-PIM hardware can then make a workload slower (1.5x FC-PIM data rate: alpha 36 -> 76 under the argmin
 * rule, and a batch of 16 x TLP 4 = 64 tokens runs 2 % slower). With the first crossover, faster FC-PIM only grows
 * the prefix where it wins: for t <= the old alpha both place FC on FC-PIM (now faster), between the old and new
 * alpha FC moves to FC-PIM, which now wins there, and above the new alpha nothing changes, so no iteration's FC
 * time grows. The cost: a second region where FC-PIM wins is left to the GPU (see argminAlpha). O(length).
 */
export function chooseAlpha(gpuSec: ArrayLike<number>, pimSec: ArrayLike<number>): number {
  let a = 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent (past the end, undefined <= undefined is false)
  while (a < gpuSec.length && pimSec[a] <= gpuSec[a]) a++;
  return a;
}

/**
 * The threshold with the least total FC time over the sweep (each token count weighted equally; ties: the smaller):
 *   total(a) = sum_{t <= a} pimSec[t - 1] + sum_{t > a} gpuSec[t - 1].
 * Reported beside chooseAlpha by `papi calibrate` so the two can be compared; not used by the scheduler because
 * it is not monotone in the hardware (see chooseAlpha).
 */
export function argminAlpha(gpuSec: ArrayLike<number>, pimSec: ArrayLike<number>): number {
  // total(a) - total(0): a constant offset changes no argmin, so the all-GPU total itself is never needed
  let delta = 0;
  let best = 0;
  let alpha = 0;
  for (let a = 1; a <= gpuSec.length; a++) {
    delta += pimSec[a - 1] - gpuSec[a - 1];
    if (delta < best) {
      best = delta;
      alpha = a;
    }
  }
  return alpha;
}

/**
 * The paper's offline step (§5.3): run FC on the GPU and on FC-PIM across parallelism levels RLP x TLP = 1..max
 * (FC kernels with the communication and host work each placement implies) and take the first crossover (chooseAlpha).
 */
export function calibrateAlpha(ctx: SystemContext, maxTokens = 512): AlphaCalibration {
  const { above, below } = thresholdUnits(ctx);
  const sweep: AlphaCalibration["sweep"] = [];
  for (let m = 1; m <= maxTokens; m++) {
    sweep.push({ numTokens: m, gpuSec: fcPlacementTimeSec(ctx, above, m), pimSec: fcPlacementTimeSec(ctx, below, m) });
  }
  const gpu = sweep.map((s) => s.gpuSec);
  const pim = sweep.map((s) => s.pimSec);
  return { alpha: chooseAlpha(gpu, pim), argminAlpha: argminAlpha(gpu, pim), sweep };
}

/**
 * calibrateAlpha(ctx, maxTokens).alpha without the rest of the sweep: chooseAlpha reads the swept times only up to
 * the first token count where FC-PIM is slower, so the sweep stops there. Same value, a fraction of the work (the
 * crossover lies at a few tens of tokens; the sweep goes to 512), and the FC cost memo tables of the context hold
 * only the token counts a run asks for. papi calibrate (which reports argminAlpha and the sweep) runs the whole sweep.
 */
export function firstCrossover(ctx: SystemContext, maxTokens = 512): number {
  const { above, below } = thresholdUnits(ctx);
  // the loop of chooseAlpha, with each pair of times computed (GPU first, as calibrateAlpha does) when it is read
  for (let m = 1; m <= maxTokens; m++) {
    const gpuSec = fcPlacementTimeSec(ctx, above, m);
    if (!(fcPlacementTimeSec(ctx, below, m) <= gpuSec)) return m - 1;
  }
  return maxTokens;
}

const cache = new WeakMap<SystemContext, number>();
/** Calibrated alpha for a system that may run FC on both units (memoized per context). */
export function calibratedAlpha(ctx: SystemContext): number {
  let a = cache.get(ctx);
  // Stryker disable next-line ConditionalExpression: equivalent (the memo only saves time; the value is the same)
  if (a === undefined) cache.set(ctx, (a = firstCrossover(ctx)));
  return a;
}
