// The entry module of one test process (scripts/run-tests.mjs starts it with --import tsx and test/fc-seed.mjs):
// imports every test file named on its command line into this one process, where node:test runs their tests one
// after another. Node 20 has no --test-isolation=none; importing the files is the same thing.
//
// It also guards the shared process: a root beforeEach/afterEach pair fails the test (and puts things back, so the
// next test starts clean) that changed the working directory, an environment variable, process.exitCode (other than
// node:test's own 1 after a failure) or fast-check's global settings (the fixed seed of test/fc-seed.mjs) and did
// not restore it before it ended. A file that cannot be imported is one failing test named after it; the others run.
import { afterEach, beforeEach, test } from "node:test";
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

for (const file of process.argv.slice(2)) {
  try {
    await import(pathToFileURL(resolve(file)).href);
  } catch (e) {
    test(`import ${file}`, () => {
      throw e;
    });
  }
}
