import type { SystemContext } from "./build.ts";

/**
 * Power every device draws whether or not it works, per unit: GPUs' static power and every PIM stack's background
 * (static) plus refresh power, which a DRAM pays busy or idle, each as the run's assumptions count it
 * (gpuStaticPower, pimRefreshEnergy). Kernel costs in systems/ are dynamic energy only; the serving loop charges
 * this once over the whole run (prefill, decoding, draft steps and idle gaps). Plain HBM stacks (the GPUs' memory)
 * are inside the GPUs' static power.
 */
export interface UnitIdlePower {
  unit: string;
  /** processors (GPUs) or memory-side devices (PIM, HBM): the two sources reports split static energy into */
  isProcessor: boolean;
  staticWatts: number;
  refreshWatts: number;
}

export function idlePowerByUnit(ctx: SystemContext): UnitIdlePower[] {
  return Object.values(ctx.units).map((u) => {
    const p = u.idlePowerWattsPerDevice();
    return { unit: u.name, isProcessor: u.isProcessor, staticWatts: p.staticWatts * u.numDevices, refreshWatts: p.refreshWatts * u.numDevices };
  });
}

export function staticPowerWatts(ctx: SystemContext): { gpuWatts: number; pimWatts: number } {
  let gpuWatts = 0;
  let pimWatts = 0;
  for (const p of idlePowerByUnit(ctx)) {
    if (p.isProcessor) gpuWatts += p.staticWatts + p.refreshWatts;
    else pimWatts += p.staticWatts + p.refreshWatts;
  }
  return { gpuWatts, pimWatts };
}

export interface StaticEnergy {
  gpuJoules: number;
  pimJoules: number;
}

/** Static energy of the whole system over `timeSec`, by source. */
export function staticEnergyJoules(ctx: SystemContext, timeSec: number): StaticEnergy {
  const p = staticPowerWatts(ctx);
  return { gpuJoules: p.gpuWatts * timeSec, pimJoules: p.pimWatts * timeSec };
}
