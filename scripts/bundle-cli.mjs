// Bundles the `papi` command into dist/cli-bundle/ (run by `npm run build`, hence by `npm ci` through `prepare`).
// Why: Node's ESM loader costs about a millisecond per module, and `papi run` loaded ~270 of them (dist/, zod,
// commander, yaml) before doing anything; and compiling the JavaScript it runs is a fifth of `papi run`'s CPU.
// - cli.cjs: the command, every part of papi and its pure-JavaScript packages in one script. Each module inside
//   still evaluates only when first imported (esbuild's lazy module wrappers), so a command runs only what it uses.
//   bin/papi.mjs runs it through node:vm with V8's code cache (bin/papi.mjs says where the cache lives and when it
//   is thrown away): Node 20 has no code cache for ES modules (module.enableCompileCache is Node >= 22.1), so the
//   script is a function body (CommonJS format) rather than a module.
// - vega.js and vega-lite.js (ES modules; vega uses top-level await, which a script cannot), loaded with import()
//   by the charts only; sweep-worker.js and sensitivity-worker.js, the worker threads' entries (ES modules, their
//   shared code in chunk-*.js). Worker threads are separate module instances anyway.
// bin/papi.mjs runs dist/cli/main.js (the compiled modules) when cli.cjs is missing.
//
// esbuild (the TypeScript transform tsx uses) is the bundler. Three things need care:
// - `new URL("../../data/...", import.meta.url)` in the sources is relative to the source file; in the bundle
//   import.meta.url is the output file, so the leading ../ part is rewritten for the output folder (every output
//   is at its top level: entryNames "[name]").
// - cli.cjs is not a module: `import.meta` in it is a variable bin/papi.mjs passes ({ url } of cli.cjs), and its
//   import() calls call a function it passes (see below).
// - zod's classic API exports every message locale (`z.locales`, half of zod's code); papi uses only the English
//   messages it installs by default, so the locale index is replaced by that one locale. (Nothing in src/ names
//   z.locales; scripts/bundle-cli.mjs fails the build if something does.)
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "cli-bundle");

const tsFiles = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? (n === "web" ? [] : tsFiles(p)) : p.endsWith(".ts") ? [p] : [];
  });
for (const f of tsFiles(join(root, "src"))) {
  if (/\blocales\b/.test(readFileSync(f, "utf8").replace(/\/\/.*$/gm, ""))) throw new Error(`${f} names zod locales; scripts/bundle-cli.mjs drops them`);
}

/** Rewrites the relative part of `new URL("../…", import.meta.url)` from the source file's folder to the output folder. */
const relocateUrls = {
  name: "papi-relocate-import-meta-urls",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      let text = readFileSync(args.path, "utf8");
      if (text.includes("import.meta.url")) {
        text = text.replace(/new URL\((["`])((?:\.\.\/)+)/g, (_m, quote, up) => {
          let rel = relative(outdir, resolve(dirname(args.path), up)).split("\\").join("/");
          rel = rel === "" ? "./" : `${rel}/`;
          return `new URL(${quote}${rel.startsWith(".") ? rel : `./${rel}`}`;
        });
      }
      return { contents: text, loader: "ts" };
    });
  },
};

/** zod's locale index, reduced to the English locale zod installs by default. */
const englishOnly = {
  name: "papi-zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: `export { default as en } from "./en.js";`, loader: "js", resolveDir: join(root, "node_modules", "zod", "v4", "locales") }));
  },
};

/** vega and vega-lite from cli.cjs: the ES module bundles next to it (the charts import() them). */
const vegaAsSiblings = {
  name: "papi-vega-siblings",
  setup(b) {
    b.onResolve({ filter: /^vega(-lite)?$/ }, (args) => ({ path: `./${args.path}.js`, external: true }));
  },
};

const common = {
  absWorkingDir: root,
  outdir,
  entryNames: "[name]",
  bundle: true,
  platform: "node",
  target: "node20",
  minify: true,
  // resvg is a native addon; it is loaded with require() where it is used
  external: ["@resvg/resvg-js", "tsx", "tsx/*"],
  logLevel: "warning",
  legalComments: "none",
};

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { "sweep-worker": "src/node/sweep-worker.ts", "sensitivity-worker": "src/report/sensitivity-worker.ts", vega: "node_modules/vega/build/vega.module.js", "vega-lite": "node_modules/vega-lite/build/index.js" },
  chunkNames: "chunk-[hash]",
  splitting: true,
  format: "esm",
  // bundled CommonJS packages (commander, yaml) call require() for Node's built-ins
  banner: { js: `import { createRequire as __papiCreateRequire } from "node:module"; const require = __papiCreateRequire(import.meta.url);` },
  plugins: [relocateUrls, englishOnly],
});
await build({
  ...common,
  entryPoints: { cli: "src/cli/main.ts" },
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  define: { "import.meta": "__papiImportMeta" },
  plugins: [relocateUrls, englishOnly, vegaAsSiblings],
});
// the first line names the bundle's content, for bin/papi.mjs's code cache (hashing 0.8 MB at every start, and
// loading node:crypto for it, would cost more than the cache saves on a short command)
const cli = join(outdir, "cli.cjs");
// ASCII, so bin/papi.mjs reads it as latin1 into a one-byte string: esbuild escapes non-ASCII in strings but not in
// regular expression literals (fig. tables' "✗"), where \uXXXX means the same (no String.raw in the bundle: checked)
let code = readFileSync(cli, "utf8");
// import() in a node:vm script needs an experimental option of Node 20 (it prints a warning when used): the bundle's
// few import() calls (vega's bundles, a built-in) call the __papiImport that bin/papi.mjs passes instead
for (const specifier of ["./vega.js", "./vega-lite.js", "node:worker_threads"]) {
  const call = `import(${JSON.stringify(specifier)})`;
  if (!code.includes(call)) throw new Error(`cli.cjs has no ${call} (update scripts/bundle-cli.mjs)`);
  code = code.replaceAll(call, `__papiImport(${JSON.stringify(specifier)})`);
}
const left = /\bimport\(\s*["'`][^$]/.exec(code);
if (left) throw new Error(`cli.cjs has an import() that bin/papi.mjs cannot run: ${code.slice(left.index, left.index + 60)}`);
if (code.includes("String.raw")) throw new Error("cli.cjs uses String.raw: escaping its non-ASCII characters would change it");
code = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
writeFileSync(cli, `// papi-bundle ${createHash("sha256").update(code).digest("hex").slice(0, 20)}\n${code}`);
