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
    // the file only: under tsx, node:test reports the line and column of the transpiled code
    const where = d.file ? relative(process.cwd(), d.file) : "?";
    if (!isSuite) {
      s.tests++;
      if (d.skip !== undefined) s.skipped++;
      else if (d.todo !== undefined) s.todo++;
      else if (ev.type === "test:pass") s.pass++;
      else s.fail++;
      // scripts/test-entry.mjs gives every file a suite named after it: a test outside every suite escaped its file's
      if (d.nesting === 0) {
        s.failures.push({ name: d.name, where, message: "ran outside its file's suite (registered after a module-level await?): register a file's tests synchronously" });
      }
    }
    // a suite fails when one of its tests does (listed on its own) or when its import or one of its hooks does
    if (ev.type === "test:fail" && !(isSuite && err?.failureType === "subtestsFailed")) {
      const cause = err?.cause ?? err;
      const message = String(cause?.message ?? cause ?? "").split("\n").find((l) => l.trim() !== "") ?? "";
      s.failures.push({ name: d.name, where, message });
    }
  }
  yield JSON.stringify(s) + "\n";
}
