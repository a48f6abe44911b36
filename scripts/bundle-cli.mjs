// Bundles the `papi` command into dist/cli-bundle/ (run by `npm run build`, hence by `npm ci` through `prepare`).
// Why: Node's ESM loader costs about a millisecond per module, and `papi run` loaded ~270 of them (dist/, zod,
// commander, yaml) before doing anything. The bundle is a few files: cli.js (the entry), the worker entries
// (sweep-worker.js, sensitivity-worker.js) and chunks, one per lazily imported part (each command's implementation,
// vega, YAML), so a command still loads only what it uses. bin/papi.mjs runs it (dist/cli/main.js if it is missing).
//
// esbuild (the TypeScript transform tsx uses) is the bundler. Two things need care:
// - `new URL("../../data/...", import.meta.url)` in the sources is relative to the source file; in the bundle
//   import.meta.url is the output file, so the leading ../ part is rewritten for the output folder (every output
//   is at its top level: entryNames "[name]").
// - zod's classic API exports every message locale (`z.locales`, half of zod's code); papi uses only the English
//   messages it installs by default, so the locale index is replaced by that one locale. (Nothing in src/ names
//   z.locales; scripts/bundle-cli.mjs fails the build if something does.)
import { build } from "esbuild";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
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

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: "src/cli/main.ts", "sweep-worker": "src/node/sweep-worker.ts", "sensitivity-worker": "src/report/sensitivity-worker.ts" },
  outdir,
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  // resvg is a native addon; it is loaded with require() where it is used
  external: ["@resvg/resvg-js", "tsx", "tsx/*"],
  // bundled CommonJS packages (commander, yaml) call require() for Node's built-ins
  banner: { js: `import { createRequire as __papiCreateRequire } from "node:module"; const require = __papiCreateRequire(import.meta.url);` },
  plugins: [relocateUrls, englishOnly],
  logLevel: "warning",
  legalComments: "none",
});
