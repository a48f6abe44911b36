import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { papi, type CliResult } from "../cli/helpers.ts";

/**
 * The golden `papi reproduce --json` summary (test/golden/reproduce-summary.json): every figure with headline numbers
 * (Fig. 4's crossovers; Fig. 8 under all three protocols, the AttAcc-semantics probe, the mechanisms; Figs. 10-12),
 * under both PIM compute semantics, with the claims' verdicts and evidence. The sensitivity study and the "extra"
 * figure are left out to keep the test near 10 s; the README's results table is Fig. 8's main numbers.
 *
 * Update it after an intended change of the numbers with `npm run golden:update`, and say why in the commit.
 */
export const GOLDEN_FILE = fileURLToPath(new URL("./reproduce-summary.json", import.meta.url));
export const GOLDEN_ARGS = ["reproduce", "--figures", "fig4,fig8,fig10,fig11,fig12", "--no-sensitivity", "--json"] as const;
/** Relative tolerance on numbers: outputs are deterministic, so only the last bits of libm may differ across machines. */
export const GOLDEN_RELATIVE_TOLERANCE = 1e-9;

/** Runs the golden command (in this process, once: see sharedGoldenRun) and returns its summary. */
export async function goldenSummary(): Promise<unknown> {
  const r = await sharedGoldenRun();
  if (r.status !== 0) throw new Error(`papi ${GOLDEN_ARGS.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

let sharedRun: Promise<CliResult & { out: string }> | undefined;
/**
 * The golden command's run with its output folder, made once per test process and shared by the tests that only
 * read it (the golden comparison, and test/cli/reproduce.test.ts's checks of the summary keys and the files written):
 * a `papi reproduce` of these figures costs seconds. The folder is removed when the process exits.
 */
export function sharedGoldenRun(): Promise<CliResult & { out: string }> {
  sharedRun ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "papi-golden-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, "out");
    return { ...(await papi([...GOLDEN_ARGS, "--out", out])), out };
  })();
  return sharedRun;
}
/**
 * Differences between a summary and the golden one, as "path: got X, golden Y" lines: numbers must agree within
 * GOLDEN_RELATIVE_TOLERANCE (relative; exactly when the golden value is 0), everything else exactly, and both must
 * have the same keys and array lengths (a key added or lost is a difference).
 */
export function goldenDifferences(actual: unknown, golden: unknown, path = "$"): string[] {
  if (typeof golden === "number" && typeof actual === "number") {
    const ok = golden === 0 ? actual === 0 : Math.abs(actual - golden) <= GOLDEN_RELATIVE_TOLERANCE * Math.abs(golden);
    return ok ? [] : [`${path}: got ${actual}, golden ${golden}`];
  }
  if (Array.isArray(golden) && Array.isArray(actual)) {
    if (actual.length !== golden.length) return [`${path}: ${actual.length} entries, golden ${golden.length}`];
    return golden.flatMap((g, i) => goldenDifferences(actual[i], g, `${path}[${i}]`));
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(golden) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(golden), ...Object.keys(actual)])].sort();
    return keys.flatMap((k) => {
      if (!(k in actual)) return [`${path}.${k}: missing (golden ${JSON.stringify(golden[k])})`];
      if (!(k in golden)) return [`${path}.${k}: not in the golden file (got ${JSON.stringify(actual[k])})`];
      return goldenDifferences(actual[k], golden[k], `${path}.${k}`);
    });
  }
  return JSON.stringify(actual) === JSON.stringify(golden) ? [] : [`${path}: got ${JSON.stringify(actual)}, golden ${JSON.stringify(golden)}`];
}
