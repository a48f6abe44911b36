/**
 * What the PAPI paper states (He et al., ASPLOS 2025, §7; digest in PAPI.md §5): averages over 3 models x 9
 * grid points on Dolly creative-writing. Used only to print beside our numbers, never as a target of any fit.
 */
export interface StatedNumber {
  key: string;
  what: string;
  value: number;
  where: string;
}

export const PAPER_STATED: readonly StatedNumber[] = [
  { key: "fig8.speedupVs.a100-attacc", what: "PAPI speedup vs A100+AttAcc", value: 1.8, where: "§7.1, Fig. 8" },
  { key: "fig8.speedupVs.a100-hbmpim", what: "PAPI speedup vs A100+HBM-PIM", value: 1.9, where: "§7.1, Fig. 8" },
  { key: "fig8.speedupVs.attacc-only", what: "PAPI speedup vs AttAcc-only", value: 11.1, where: "§7.1, Fig. 8" },
  { key: "fig8.energyEfficiencyVs.a100-attacc", what: "PAPI energy efficiency vs A100+AttAcc", value: 3.4, where: "§7.1, Fig. 8" },
  { key: "fig8.energyEfficiencyVs.attacc-only", what: "PAPI energy efficiency vs AttAcc-only", value: 1.15, where: "§7.1, Fig. 8" },
];

/** Qualitative statements of the paper that the report checks one by one. */
export const PAPER_CLAIMS = {
  batch4: "at batch 4 AttAcc-only beats A100+AttAcc, then falls far behind as batch grows",
  papiBest: "PAPI is best at every batch size",
  specConverges: "as speculation length grows PAPI sends more FC to the GPU and converges to A100+AttAcc",
  attaccVsHbmpim: "A100+AttAcc ~ A100+HBM-PIM because attention is a small share of time",
  pimOnly: "PIM-only PAPI beats AttAcc-only, more so at higher parallelism",
  fig12: "FC dominates; FC-PIM speeds FC up; Attn-PIM (1P2B) is slower than AttAcc's 1P1B on attention; communication is visible",
} as const;
