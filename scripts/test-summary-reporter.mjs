// A node:test reporter for scripts/run-tests.mjs (next to the spec reporter): writes one JSON line with the counts
// and the failures (name, file, first line of the error), so the runner can sum up its lanes at the end.
import { relative } from "node:path";

export default async function* summary(source) {
  const s = { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0, failures: [] };
  for await (const ev of source) {
    if (ev.type !== "test:pass" && ev.type !== "test:fail") continue;
    const d = ev.data;
    const isSuite = d.details?.type === "suite";
    const err = d.details?.error;
    // a suite fails when one of its tests does (listed on its own) or when one of its hooks does (listed here)
    if (isSuite && (ev.type === "test:pass" || err?.failureType === "subtestsFailed")) continue;
    if (!isSuite) {
      s.tests++;
      if (d.skip !== undefined) s.skipped++;
      else if (d.todo !== undefined) s.todo++;
      else if (ev.type === "test:pass") s.pass++;
    }
    if (ev.type === "test:fail") {
      if (!isSuite) s.fail++;
      const cause = err?.cause ?? err;
      const message = String(cause?.message ?? cause ?? "").split("\n").find((l) => l.trim() !== "") ?? "";
      // the file only: under tsx, node:test reports the line and column of the transpiled code
      const where = d.file ? relative(process.cwd(), d.file) : "?";
      s.failures.push({ name: d.name, where, message });
    }
  }
  yield JSON.stringify(s) + "\n";
}
