/**
 * The one cost record every device model returns for one kernel (or one transfer).
 * Systems add these up; nothing here knows about LLMs.
 */
export interface KernelCost {
  timeSec: number;
  energyJoules: number;
}

export const ZERO_COST: KernelCost = Object.freeze({ timeSec: 0, energyJoules: 0 });
