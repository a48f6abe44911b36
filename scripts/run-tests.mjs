// Runs the test suite: every test/**/*.test.ts (found here, so a new file needs no registration), through tsx, with
// fast-check seeded by test/fc-seed.mjs (FC_SEED=7 or FC_SEED=random try other seeds). `node scripts/run-tests.mjs
// test/a.test.ts test/b.test.ts` runs only those files; arguments starting with `--` go to node (e.g.
// --test-name-pattern=fig8). The exit code is non-zero when any test fails or a test process dies.
//
// The tests share ONE Node process (scripts/test-entry.mjs imports every file, each into a suite named after it), not
// one process per file: starting Node + tsx costs more than most files' tests. Files with a line
// `// test-lane: process` (tests that mostly wait on real processes: Slurm, Chromium, signals) share a second
// process that runs at the same time; its output is printed after the first one's, then one summary of both with
// every failure.
//
// Rules for a test, since it shares its process with every other test file:
// - Restore what you change before the test ends (try/finally): process.cwd() (better: `papi(args, { cwd })` of
//   test/cli/helpers.ts, or `cwd` of a child process), process.env, process.exitCode, fc.configureGlobal, globals,
//   patched functions (process.stdout.write). The entry fails a test that leaves the cwd, the environment,
//   process.exitCode or fast-check's settings changed.
// - Never call process.exit(). Register tests synchronously at module level (no top-level await before test()):
//   the file's suite must see them. Module-level before/after hooks run around that file's tests only. Listen on
//   port 0. Stop timers, servers and children; remove temp folders (an `after` hook).
// - Do not depend on running first or alone: not on a cold memo cache, a freshly evaluated module or a file another
//   test left. The files are all imported up front (not each just before its tests): module-level code must not
//   change global state. A costly result that several tests only read may be made once per process (a memoized
//   promise, as test/golden/golden.ts's sharedGoldenRun).
// - Spawn the built binary only where the process boundary is the point (exit codes, piping, signals); otherwise
//   run the CLI in-process with papi() of test/cli/helpers.ts.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const LANE_MARK = /^\/\/ test-lane: process\b/m;

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith(".test.ts") ? [p] : [];
  });
}

const args = process.argv.slice(2);
const nodeFlags = args.filter((a) => a.startsWith("--"));
const named = args.filter((a) => !a.startsWith("--"));
const files = named.length > 0 ? named : find("test").sort();
const sources = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
const lanes = [
  { name: "shared process", files: files.filter((f) => !LANE_MARK.test(sources.get(f))) },
  { name: "process-level lane", files: files.filter((f) => LANE_MARK.test(sources.get(f))) },
].filter((l) => l.files.length > 0);

// absolute URLs: worker threads inherit the flags and may run with another working directory
const url = (p) => pathToFileURL(resolve(p)).href;
const work = mkdtempSync(join(tmpdir(), "papi-run-tests-"));

function runLane(lane, i, live) {
  lane.summaryFile = join(work, `summary-${i}.json`);
  const argv = [
    "--import", "tsx", "--import", url("test/fc-seed.mjs"),
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    `--test-reporter=${url("scripts/test-summary-reporter.mjs")}`, `--test-reporter-destination=${lane.summaryFile}`,
    ...nodeFlags, "scripts/test-entry.mjs", ...lane.files,
  ];
  const t0 = Date.now();
  const child = spawn(process.execPath, argv, { stdio: ["ignore", live ? "inherit" : "pipe", live ? "inherit" : "pipe"] });
  children.push(child);
  lane.output = [];
  if (!live) for (const s of [child.stdout, child.stderr]) s.on("data", (b) => lane.output.push(b));
  return new Promise((done) =>
    child.on("close", (code, signal) => {
      lane.seconds = (Date.now() - t0) / 1000;
      lane.status = signal ?? code;
      done();
    }),
  );
}

// Ctrl-C reaches the lanes too (one process group); a SIGTERM sent to this process alone is passed on to them
const children = [];
let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    interrupted = true;
    if (sig === "SIGTERM") for (const c of children) c.kill(sig);
  });
}
// the first lane prints as it goes; the others are held and printed after it
await Promise.all(lanes.map((l, i) => runLane(l, i, i === 0)));
for (const l of lanes.slice(1)) {
  console.log(`\n── ${l.name}: ${l.files.join(" ")}\n`);
  process.stdout.write(Buffer.concat(l.output));
}

let failed = interrupted;
const failures = [];
const counts = lanes.map((l) => {
  let s;
  try {
    s = JSON.parse(readFileSync(l.summaryFile, "utf8"));
  } catch {
    s = undefined;
  }
  if (s === undefined || l.status !== 0 || s.failures.length > 0) failed = true;
  if (s !== undefined) failures.push(...s.failures);
  if (s !== undefined && s.fail === 0 && s.failures.length === 0 && l.status !== 0) {
    failures.push({ name: `the ${l.name} exited with ${l.status} though no test failed (process.exit, process.exitCode or an error outside any test)`, where: "", message: "" });
  }
  if (s === undefined) failures.push({ name: `the ${l.name} died (${l.status}) before it could report`, where: "", message: "" });
  return s === undefined
    ? `${l.name}: ${l.files.length} files, no report, ${l.seconds.toFixed(0)} s`
    : `${l.name}: ${l.files.length} files, ${s.tests} tests, ${s.pass} pass, ${s.fail} fail, ${s.skipped} skipped, ${l.seconds.toFixed(0)} s`;
});
rmSync(work, { recursive: true, force: true });
console.log(`\n── run-tests: ${counts.join("; ")}`);
if (failures.length > 0) {
  console.log(`✖ failing (${failures.length}):`);
  for (const f of failures) console.log(`  ${f.where ? f.where + " " : ""}${f.name}${f.message ? `: ${f.message}` : ""}`);
}
process.exit(failed ? 1 : 0);
