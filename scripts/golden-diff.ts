// Compares the current `papi reproduce` golden summary with test/golden/reproduce-summary.json, numbers only
// (strings such as device labels may change with a refactor): prints every number that moved beyond 1e-9.
import { readFileSync } from "node:fs";
import { GOLDEN_FILE, GOLDEN_RELATIVE_TOLERANCE, goldenSummary } from "../test/golden/golden.ts";

function diffs(a: unknown, g: unknown, path: string, out: string[]): void {
  if (typeof g === "number") {
    if (typeof a !== "number") out.push(`${path}: got ${JSON.stringify(a)}, golden ${g}`);
    else if (g === 0 ? a !== 0 : Math.abs(a - g) > GOLDEN_RELATIVE_TOLERANCE * Math.abs(g)) out.push(`${path}: got ${a}, golden ${g} (${((a / g - 1) * 100).toFixed(3)} %)`);
    return;
  }
  if (Array.isArray(g)) {
    if (!Array.isArray(a)) return void out.push(`${path}: not an array`);
    g.forEach((x, i) => diffs(a[i], x, `${path}[${i}]`, out));
    return;
  }
  if (g !== null && typeof g === "object") {
    if (a === null || typeof a !== "object") return void out.push(`${path}: missing`);
    for (const k of Object.keys(g)) diffs((a as Record<string, unknown>)[k], (g as Record<string, unknown>)[k], `${path}.${k}`, out);
  }
}
const golden = JSON.parse(readFileSync(GOLDEN_FILE, "utf8"));
const out: string[] = [];
diffs(await goldenSummary(), golden, "$", out);
console.log(out.length === 0 ? "golden numbers unchanged" : out.join("\n"));
