#!/usr/bin/env node
// Entry point of the `papi` command: loads the TypeScript sources through tsx (no build step).
import { register } from "tsx/esm/api";

// `papi ... | head` closes the pipe early: stop quietly instead of printing a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
