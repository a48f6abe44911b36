import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCleanUserError, papi } from "../cli/helpers.ts";

describe('--config "" is refused like every empty path, never read as "no config"', () => {
  test("papi run, calibrate and reproduce: one line, exit 2, nothing written", async () => {
    const d = mkdtempSync(join(tmpdir(), "papi-empty-config-"));
    try {
      for (const args of [
        ["run", "--config", "", "--requests", "2"],
        ["run", "--config", "  ", "--requests", "2"],
        ["calibrate", "--config", ""],
        ["reproduce", "--figures", "fig4", "--no-sensitivity", "--out", join(d, "rp"), "--config", ""],
      ]) {
        const r = await papi(args);
        assert.ok(isCleanUserError(r), `${args.join(" ")}: ${r.status} ${r.stderr}`);
        assert.match(r.stderr, /^papi: error: --config "\s*": the path is empty; give a file name\n$/, args.join(" "));
      }
      assert.deepEqual(readdirSync(d), []);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
