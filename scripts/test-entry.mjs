// The entry module of one test process (scripts/run-tests.mjs starts it with --import tsx and test/fc-seed.mjs):
// imports every test file named on its command line into this one process, where node:test runs their tests one
// after another. Node 20 has no --test-isolation=none; importing the files is the same thing.
//
// It also guards the shared process: a root beforeEach/afterEach pair fails the test (and puts things back, so the
// next test starts clean) that changed the working directory, an environment variable, process.exitCode (other than
// node:test's own 1 after a failure) or fast-check's global settings (the fixed seed of test/fc-seed.mjs) and did
// not restore it before it ended.
import { afterEach, beforeEach, describe } from "node:test";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";

const envText = () => JSON.stringify(Object.entries(process.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const fcText = () => JSON.stringify(fc.readConfigureGlobal());

/** @typedef {{ cwd: string, env: string, envObject: Record<string, string | undefined>, exitCode: unknown, fc: string, fcObject: object }} State */
/** @returns {State} */
function snapshot() {
  return { cwd: process.cwd(), env: envText(), envObject: { ...process.env }, exitCode: process.exitCode, fc: fcText(), fcObject: fc.readConfigureGlobal() };
}

/** What the test changed since `was`, each change put back; [] when nothing changed. */
function restoreChanges(was) {
  const changed = [];
  if (process.cwd() !== was.cwd) {
    changed.push(`process.cwd() is ${process.cwd()}, was ${was.cwd}`);
    process.chdir(was.cwd);
  }
  if (envText() !== was.env) {
    const keys = new Set([...Object.keys(process.env), ...Object.keys(was.envObject)]);
    const diff = [...keys].filter((k) => process.env[k] !== was.envObject[k]).sort();
    changed.push(`process.env changed: ${diff.join(", ")}`);
    for (const k of diff) {
      if (was.envObject[k] === undefined) delete process.env[k];
      else process.env[k] = was.envObject[k];
    }
  }
  // node:test itself sets exitCode to 1 when a test fails; any other change is the test's
  if (process.exitCode !== was.exitCode && process.exitCode !== 1) {
    changed.push(`process.exitCode is ${process.exitCode}, was ${was.exitCode}`);
    process.exitCode = was.exitCode;
  }
  if (fcText() !== was.fc) {
    changed.push("fast-check's global settings changed (fc.configureGlobal); the fixed seed of test/fc-seed.mjs is lost");
    fc.configureGlobal(was.fcObject);
  }
  return changed;
}

/** @type {WeakMap<object, State>} */
const before = new WeakMap();
beforeEach((t) => void before.set(t, snapshot()));
afterEach((t) => {
  const was = before.get(t);
  if (was === undefined) return;
  const changed = restoreChanges(was);
  if (changed.length > 0) {
    throw new Error(`the test left the shared test process changed (restored now; see scripts/run-tests.mjs): ${changed.join("; ")}`);
  }
});

// One suite per file, named by its path: the file's tests and its module-level before/after hooks attach to it (the
// import starts synchronously inside the suite's function, so node:test's async context finds the suite), the hooks
// run around that file's tests only (as in a process of its own) and the report groups the tests under the path. A
// file that cannot be imported fails its suite; the other files run.
for (const file of process.argv.slice(2)) describe(file, () => import(pathToFileURL(resolve(file)).href));
