import { RANGES } from "../core/quantity.ts";
import { UserError } from "../core/errors.ts";
import { pimAttentionCost, pimFcCost } from "../hardware/pim/cost.ts";
import { hbmClockPeriodSec } from "../hardware/pim/hbm.ts";
import { PIM_DESIGNS, resolvePimDesign } from "../hardware/pim/presets.ts";
import type { PimDesign } from "../hardware/pim/schema.ts";
import { errStats, type ErrStats } from "./error-stats.ts";

/**
 * Checks the PIM model against cycle-level references (data/measurements/ramulator-attacc/: Ramulator 2.0 runs of
 * AttAcc's HBM3-PIM traces). Pure: takes parsed rows (the CLI reads the CSVs). Nothing here is fitted: each row
 * is mapped onto a PIM design by its stated hardware (unit, FPUs per bank, MAC spacing) and priced with the
 * product's cost functions. Relative error = (predicted - reference) / reference.
 */

/** What both reference files say about the hardware of a row. */
export interface PimReferenceUnit {
  /** file line (for messages) */
  line: number;
  /** "bank": one unit per bank (AttAcc 1P1B); "bankgroup": one unit per bank group */
  unit: string;
  /** FPUs per bank: 1 (1P1B), 0.25 (one unit per 4 banks), 4 (4P1B) */
  fpusPerBank: number;
  /** true: the power-constrained MAC spacing */
  powerLimited: boolean;
  /** the MAC spacing the run used, in tCK (undefined: the preset's for powerLimited) */
  macSpacingClocks?: number;
  /** tCK of the run, ns */
  tCkNs: number;
  /** the reference time, seconds */
  timeSec: number;
}

export interface PimAttentionReferenceRow extends PimReferenceUnit {
  headsPerStack: number;
  kvHeadsPerStack: number;
  headDim: number;
  tlp: number;
  contextLen: number;
}

export interface PimFcReferenceRow extends PimReferenceUnit {
  stacks: number;
  k: number;
  n: number;
  m: number;
}

export interface PimReference {
  attention: PimAttentionReferenceRow[];
  fc: PimFcReferenceRow[];
}

export interface PimValidationRow {
  file: "attention" | "fc";
  line: number;
  label: string;
  referenceSec: number;
  predictedSec: number;
  relErr: number;
}

export interface PimValidation {
  attention: ErrStats;
  fc: ErrStats;
  rows: PimValidationRow[];
}

const BASE = PIM_DESIGNS.attacc;

/** xPyB from FPUs per bank: 4 -> 4P1B, 1 -> 1P1B, 0.25 -> 1P4B. */
function fpuLayout(fpusPerBank: number, where: string): { numFpus: number; numBanksPerFpuGroup: number } {
  // Stryker disable next-line EqualityOperator: 1 FPU per bank is 1P1B by either branch
  if (fpusPerBank >= 1 && Number.isInteger(fpusPerBank)) return { numFpus: fpusPerBank, numBanksPerFpuGroup: 1 };
  const banks = 1 / fpusPerBank;
  if (fpusPerBank > 0 && Math.abs(banks - Math.round(banks)) < 1e-9) return { numFpus: 1, numBanksPerFpuGroup: Math.round(banks) };
  throw new UserError(`${where}: fpusPerBank must be a whole number or 1/whole number, got ${fpusPerBank}`);
}

/**
 * The design a reference row describes: AttAcc's stack (hbm3-5.2, 16 GiB) with the row's FPUs per bank and MAC
 * spacing, column-matched semantics (one (column, token) pair per FPU per MAC command, as AttAcc's simulator).
 */
export function pimDesignForReference(r: PimReferenceUnit, where: string, cache = new Map<string, PimDesign>()): PimDesign {
  const layout = fpuLayout(r.fpusPerBank, where);
  const key = `${layout.numFpus}/${layout.numBanksPerFpuGroup}/${r.powerLimited}/${r.macSpacingClocks ?? ""}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const tCkNs = hbmClockPeriodSec(BASE.hbm.timing) * 1e9;
  if (!(Math.abs(r.tCkNs - tCkNs) <= 0.005 * tCkNs)) {
    throw new UserError(`${where}: tCKns ${r.tCkNs} does not match the ${BASE.hbm.name} preset's ${tCkNs.toFixed(4)} ns`);
  }
  const timing: Record<string, number> = {};
  // Stryker disable next-line ConditionalExpression: an undefined timing entry patches nothing (deepMerge keeps the preset's value)
  if (r.macSpacingClocks !== undefined) timing[r.powerLimited ? "nCCDABPowerConstrained" : "nCCDAB"] = r.macSpacingClocks;
  if (!r.powerLimited && r.macSpacingClocks !== undefined && r.macSpacingClocks > BASE.hbm.timing.nCCDABPowerConstrained) {
    timing.nCCDABPowerConstrained = r.macSpacingClocks;
  }
  let design: PimDesign;
  try {
    design = resolvePimDesign({
      ...BASE,
      name: `reference-${key}`,
      description: "a cycle-level reference row's hardware",
      hbm: { preset: BASE.hbm.name, timing },
      ...layout,
      // a simulator configuration, not a die: the area rule (which caps 4P1B at 3 bank groups) is not applied
      area: { ...BASE.area, maxDieAreaMm2: RANGES.areaMm2.max },
      capacityBytes: undefined,
      powerConstrainedMacSpacing: r.powerLimited,
      computeSemantics: "column-matched",
    });
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${where}: ${e.message}`);
    throw e;
  }
  cache.set(key, design);
  return design;
}

/** Prices every reference row with the product's cost functions and summarizes the errors per file. */
export function evaluatePim(ref: PimReference): PimValidation {
  const cache = new Map<string, PimDesign>();
  const rows: PimValidationRow[] = [];
  const push = (file: PimValidationRow["file"], line: number, label: string, referenceSec: number, predictedSec: number) =>
    rows.push({ file, line, label, referenceSec, predictedSec, relErr: (predictedSec - referenceSec) / referenceSec });
  for (const r of ref.attention) {
    const where = `attention.csv:${r.line}`;
    const d = pimDesignForReference(r, where, cache);
    const c = pimAttentionCost(d, {
      numHeads: r.headsPerStack,
      numKvHeads: r.kvHeadsPerStack,
      headDim: r.headDim,
      contextLens: [r.contextLen],
      tlp: r.tlp,
      numStacks: 1,
    });
    push("attention", r.line, `${r.unit} ${label(d)} heads ${r.headsPerStack} L ${r.contextLen}`, r.timeSec, c.timeSec);
  }
  for (const r of ref.fc) {
    const where = `fc.csv:${r.line}`;
    const d = pimDesignForReference(r, where, cache);
    const c = pimFcCost(d, { m: r.m, k: r.k, n: r.n, numStacks: r.stacks });
    push("fc", r.line, `${r.unit} ${label(d)} m ${r.m} k ${r.k} n ${r.n} (${c.mapping})`, r.timeSec, c.timeSec);
  }
  const stats = (f: PimValidationRow["file"]) => errStats(rows.filter((x) => x.file === f).map((x) => x.relErr));
  return { attention: stats("attention"), fc: stats("fc"), rows };
}

function label(d: PimDesign): string {
  const spacing = d.powerConstrainedMacSpacing ? d.hbm.timing.nCCDABPowerConstrained : d.hbm.timing.nCCDAB;
  return `${d.numFpus}P${d.numBanksPerFpuGroup}B nCCDAB ${spacing}`;
}
