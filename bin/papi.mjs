#!/usr/bin/env node
// Entry point of the `papi` command: loads the TypeScript sources through tsx (no build step).
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
