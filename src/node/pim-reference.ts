import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../core/errors.ts";
import type { CsvRow } from "../core/csv.ts";
import { readCsv } from "./csv-file.ts";
import type { PimReference, PimReferenceUnit } from "../systems/validate-pim.ts";

/** The cycle-level references shipped with papi, found from this file rather than the working directory. */
export const SHIPPED_PIM_REFERENCE = fileURLToPath(new URL("../../data/measurements/ramulator-attacc", import.meta.url));

/**
 * Reads attention.csv and fc.csv of a PIM reference folder (data/measurements/ramulator-attacc/README.md gives
 * the columns). The only file I/O of `papi validate pim`; a bad folder or row is a one-line UserError naming the
 * file, line and column.
 */
export function loadPimReference(dir: string): PimReference {
  if (dir.trim() === "") throw new UserError(`--reference ${JSON.stringify(dir)}: the path is empty; give a folder name`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`--reference: folder not found: ${dir} (expects attention.csv and fc.csv)`);
  }
  const unitColumns = ["unit", "fpusPerBank", "powerLimited", "nCCDAB", "cycles", "tCKns", "timeSec"];
  const unitOf = (r: CsvRow, file: string): PimReferenceUnit => {
    const powerLimited = r.get("powerLimited");
    if (powerLimited !== "true" && powerLimited !== "false") {
      throw new UserError(`${file}:${r.line}: column "powerLimited" must be true or false, got "${powerLimited}"`);
    }
    const unit = r.get("unit");
    if (unit === "") throw new UserError(`${file}:${r.line}: column "unit" is empty`);
    // the time compared is timeSec (= cycles x tCK); cycles is checked all the same, never read past
    if (!(r.num("cycles") > 0)) throw new UserError(`${file}:${r.line}: column "cycles" must be a positive number, got ${r.get("cycles")}`);
    return {
      line: r.line,
      unit,
      fpusPerBank: r.num("fpusPerBank", { min: Number.MIN_VALUE }),
      powerLimited: powerLimited === "true",
      macSpacingClocks: r.get("nCCDAB") === "" ? undefined : r.num("nCCDAB", { min: 1, integer: true }),
      tCkNs: r.num("tCKns", { min: Number.MIN_VALUE }),

      timeSec: r.num("timeSec", { min: Number.MIN_VALUE }),
    };
  };
  const attentionPath = join(dir, "attention.csv");
  const attentionColumns = [...unitColumns, "headsPerStack", "kvHeadsPerStack", "headDim", "tlp", "contextLen"];
  const attention = readCsv(attentionPath, attentionColumns).map((r) => ({
    ...unitOf(r, attentionPath),
    headsPerStack: r.num("headsPerStack", { min: 1, integer: true }),
    kvHeadsPerStack: r.num("kvHeadsPerStack", { min: 1, integer: true }),
    headDim: r.num("headDim", { min: 1, integer: true }),
    tlp: r.num("tlp", { min: 1, integer: true }),
    contextLen: r.num("contextLen", { min: 1, integer: true }),
  }));
  const fcPath = join(dir, "fc.csv");
  const fc = readCsv(fcPath, [...unitColumns, "stacks", "k", "n", "m"]).map((r) => ({
    ...unitOf(r, fcPath),
    stacks: r.num("stacks", { min: 1, integer: true }),
    k: r.num("k", { min: 1, integer: true }),
    n: r.num("n", { min: 1, integer: true }),
    m: r.num("m", { min: 1, integer: true }),
  }));
  return { attention, fc };
}
