import type { PimDesign } from "../hardware/pim/schema.ts";
import { pimConsts } from "../hardware/pim/timing.ts";
import type { SystemContext } from "./build.ts";

/**
 * Power every device draws whether or not it works: the GPUs' static power and, for every PIM stack (FC-PIM and
 * attention stacks alike), its background (static) power plus refresh power, which a DRAM pays busy or idle.
 * Kernel costs in systems/ are dynamic energy only; the serving loop charges this once over the whole run
 * (prefill, decoding, draft steps and idle gaps). Plain HBM stacks (the GPUs' memory) are inside the GPUs'
 * static power.
 */
export function pimIdlePowerWattsPerStack(d: PimDesign): number {
  return d.energy.backgroundPowerWattsPerStack + pimConsts(d).refreshWattsPerStack;
}

export interface StaticEnergy {
  gpuJoules: number;
  pimJoules: number;
}

export function staticPowerWatts(ctx: SystemContext): { gpuWatts: number; pimWatts: number } {
  const gpuWatts = ctx.gpu ? ctx.gpu.staticPowerWatts * ctx.spec.gpu.numGpus : 0;
  let pimWatts = 0;
  if (ctx.fcPim) pimWatts += pimIdlePowerWattsPerStack(ctx.fcPim) * ctx.spec.fcStacks.numStacks;
  if (ctx.attnPim) pimWatts += pimIdlePowerWattsPerStack(ctx.attnPim) * ctx.spec.attnStacks.numStacks;
  return { gpuWatts, pimWatts };
}

/** Static energy of the whole system over `timeSec`, by source. */
export function staticEnergyJoules(ctx: SystemContext, timeSec: number): StaticEnergy {
  const p = staticPowerWatts(ctx);
  return { gpuJoules: p.gpuWatts * timeSec, pimJoules: p.pimWatts * timeSec };
}
