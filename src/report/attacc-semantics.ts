import { resolvePimDesign } from "../hardware/pim/presets.ts";
import { pimMacIntervalSec } from "../hardware/pim/cost.ts";
import { SYSTEM_PRESETS } from "../systems/presets.ts";
import type { PointSpec } from "./experiments.ts";

/**
 * A joint probe of what the paper's simulator (built on AttAcc's) most likely assumed, where papi chose otherwise:
 * one batch of mean-length requests (AttAcc's `simulate(batch, lin, lout)`), PIM units that process one token per
 * all-bank MAC command (AttAcc's MACAB semantics: the FPU clock equal to the MAC command rate, so a weight read is
 * reused by the x FPUs of a bank only), and no GPU static power (AttAcc models none). Every other parameter stays as
 * documented. It is not a fit: nothing is searched, the three switches are set to AttAcc's semantics.
 */
export const ATTACC_SEMANTICS = [
  "one batch of mean-length requests (the equal-lengths protocol)",
  "PIM FPUs process one token per MAC command (FPU clock = MAC command rate)",
  "no GPU static power",
];

function oneTokenPerMac(design: unknown): { fpuClockHz: number } {
  // With reuse 1 the MAC interval is the command spacing (nCCDAB under the power limit); one FPU cycle per command.
  return { fpuClockHz: 1 / pimMacIntervalSec(resolvePimDesign(design), 1) };
}

/** A grid point switched to AttAcc's semantics (run it under the equal-lengths protocol). */
export function withAttaccSemantics(p: PointSpec): PointSpec {
  const s = SYSTEM_PRESETS[p.system];
  const hardware: Record<string, unknown> = {};
  if (s.fcStacks.design) hardware.fcPim = oneTokenPerMac(s.fcStacks.design);
  if (s.attnStacks.design && s.attnStacks.numStacks > 0) hardware.attnPim = oneTokenPerMac(s.attnStacks.design);
  if (s.gpu.numGpus > 0) hardware.gpu = { staticPowerWatts: 0 };
  return { ...p, hardware };
}
