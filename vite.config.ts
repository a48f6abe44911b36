import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

/**
 * Builds the explorer (src/web) into dist/web as ONE self-contained index.html: the page script, its CSS and the
 * simulator worker (an inline Blob worker) are all inlined, so the page works from file:// (browsers refuse module
 * scripts and workers loaded from file:// URLs) and from any static host, offline. `npm run build` runs it.
 */
const root = fileURLToPath(new URL("./src/web/", import.meta.url));

/** Moves every emitted JS chunk and CSS file into index.html and drops the files. */
function inlineIntoHtml(): Plugin {
  return {
    name: "papi-inline-into-html",
    apply: "build",
    enforce: "post",
    generateBundle(_opts, bundle) {
      const html = Object.values(bundle).find((f) => f.type === "asset" && f.fileName.endsWith(".html"));
      if (!html || html.type !== "asset") return;
      let text = String(html.source);
      for (const [name, f] of Object.entries(bundle)) {
        if (f.type === "chunk") {
          const re = new RegExp(`<script type="module" crossorigin src="[^"]*${escapeRe(f.fileName)}"></script>`);
          if (!re.test(text)) continue;
          // "</script" inside the code would end the inline element: escape its slash (same meaning in JS strings and regexes)
          const code = f.code.replace(/<\/(script)/gi, "<\\/$1");
          text = text.replace(re, () => `<script type="module">${code}</script>`);
          delete bundle[name];
        } else if (f.fileName.endsWith(".css")) {
          const re = new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${escapeRe(f.fileName)}">`);
          if (!re.test(text)) continue;
          text = text.replace(re, () => `<style>${String(f.source)}</style>`);
          delete bundle[name];
        }
      }
      html.source = text;
    },
  };
}
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export default defineConfig({
  root,
  base: "./",
  logLevel: "warn",
  plugins: [inlineIntoHtml()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  worker: { format: "iife" },
  build: {
    outDir: fileURLToPath(new URL("./dist/web/", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    chunkSizeWarningLimit: 8192,
    modulePreload: false,
    rolldownOptions: { output: { codeSplitting: false }, checks: { pluginTimings: false } },
  },
});
