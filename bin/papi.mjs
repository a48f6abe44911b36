#!/usr/bin/env node
// Entry point of the `papi` command: runs the bundled JavaScript dist/cli-bundle/cli.cjs (built by `npm run build`,
// which `npm ci` runs through the package's `prepare` script; scripts/bundle-cli.mjs), or the compiled modules in
// dist/cli/ when the bundle is missing. No TypeScript is transpiled at run time.
//
// V8 code cache: compiling the bundle's functions is about a fifth of a short command's CPU, so the compiled code
// is kept, as Node >= 22.1's module.enableCompileCache does (Node 20 has no cache for ES modules; the bundle is a
// script). Where: node_modules/.cache/papi/ in the package folder (never the user's folder), one file per
// subcommand (each compiles different functions) named by the bundle's hash and the Node version, so a rebuilt
// bundle or another Node never meets an old cache (caches of other bundles go once a day old); V8 also checks its version and flags and rejects a cache that
// does not match (then it compiles as without one and the file is written again). The file is written after the
// command ran (it then holds every function the command compiled), atomically (temporary file, then rename);
// without write access there is simply no cache. PAPI_NO_COMPILE_CACHE=1 turns it off.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

// Write errors on stdout and stderr (`papi ... | head` closing the pipe early: exit 0 quietly; a full device: one
// line, exit 2) are handled by main() itself (src/cli/io.ts, guardProcessStreams), for the bundle and dist/cli alike.

const DAY_MS = 24 * 3600 * 1000;
const bundleUrl = new URL("../dist/cli-bundle/cli.cjs", import.meta.url);
const modulesUrl = new URL("../dist/cli/main.js", import.meta.url);

/** The bundle's `main`, and a function that writes the code cache when it is missing or was rejected. */
function loadBundle() {
  const file = fileURLToPath(bundleUrl);
  const source = readFileSync(file, "latin1"); // ASCII: scripts/bundle-cli.mjs escapes the rest
  let cacheDir;
  let cacheFile;
  let key;
  let cachedData;
  if (process.env.PAPI_NO_COMPILE_CACHE !== "1") {
    cacheDir = fileURLToPath(new URL("../node_modules/.cache/papi/", import.meta.url));
    const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? "") ? process.argv[2] : "other";
    // the bundle's first line is "// papi-bundle <hash of the rest>" (scripts/bundle-cli.mjs)
    key = `${/^\/\/ papi-bundle ([0-9a-f]+)\n/.exec(source)?.[1] ?? "unknown"}-node${process.versions.node}-${process.arch}`;
    cacheFile = `${cacheDir}cli-${key}-${command}.v8cache`;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // the bundle is a function body: CommonJS's arguments, import.meta (it is not a module) and import() (a script's
  // own import() needs an experimental option on Node 20; scripts/bundle-cli.mjs rewrites the calls)
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __papiImportMeta, __papiImport) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} };
  const importFromBundle = (specifier) => import(specifier.startsWith(".") ? new URL(specifier, bundleUrl).href : specifier);
  script.runInThisContext()(module.exports, createRequire(file), module, file, fileURLToPath(new URL(".", bundleUrl)), { url: bundleUrl.href }, importFromBundle);
  const saveCache = () => {
    if (cacheFile === undefined || (cachedData !== undefined && !script.cachedDataRejected)) return;
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
      // caches of other bundles (an earlier build) are removed once a day old: two checkouts sharing node_modules
      // would otherwise remove each other's
      const current = `cli-${key}-`;
      for (const f of readdirSync(cacheDir)) {
        // only papi's own cache files (and temporaries of a killed write) of another bundle
        if (!/^cli-.+\.v8cache(\.\d+\.tmp)?$/.test(f) || f.startsWith(current)) continue;
        const path = `${cacheDir}${f}`;
        if (Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { force: true });
      }
    } catch {
      // no write access (a read-only or shared install): run without a cache
    }
  };
  return { main: module.exports.main, saveCache };
}

if (existsSync(bundleUrl)) {
  const { main, saveCache } = loadBundle();
  process.exitCode = await main(process.argv);
  saveCache();
} else if (existsSync(modulesUrl)) {
  const { main } = await import(modulesUrl.href);
  process.exitCode = await main(process.argv);
} else {
  process.stderr.write("papi: error: dist/ is missing; run `npm run build` (or `npm ci`) in the package folder\n");
  process.exit(2);
}
