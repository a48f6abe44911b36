import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// What `papi run` loads before it runs: the CLI entry and the modules its action imports. None of them may reach a
// package only other commands need (YAML without a YAML file, charts, Parquet, markdown) through static imports;
// those load with import() or createRequire where they are used.
const SRC = resolve("src");
const RUN_ROOTS = ["cli/main.ts", "node/run-config.ts", "node/loader.ts", "serving/run.ts", "serving/timeline.ts", "serving/recorder.ts", "node/output.ts", "node/traces.ts"];
const HEAVY = ["yaml", "vega", "vega-lite", "@resvg/resvg-js", "hyparquet-writer", "marked", "cli-progress"];

/** Static, runtime imports of a source file (type-only imports are erased; import() is lazy). */
const staticImports = (f: string) =>
  [...readFileSync(f, "utf8").matchAll(/^\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm)]
    .filter((m) => m[1] === undefined)
    .map((m) => m[2] ?? m[3]);

test("papi run's modules reach no heavy package through static imports", () => {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const m of staticImports(f)) {
      if (m.startsWith(".")) visit(resolve(dirname(f), m));
      else packages.set(m, f.slice(SRC.length + 1));
    }
  };
  for (const r of RUN_ROOTS) visit(join(SRC, r));
  assert.ok(seen.size > 50, `walked ${seen.size} modules`); // the walk follows the graph (zod and commander are reached)
  assert.ok(packages.has("zod") && packages.has("commander"));
  assert.deepEqual(HEAVY.filter((p) => packages.has(p)).map((p) => `${p} (from ${packages.get(p)})`), []);
});

test("the bundled CLI's data paths point at the package's data (after npm run build)", (t) => {
  const dir = fileURLToPath(new URL("../../dist/cli-bundle/", import.meta.url));
  if (!existsSync(dir)) return t.skip("dist/cli-bundle/ is not built (npm run build)");
  const urls = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".js") || n.endsWith(".cjs"))) {
    for (const m of readFileSync(join(dir, f), "utf8").matchAll(/new URL\(["`](\.[^"`$]*)/g)) urls.add(m[1]);
  }
  // the shipped data folders, the explorer build: each relative prefix resolves to an existing folder of the package
  assert.ok(urls.size >= 5, [...urls].join(", "));
  for (const u of urls) {
    const target = resolve(dir, u.slice(0, u.lastIndexOf("/") + 1));
    assert.ok(target.startsWith(resolve(dir, "../..")), `${u} leaves the package`);
    assert.ok(existsSync(target), `${u} -> ${target} does not exist`);
  }
  for (const entry of ["cli.cjs", "sweep-worker.js", "sensitivity-worker.js", "vega.js", "vega-lite.js"]) assert.ok(existsSync(join(dir, entry)), entry);
});
