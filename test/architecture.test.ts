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

/**
 * The systems layer asks the unit in each role for a cost and never branches on a unit's kind (issue 16: "grep finds
 * no branch on unit kind in src/systems/ outside the unit registry"): no comparison or switch on a `kind`, no
 * comparison with a registered kind's name, no instanceof of a unit class. Block roles ("gpu", "pim", "hbm": which
 * run-config override reaches a hardware block, src/units/kind.ts) are not unit kinds. Comments and strings are
 * ignored. KIND_BRANCHES_KNOWN lists the files that still branch, each with why; the list must shrink, not grow.
 */
const KIND_BRANCHES_KNOWN: Record<string, string> = {
  // papi 0.2's system shape names device kinds (fcUnits: [gpu, pim], hostUnit: gpu | pim) and has one field per kind;
  // converting to and from it must look at kinds. No cost is computed there.
  "systems/legacy.ts": "toLegacy/fromLegacy: the 0.2 shape's fcUnits and hostUnit values and its gpu/fcStacks/attnStacks fields",
  "systems/legacy-schema.ts": "the 0.2 shape's rules on fcUnits and hostUnit",
};

/** A source file without its comments and with the contents of its string literals blanked, kind names excepted. */
function codeOnly(src: string, kindNames: readonly string[]): string {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => {
    if (m.startsWith("/")) return m.replace(/[^\n]/g, " ");
    const inner = m.slice(1, -1);
    return m[0] + (kindNames.includes(inner) ? inner : inner.replace(/[^\n]/g, "_")) + m[m.length - 1];
  });
}

/** The patterns of a kind branch, for the registered kind names. */
function kindBranchRules(kindNames: readonly string[]): [string, RegExp][] {
  const names = kindNames.map((k) => k.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")).join("|");
  const cmp = "(?<![=!])(?:===|!==|==|!=)(?!=)";
  return [
    ["compares a kind", new RegExp(`\\bkind\\s*${cmp}|${cmp}\\s*[\\w.?]*\\bkind\\b`)],
    ["switches on a kind", /\bswitch\s*\([^)]*\bkind\b/],
    ["instanceof a unit class", /\binstanceof\s+\w*Unit\b/],
    // a kind's name compared with anything but a block role
    ["compares with a kind name", new RegExp(`(?<!\\brole\\s*)${cmp}\\s*"(?:${names})"|"(?:${names})"\\s*${cmp}(?!\\s*[\\w.]*\\brole\\b)|\\.includes\\(\\s*"(?:${names})"\\s*\\)|\\bcase\\s+"(?:${names})"`)],
  ];
}

function kindBranchesIn(src: string, kindNames: readonly string[]): string[] {
  const rules = kindBranchRules(kindNames);
  const out: string[] = [];
  codeOnly(src, kindNames).split("\n").forEach((line, i) => {
    for (const [what, re] of rules) if (re.test(line)) out.push(`${i + 1}: ${what}: ${line.trim()}`);
  });
  return out;
}

test("no branch on unit kind in src/systems/ (the unit registry decides); known exceptions only, each still needed", async () => {
  const { UNIT_KINDS } = await import("../src/units/index.ts");
  const found: Record<string, string[]> = {};
  for (const f of files(join(SRC, "systems"))) {
    const hits = kindBranchesIn(readFileSync(f, "utf8"), UNIT_KINDS.names);
    if (hits.length > 0) found[relative(SRC, f)] = hits;
  }
  const unexpected = Object.entries(found).filter(([f]) => KIND_BRANCHES_KNOWN[f] === undefined);
  assert.deepEqual(unexpected, [], "a kind branch in src/systems/: ask the unit (its capabilities, resourceOf, blocks) instead");
  for (const f of Object.keys(KIND_BRANCHES_KNOWN)) assert.ok(found[f] !== undefined, `${f} no longer branches on kinds: drop it from KIND_BRANCHES_KNOWN`);
});

test("the kind-branch check finds what it looks for (and ignores block roles, comments and strings)", () => {
  const names = ["gpu", "pim", "hbm", "neupims"];
  const bad = ['if (u.kind === "gpu") x();', 'const g = "pim" !== unit.kind;', "switch (ctx.units[n].kind) {", '  case "hbm":', "if (u instanceof GpuUnit) {}", 'if (name === "neupims") {}', 'if (fcUnits.includes("gpu")) {}', "if (a.kind == b.kind) {}", "const x = kind !== k;"];
  for (const code of bad) assert.ok(kindBranchesIn(code, names).length >= 1, code);
  const ok = ['if (role === "gpu") x();', '.some((b) => b.role === "pim")', 'if ("hbm" === role) {}', '// if (u.kind === "gpu")', '/* u.kind === "gpu" */', 'const s = "u.kind === \\"gpu\\"";', "const c = UNIT_KINDS.get(u.kind).capabilities;", 'makeUnit("gpu", { kind: "gpu", device, count })', "if (e instanceof UserError) throw e;", 'const label = "gpu" + "pim";'];
  for (const code of ok) assert.deepEqual(kindBranchesIn(code, names), [], code);
});
