import { z } from "zod";
import { hbmBanksPerStack } from "../../hardware/pim/hbm.ts";
import { PAPER_PIM_AREA, pimBanksPerDie, pimFpusPerBank, type PimDesign } from "../../hardware/pim/schema.ts";
import { roleDevices } from "../../systems/devices.ts";
import type { SystemSpec } from "../../systems/schema.ts";
import type { Constraint } from "./types.ts";

/** Die area one PIM design uses by the paper's area rule: m banks x (n FPUs per bank x A_FPU + A_bank). */
export function pimDieAreaMm2(d: PimDesign): number {
  return pimBanksPerDie(d) * (pimFpusPerBank(d) * d.area.fpuAreaMm2 + d.area.bankAreaMm2);
}

/**
 * DRAM-die area of every HBM stack of a system by the same rule (plain stacks: n = 0 with the paper's bank area):
 * sum over stacks of dies x die area. The silicon a design spends; an objective of the design-space study.
 */
export function systemHbmAreaMm2(spec: SystemSpec): number {
  const d = roleDevices(spec);
  const plainDie = (d.hbm.org.numDies === 0 ? 0 : hbmBanksPerStack(d.hbm.org) / d.hbm.org.numDies) * PAPER_PIM_AREA.bankAreaMm2;
  const fc = d.fcPim;
  const fcArea = d.numFcStacks * (fc ? fc.hbm.org.numDies * pimDieAreaMm2(fc) : d.hbm.org.numDies * plainDie);
  const at = d.attnPim;
  const attnArea = at ? d.numAttnStacks * at.hbm.org.numDies * pimDieAreaMm2(at) : 0;
  return fcArea + attnArea;
}

/**
 * The area rule (PAPI §4.2, CACTI-3DD at 22 nm): the FPUs of a design must fit its HBM die, m (n A_FPU + A_bank) <=
 * A_max. Resolving a PIM design already rejects designs that break it (src/hardware/pim/schema.ts); this constraint
 * reports that rejection as the reason. A point whose design fails to resolve for another reason stays a config error.
 */
export const areaConstraint: Constraint<Record<string, never>> = {
  name: "area",
  description: "PIM FPUs must fit the HBM die (the paper's area rule); the resolver's message is the reason",
  options: z.object({}).strict(),
  check(point) {
    const r = point.specOrError();
    if ("spec" in r) return null;
    // the error is the area rule's exactly when lifting the area limit makes the design resolve
    return point.relaxedSpec() === undefined ? null : r.error.message;
  },
};
