// npm run mutate [-- PART...]: mutation testing (StrykerJS, tap runner) of src/scheduling, src/serving, src/systems
// and src/hardware, one Stryker run per part (a folder, or a group of its files) so that each finished part keeps its results (incremental files in
// reports/stryker/, committed: a rerun tests only mutants whose code or covering tests changed). Prints each part's
// score and the overall one. `npm run mutate -- --summary` only prints the scores of the last reports.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * Each folder's mutants are tested by its own tests (test/ mirrors src/), plus the folders whose tests are the real
 * users of its code. Narrower than the whole suite on purpose: a survivor runs every covering test file in its own
 * process (~2 s each on this 2-core machine), and nearly every file covers the hardware presets, so the whole suite
 * made one run take most of a day. A mutant only the CLI tests catch counts as survived here.
 */
const SERVING_TESTS = ["test/serving/**/*.test.ts", "test/scheduling/**/*.test.ts"];
/** Parts: the four folders, the larger ones cut by file so that each run finishes (and keeps its results) in under an hour. */
const PARTS_DEF = {
  scheduling: { mutate: ["src/scheduling/**/*.ts"], tests: ["test/scheduling/**/*.test.ts"] },
  "serving-run": { mutate: ["src/serving/{run,metrics,recorder,timeline,config,limits,speculative}.ts"], tests: SERVING_TESTS },
  "serving-loop": { mutate: ["src/serving/simulator.ts"], tests: SERVING_TESTS },
  "serving-traces": { mutate: ["src/serving/trace*.ts"], tests: SERVING_TESTS },
  systems: { mutate: ["src/systems/**/*.ts"], tests: ["test/systems/**/*.test.ts"] },
  "hardware-gpu": { mutate: ["src/hardware/*.ts", "src/hardware/gpu/**/*.ts", "src/hardware/links/**/*.ts"], tests: ["test/hardware/*.test.ts", "test/hardware/gpu/**/*.test.ts", "test/hardware/links/**/*.test.ts"] },
  "hardware-pim": { mutate: ["src/hardware/pim/**/*.ts"], tests: ["test/hardware/*.test.ts", "test/hardware/pim/**/*.test.ts"] },
};
const TESTS = Object.fromEntries(Object.entries(PARTS_DEF).map(([k, v]) => [k, v.tests]));
const PARTS = Object.keys(TESTS);
const args = process.argv.slice(2);
const summaryOnly = args.includes("--summary");
const parts = args.filter((a) => !a.startsWith("--"));
for (const p of parts) if (!PARTS.includes(p)) throw new Error(`unknown part "${p}"; parts: ${PARTS.join(", ")}`);
const todo = parts.length > 0 ? parts : PARTS;

const base = JSON.parse(readFileSync("stryker.config.json", "utf8"));
mkdirSync("reports/mutation", { recursive: true });
const reportOf = (p) => join("reports", "mutation", `${p}.json`);

if (!summaryOnly) {
  for (const p of todo) {
    const config = {
      ...base,
      mutate: PARTS_DEF[p].mutate,
      tap: { ...base.tap, testFiles: TESTS[p] },
      incrementalFile: join("reports", "stryker", `${p}.incremental.json`),
      jsonReporter: { fileName: reportOf(p) },
      htmlReporter: { fileName: join("reports", "mutation", `${p}.html`) },
    };
    const path = join("reports", "mutation", `stryker.${p}.config.json`);
    writeFileSync(path, JSON.stringify(config, null, 2));
    console.log(`\n== mutation testing src/${p}`);
    const r = spawnSync(process.execPath, ["node_modules/@stryker-mutator/core/bin/stryker.js", "run", path], { stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

// Score as Stryker defines it: detected (killed + timeout) / valid mutants (detected + survived + no coverage).
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
let all = { detected: 0, undetected: 0, ignored: 0 };
console.log("\npart             mutants  killed  survived  no-cov  ignored  score");
for (const p of PARTS) {
  if (!existsSync(reportOf(p))) continue;
  const rep = JSON.parse(readFileSync(reportOf(p), "utf8"));
  const c = { detected: 0, undetected: 0, ignored: 0, survived: 0, noCov: 0 };
  for (const f of Object.values(rep.files)) {
    for (const m of f.mutants) {
      if (DETECTED.has(m.status)) c.detected++;
      else if (UNDETECTED.has(m.status)) {
        c.undetected++;
        if (m.status === "Survived") c.survived++;
        else c.noCov++;
      } else c.ignored++;
    }
  }
  all = { detected: all.detected + c.detected, undetected: all.undetected + c.undetected, ignored: all.ignored + c.ignored };
  const n = c.detected + c.undetected;
  console.log(`${p.padEnd(15)} ${String(n).padStart(8)} ${String(c.detected).padStart(7)} ${String(c.survived).padStart(9)} ${String(c.noCov).padStart(7)} ${String(c.ignored).padStart(8)}  ${((100 * c.detected) / n).toFixed(1)} %`);
}
const n = all.detected + all.undetected;
if (n > 0) console.log(`${"all parts run".padEnd(15)} ${String(n).padStart(8)} ${String(all.detected).padStart(7)} ${"".padStart(9)} ${"".padStart(7)} ${String(all.ignored).padStart(8)}  ${((100 * all.detected) / n).toFixed(1)} %`);
