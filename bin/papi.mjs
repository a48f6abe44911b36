#!/usr/bin/env node
// Entry point of the `papi` command: runs the bundled JavaScript in dist/cli-bundle/ (built by `npm run build`,
// which `npm ci` runs through the package's `prepare` script; scripts/bundle-cli.mjs), or the compiled modules in
// dist/cli/ when the bundle is missing. No TypeScript is transpiled at run time.
import { existsSync } from "node:fs";

// `papi ... | head` closes the pipe early: stop quietly instead of printing a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const entry = [new URL("../dist/cli-bundle/cli.js", import.meta.url), new URL("../dist/cli/main.js", import.meta.url)].find((u) => existsSync(u));
if (!entry) {
  process.stderr.write("papi: error: dist/ is missing; run `npm run build` (or `npm ci`) in the package folder\n");
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
