// Regenerates test/golden/reproduce-summary.json from a fresh run (npm run golden:update). Run it only after an
// intended change of the numbers, and say in the commit why they moved.
import { writeFileSync } from "node:fs";
import { GOLDEN_ARGS, GOLDEN_FILE, goldenSummary } from "../test/golden/golden.ts";

const summary = await goldenSummary();
writeFileSync(GOLDEN_FILE, JSON.stringify(summary, null, 2) + "\n");
console.log(`wrote ${GOLDEN_FILE} (papi ${GOLDEN_ARGS.join(" ")})`);
