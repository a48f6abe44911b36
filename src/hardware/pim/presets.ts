import { defineBlock, parseBlock, resolveBlock } from "../../core/blocks.ts";
import { GiB } from "../../core/units.ts";
import { PimDesign, type PimDesignInput } from "./schema.ts";
import { lazyRecord } from "../../core/lazy-record.ts";

/**
 * PIM design presets. Sources:
 * - [PAPI] He et al., ASPLOS 2025: FC-PIM 4P1B with 3 of 4 bank groups (96 banks per die, 12 GB),
 *   Attn-PIM 1P2B 16 GB, baselines AttAcc 1P1B and Samsung HBM-PIM 1P2B; the FPU clock of 666 MHz.
 * - [AttAcc] scale-snu/attacc_simulator: 16 FP16 multipliers per bank unit (gen_trace_attacc_bank.py,
 *   n_mac = 16), softmax command SFM "16tCK (for L = 256)" (same file's command table).
 */

const common = {
  hbm: "hbm3-5.2",
  // [AttAcc] one 32-B column of 16 FP16 values per MAC step: 16 lanes
  macLanesPerFpu: 16,
  // [PAPI] cites a 666 MHz FPU
  fpuClockHz: 666e6,
  // ASSUMPTION: AttAcc's power-constrained MACAB spacing (nCCDAB 6) as in the PAPI evaluation
  powerConstrainedMacSpacing: true,
  // ASSUMPTION: 116 W per 16 GB HBM3 stack is a third-party reading quoted for the paper's budget
  powerBudgetWattsPerStack: 116,
  // ASSUMPTION: 2 KiB of partial sums per FPU (1,024 FP16); not given by the paper or AttAcc
  accumulatorBytesPerFpu: 2048,
  // [AttAcc] SFM takes 16 tCK for L = 256 -> 16 elements per tCK per channel
  softmaxElementsPerClock: 16,
} as const;

const inputs: Record<string, PimDesignInput> = {
  "fc-pim": {
    ...common,
    name: "fc-pim",
    description: "PAPI FC-PIM: 4 FPUs per bank (4P1B), 3 of 4 bank groups kept, 12 GiB per stack",
    numFpus: 4,
    numBanksPerFpuGroup: 1,
    numEnabledBankGroups: 3,
    capacityBytes: 12 * GiB,
  },
  "attn-pim": {
    ...common,
    name: "attn-pim",
    description: "PAPI Attn-PIM: 1 FPU per 2 banks (1P2B), 16 GiB per stack",
    numFpus: 1,
    numBanksPerFpuGroup: 2,
    numEnabledBankGroups: 4,
    capacityBytes: 16 * GiB,
  },
  attacc: {
    ...common,
    name: "attacc",
    description: "AttAcc bank-level HBM-PIM: 1 FPU per bank (1P1B), 16 GiB per stack",
    numFpus: 1,
    numBanksPerFpuGroup: 1,
    numEnabledBankGroups: 4,
    capacityBytes: 16 * GiB,
  },
  "hbm-pim": {
    ...common,
    name: "hbm-pim",
    description: "Samsung HBM-PIM as evaluated by PAPI: 1 FPU per 2 banks (1P2B) on HBM3, 16 GiB per stack",
    numFpus: 1,
    numBanksPerFpuGroup: 2,
    numEnabledBankGroups: 4,
    capacityBytes: 16 * GiB,
  },
  "2p1b": {
    ...common,
    name: "2p1b",
    description: "2 FPUs per bank (2P1B) for the power study; 3 of 4 bank groups so it fits the die area",
    numFpus: 2,
    numBanksPerFpuGroup: 1,
    // 4 bank groups would need 128 x (2 x 0.1025 + 0.83) = 132.5 mm2 > 121 mm2
    numEnabledBankGroups: 3,
    capacityBytes: 12 * GiB,
  },
};

export const PIM_DESIGNS: Readonly<Record<string, PimDesign>> = lazyRecord(inputs, (v) => PimDesign.parse(v));

/** The designs of the paper's power figure: 1P1B, 2P1B, 4P1B. */
export const POWER_STUDY_DESIGNS = ["attacc", "2p1b", "fc-pim"] as const;

/** A PIM design block of a config: a preset name, `{ preset, ...overrides }`, or a full description. */
export const PimDesignBlock = defineBlock<PimDesign>("PIM design", PimDesign, () => PIM_DESIGNS, ["capacityBytes"]);

/**
 * A preset name or design block value (overriding `base` when given). Throws a one-line UserError naming the
 * field, or listing the known names.
 */
export function resolvePimDesign(value: unknown, base?: unknown, path = "design"): PimDesign {
  return resolveBlock(PimDesignBlock, value, base, path);
}

/**
 * A PIM design for a cost function called from outside the config path (the JS API): a design that came from the
 * schema (a preset, or the result of resolvePimDesign / parsePimDesign) is returned as is; anything else (a plain
 * object such as `{ ...preset, numFpus: -1 }`, a name, `{ preset, ... }`) is parsed, so its ranges, the area rule
 * and the capacity check apply. One-line UserError naming `path`.
 */
export function parsePimDesign(value: unknown, path = "design"): PimDesign {
  return parseBlock(PimDesignBlock, value, path);
}
