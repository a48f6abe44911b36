#!/usr/bin/env node
// Entry point of the `papi` command: runs the compiled JavaScript in dist/ (built by `npm run build`, which
// `npm ci` runs through the package's `prepare` script). No TypeScript is transpiled at run time.
import { existsSync } from "node:fs";

// `papi ... | head` closes the pipe early: stop quietly instead of printing a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("papi: error: dist/ is missing; run `npm run build` (or `npm ci`) in the package folder\n");
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
