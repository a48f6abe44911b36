import { test } from "node:test";
import assert from "node:assert/strict";
import { isCleanUserError, papi } from "./helpers.ts";

// An empty (or blank) path is a mistake, never "no file" or the current folder: one line naming the flag, exit 2.
test("empty input paths: a sweep spec, --measurements, --reference, --config, a model file", async () => {
  const cases: [string[], string][] = [
    [["sweep", ""], 'papi: error: "": the path is empty; give a file name\n'],
    [["sweep", "  "], 'papi: error: "  ": the path is empty; give a file name\n'],
    [["validate", "gpu", "--measurements", ""], 'papi: error: --measurements "": the path is empty; give a folder name\n'],
    [["validate", "collectives", "--measurements", ""], 'papi: error: --measurements "": the path is empty; give a folder name\n'],
    [["validate", "pim", "--reference", " "], 'papi: error: --reference " ": the path is empty; give a folder name\n'],
  ];
  for (const [args, stderr] of cases) {
    const r = await papi(args);
    assert.ok(isCleanUserError(r), `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr, stderr, args.join(" "));
  }
});
