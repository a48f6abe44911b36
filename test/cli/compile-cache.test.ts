import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// bin/papi.mjs runs dist/cli-bundle/cli.cjs with V8's code cache in node_modules/.cache/papi/ of the package. The
// package is copied to a temporary folder (bin/ and dist/cli-bundle/) so the cache under test is its own.
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUNDLE = join(ROOT, "dist", "cli-bundle");
const RUN = ["run", "--trace", "fixed:8:4", "--requests", "3", "--batch", "2", "--json"];

function copyPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), "papi-cache-"));
  cpSync(join(ROOT, "bin"), join(dir, "bin"), { recursive: true });
  cpSync(BUNDLE, join(dir, "dist", "cli-bundle"), { recursive: true });
  return dir;
}
const papi = (dir: string, args: readonly string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [join(dir, "bin", "papi.mjs"), ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
const cacheDir = (dir: string) => join(dir, "node_modules", ".cache", "papi");
const cacheFiles = (dir: string) => (existsSync(cacheDir(dir)) ? readdirSync(cacheDir(dir)).sort() : []);

test("the code cache: written by a command's first run, read by the next, output unchanged", (t) => {
  if (!existsSync(join(BUNDLE, "cli.cjs"))) return t.skip("dist/cli-bundle/ is not built (npm run build)");
  const dir = copyPackage();
  try {
    const reference = papi(dir, RUN, { PAPI_NO_COMPILE_CACHE: "1" });
    assert.deepEqual(cacheFiles(dir), [], "PAPI_NO_COMPILE_CACHE=1 writes nothing");
    assert.equal(papi(dir, RUN), reference);
    const files = cacheFiles(dir);
    assert.equal(files.length, 1);
    // named by the bundle's hash (its first line), the Node version and the subcommand
    const hash = /^\/\/ papi-bundle ([0-9a-f]{20})\n/.exec(readFileSync(join(BUNDLE, "cli.cjs"), "latin1"))![1];
    assert.equal(files[0], `cli-${hash}-node${process.versions.node}-${process.arch}-run.v8cache`);
    const written = readFileSync(join(cacheDir(dir), files[0]));
    assert.ok(written.length > 10_000, `${written.length} bytes`);
    // an accepted cache is not written again
    assert.equal(papi(dir, RUN), reference);
    assert.deepEqual(readFileSync(join(cacheDir(dir), files[0])), written);
    // another subcommand has a cache of its own
    assert.match(papi(dir, ["--version"]), /^\d+\.\d+\.\d+\n$/);
    assert.deepEqual(cacheFiles(dir), [files[0].replace(/-run\.v8cache$/, "-other.v8cache"), files[0]].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the code cache: a damaged cache is rejected and rewritten, an old bundle's is removed, no write access is no cache", (t) => {
  if (!existsSync(join(BUNDLE, "cli.cjs"))) return t.skip("dist/cli-bundle/ is not built (npm run build)");
  const dir = copyPackage();
  try {
    const reference = papi(dir, RUN, { PAPI_NO_COMPILE_CACHE: "1" });
    papi(dir, RUN);
    const [name] = cacheFiles(dir);
    const file = join(cacheDir(dir), name);
    const good = readFileSync(file);
    const garbage = Buffer.alloc(good.length, 0x5a);
    writeFileSync(file, garbage);
    // another bundle's caches: removed once a day old (a checkout sharing node_modules may still use a newer one)
    const stale = join(cacheDir(dir), "cli-0123456789abcdef0123-node0.0.0-x64-run.v8cache");
    const recent = join(cacheDir(dir), "cli-0123456789abcdef0124-node0.0.0-x64-run.v8cache");
    writeFileSync(stale, garbage);
    writeFileSync(recent, garbage);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    const notOurs = join(cacheDir(dir), "cli-notes.txt"); // not a name papi writes: never removed
    writeFileSync(notOurs, "mine");
    utimesSync(notOurs, twoDaysAgo, twoDaysAgo);
    assert.equal(papi(dir, RUN), reference);
    assert.notDeepEqual(readFileSync(file), garbage, "the rejected cache is written again");
    assert.ok(!existsSync(stale), "a day-old cache of another bundle is removed");
    assert.ok(existsSync(recent), "a recent cache of another bundle is kept");
    assert.ok(existsSync(notOurs), "a file papi did not name is kept, however old");
    // the cache folder cannot be created: the command runs as without a cache
    rmSync(join(dir, "node_modules"), { recursive: true, force: true });
    writeFileSync(join(dir, "node_modules"), "not a folder");
    assert.equal(papi(dir, RUN), reference);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
