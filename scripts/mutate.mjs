// npm run mutate [-- PART...]: mutation testing (StrykerJS, tap runner) of every folder of src/ (the Node-only I/O of
// src/node and src/cli, and the explorer's UI components, are covered by process-level tests instead), one Stryker run per part (a folder, or a group of its files) so that each finished part keeps its results (incremental files in
// reports/stryker/, committed: a rerun tests only mutants whose code or covering tests changed). Prints each part's
// score and the overall one. `npm run mutate -- --summary` only prints the scores of the last reports.
//
// `npm run mutate -- --sample 0.2 [--seed 1] [PART...]` tests a seeded random sample of source lines instead (each
// code line of the part drawn with that probability; every mutant that lies on a drawn line is tested): an estimate
// of the part's score in a fraction of the time, printed with a 95 % interval. Mutants that span several lines (a
// removed block, a multi-line condition) are never drawn, since Stryker only tests mutants inside a range.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, relative } from "node:path";
import { minimatch } from "minimatch";

/**
 * Each folder's mutants are tested by its own tests (test/ mirrors src/), plus the folders whose tests are the real
 * users of its code. Narrower than the whole suite on purpose: a survivor runs every covering test file in its own
 * process (~2 s each on this 2-core machine), and nearly every file covers the hardware presets, so the whole suite
 * made one run take most of a day. A mutant only the CLI tests catch counts as survived here.
 */
const SERVING_TESTS = ["test/serving/**/*.test.ts", "test/scheduling/**/*.test.ts"];
/** Parts: every folder, the larger ones cut by file so that each run finishes (and keeps its results) in under an hour. */
const PARTS_DEF = {
  scheduling: { mutate: ["src/scheduling/**/*.ts"], tests: ["test/scheduling/**/*.test.ts"] },
  "serving-run": { mutate: ["src/serving/{run,metrics,recorder,timeline,config,limits,speculative}.ts"], tests: SERVING_TESTS },
  "serving-loop": { mutate: ["src/serving/simulator.ts"], tests: SERVING_TESTS },
  "serving-traces": { mutate: ["src/serving/trace*.ts"], tests: SERVING_TESTS },
  systems: { mutate: ["src/systems/**/*.ts"], tests: ["test/systems/**/*.test.ts"] },
  "hardware-gpu": { mutate: ["src/hardware/*.ts", "src/hardware/gpu/**/*.ts", "src/hardware/links/**/*.ts"], tests: ["test/hardware/*.test.ts", "test/hardware/gpu/**/*.test.ts", "test/hardware/links/**/*.test.ts"] },
  "hardware-pim": { mutate: ["src/hardware/pim/**/*.ts"], tests: ["test/hardware/*.test.ts", "test/hardware/pim/**/*.test.ts"] },
  "serving-policies": {
    mutate: ["src/serving/{batching,routers}/**/*.ts", "src/serving/{kv-cache,kv-transfer,replica,events,iteration,slo,deque,request-state,serving-config,design-diff}.ts"],
    tests: SERVING_TESTS,
  },
  core: { mutate: ["src/core/**/*.ts"], tests: ["test/core/**/*.test.ts"] },
  models: { mutate: ["src/models/**/*.ts"], tests: ["test/models/**/*.test.ts"] },
  units: { mutate: ["src/units/**/*.ts"], tests: ["test/units/**/*.test.ts", "test/systems/**/*.test.ts"] },
  fabric: { mutate: ["src/fabric/**/*.ts"], tests: ["test/fabric/**/*.test.ts", "test/systems/**/*.test.ts"] },
  sweep: { mutate: ["src/sweep/**/*.ts"], tests: ["test/sweep/**/*.test.ts"] },
  report: { mutate: ["src/report/**/*.ts"], tests: ["test/report/**/*.test.ts"] },
  web: { mutate: ["src/web/{url-state,run-key,exports,simulate,browser-loader,protocol}.ts"], tests: ["test/web/{browser-loader,columns,exports,run-key,simulate,simulate-units,url-state}.test.ts"] },
};
const TESTS = Object.fromEntries(Object.entries(PARTS_DEF).map(([k, v]) => [k, v.tests]));
const PARTS = Object.keys(TESTS);
const args = process.argv.slice(2);
const summaryOnly = args.includes("--summary");
const optionValue = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const sample = optionValue("--sample");
const seed = optionValue("--seed") ?? 1;
if (sample !== undefined && !(sample > 0 && sample <= 1)) throw new Error("--sample must be in (0, 1]");
const parts = args.filter((a) => !a.startsWith("--"));
for (const p of parts) if (!PARTS.includes(p)) throw new Error(`unknown part "${p}"; parts: ${PARTS.join(", ")}`);
const todo = parts.length > 0 ? parts : PARTS;

const base = JSON.parse(readFileSync("stryker.config.json", "utf8"));
mkdirSync("reports/mutation", { recursive: true });
const suffix = sample === undefined ? "" : `.sample-${sample}-seed-${seed}`;
const reportOf = (p) => join("reports", "mutation", `${p}${suffix}.json`);

/** FNV-1a of a string, then a 32-bit mix: a stable uniform draw in [0, 1) per (seed, file, line). */
function draw(key) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}
function filesOf(patterns) {
  const all = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else all.push(relative(".", path));
    }
  };
  walk("src");
  return all.filter((f) => patterns.some((g) => minimatch(f, g))).sort();
}
/** The drawn lines of a part, as Stryker mutate ranges (one per line). Comments, blank lines and imports are skipped. */
function sampledRanges(p) {
  const ranges = [];
  for (const f of filesOf(PARTS_DEF[p].mutate)) {
    readFileSync(f, "utf8").split("\n").forEach((text, i) => {
      const t = text.trim();
      if (t === "" || t.startsWith("//") || t.startsWith("*") || t.startsWith("/*") || t.startsWith("import ")) return;
      if (draw(`${seed}:${f}:${i + 1}`) < sample) ranges.push(`${f}:${i + 1}:1-${i + 1}:${text.length + 1}`);
    });
  }
  return ranges;
}

if (!summaryOnly) {
  for (const p of todo) {
    const config = {
      ...base,
      mutate: sample === undefined ? PARTS_DEF[p].mutate : sampledRanges(p),
      tap: { ...base.tap, testFiles: TESTS[p] },
      incrementalFile: join("reports", "stryker", `${p}${suffix}.incremental.json`),
      jsonReporter: { fileName: reportOf(p) },
      htmlReporter: { fileName: join("reports", "mutation", `${p}${suffix}.html`) },
    };
    const path = join("reports", "mutation", `stryker.${p}${suffix}.config.json`);
    writeFileSync(path, JSON.stringify(config, null, 2));
    console.log(`\n== mutation testing ${p}${sample === undefined ? "" : `: ${config.mutate.length} sampled lines`}`);
    const r = spawnSync(process.execPath, ["node_modules/@stryker-mutator/core/bin/stryker.js", "run", path], { stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

// Score as Stryker defines it: detected (killed + timeout) / valid mutants (detected + survived + no coverage).
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
let all = { detected: 0, undetected: 0, ignored: 0 };
const lines = [];
const log = (line) => {
  console.log(line);
  lines.push(line);
};
/** Wilson 95 % interval of a proportion (mutants treated as independent draws: an approximation for line clusters). */
function wilson(k, n) {
  const z = 1.96;
  const p = k / n;
  const mid = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return `${(100 * (mid - half)).toFixed(0)}-${(100 * (mid + half)).toFixed(0)} %`;
}
const pct = (k, n) => `${((100 * k) / n).toFixed(1)} %`;
log(`mutation scores${sample === undefined ? " (every mutant)" : ` (sample: each code line drawn with probability ${sample}, seed ${seed})`}`);
log("part             mutants  killed  survived  no-cov  ignored  score" + (sample === undefined ? "" : "   95 % interval"));
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
  log(`${p.padEnd(15)} ${String(n).padStart(8)} ${String(c.detected).padStart(7)} ${String(c.survived).padStart(9)} ${String(c.noCov).padStart(7)} ${String(c.ignored).padStart(8)}  ${pct(c.detected, n).padStart(6)}` + (sample === undefined ? "" : `   ${wilson(c.detected, n)}`));
}
const n = all.detected + all.undetected;
if (n > 0) {
  log(`${"all parts run".padEnd(15)} ${String(n).padStart(8)} ${String(all.detected).padStart(7)} ${"".padStart(9)} ${"".padStart(7)} ${String(all.ignored).padStart(8)}  ${pct(all.detected, n).padStart(6)}` + (sample === undefined ? "" : `   ${wilson(all.detected, n)}`));
  // The scores travel with the incremental results (reports/mutation/ is not committed).
  writeFileSync(join("reports", "stryker", `scores${suffix}.txt`), lines.join("\n") + "\n");
}
