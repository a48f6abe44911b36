import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, dirname, resolve } from "node:path";

// Imports flow one way: core <- hardware, models <- units, fabric <- systems <- scheduling <- serving <- sweep <- node <- report
// <- cli, web (and index.ts, the JS API, on top). src/node is the Node-only I/O edge (files, workers, processes).
// units (the device interface systems compose) joins hardware and models; fabric (topologies and collectives)
// builds on hardware/links; units and fabric do not import each other.
const RANK: Record<string, number> = { core: 0, hardware: 1, models: 1, units: 1.5, fabric: 1.5, systems: 2, scheduling: 3, serving: 4, sweep: 4.2, node: 4.5, report: 5, cli: 6, web: 6, "index.ts": 7 };
/** Layers that must also run in a browser (the explorer's Web Worker): no Node built-ins, no src/node. */
const PORTABLE = new Set(["core", "hardware", "models", "units", "fabric", "systems", "scheduling", "serving", "sweep"]);
const SRC = resolve("src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(p) ? [p] : [];
  });
}
const layer = (p: string) => relative(SRC, p).split("/")[0];
const imports = (f: string) => [...readFileSync(f, "utf8").matchAll(/(?:from\s+|import\()\s*"([^"]+)"/g)].map((m) => m[1]);

test("every source file belongs to a known layer", () => {
  assert.deepEqual(files(SRC).map(layer).filter((l) => !(l in RANK)), []);
});

test("imports point downward only; hardware and models never import each other, nor units and fabric", () => {
  const bad: string[] = [];
  for (const f of files(SRC)) {
    const from = layer(f);
    for (const m of imports(f).filter((s) => s.startsWith("."))) {
      const to = layer(resolve(dirname(f), m));
      const pair = (a: string, b: string) => (from === a && to === b) || (from === b && to === a);
      const sideways = pair("hardware", "models") || pair("units", "fabric");
      if (RANK[to] > RANK[from] || sideways) bad.push(`${relative(SRC, f)} -> ${m}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("the simulator core imports nothing from Node (it runs in a browser worker)", () => {
  const bad: string[] = [];
  for (const f of files(SRC).filter((p) => PORTABLE.has(layer(p)))) {
    for (const m of imports(f)) {
      if (m.startsWith("node:") || ["fs", "path", "os", "url", "worker_threads", "child_process"].includes(m)) bad.push(`${relative(SRC, f)} -> ${m}`);
    }
    if (/\bprocess\.(env|cwd|argv|exit|stdout|stderr)/.test(readFileSync(f, "utf8"))) bad.push(`${relative(SRC, f)} uses process`);
  }
  assert.deepEqual(bad, []);
});

/** Imports that survive compilation (type-only imports are erased, so a page may name a Node module's types). */
const runtimeImports = (f: string) =>
  [...readFileSync(f, "utf8").matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)|^\s*import\s+"([^"]+)"/gm)]
    .filter((m) => m[2] === undefined)
    .map((m) => m[3] ?? m[4] ?? m[5]);

test("the explorer page reaches nothing from Node, not even through the report modules it reuses", () => {
  const seen = new Set<string>();
  const bad: string[] = [];
  const visit = (f: string, via: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const m of runtimeImports(f)) {
      if (m.startsWith("node:") || ["fs", "path", "os", "url", "worker_threads", "child_process", "@resvg/resvg-js"].includes(m)) bad.push(`${via} -> ${relative(SRC, f)} -> ${m}`);
      if (!m.startsWith(".")) continue;
      const target = resolve(dirname(f), m.replace(/\?.*$/, ""));
      if (layer(target) === "node" || layer(target) === "cli") bad.push(`${via} -> ${relative(SRC, f)} -> ${m}`);
      if (/\.tsx?$/.test(target)) visit(target, via);
    }
  };
  const web = files(join(SRC, "web"));
  assert.ok(web.some((f) => f.endsWith("worker.ts")) && web.some((f) => f.endsWith("app.tsx")));
  for (const f of web) visit(f, relative(SRC, f));
  assert.deepEqual(bad, []);
  // the walk does reach the simulator and the report's pure chart builders
  assert.ok([...seen].some((f) => f.endsWith("serving/run.ts")) && [...seen].some((f) => f.endsWith("report/run-charts.ts")));
});
