// Runs every test/**/*.test.ts with node:test through tsx (Node 20 has no glob for --test), fast-check seeded
// by test/fc-seed.mjs.
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : p.endsWith(".test.ts") ? [p] : [];
  });
}
const only = process.argv.slice(2);
const files = only.length > 0 ? only : find("test").sort();
// an absolute URL: worker threads inherit the flags and may run with another working directory
const seed = pathToFileURL(resolve("test/fc-seed.mjs")).href;
const r = spawnSync(process.execPath, ["--import", "tsx", "--import", seed, "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
