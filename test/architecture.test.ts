import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, dirname, resolve } from "node:path";

// Imports flow one way: core <- hardware, models <- systems <- scheduling <- serving <- report <- cli, web.
const RANK: Record<string, number> = { core: 0, hardware: 1, models: 1, systems: 2, scheduling: 3, serving: 4, report: 5, cli: 6, web: 6 };
const SRC = resolve("src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}
const layer = (p: string) => relative(SRC, p).split("/")[0];

test("imports point downward only, and hardware and models never import each other", () => {
  const bad: string[] = [];
  for (const f of files(SRC)) {
    const from = layer(f);
    for (const m of readFileSync(f, "utf8").matchAll(/from\s+"(\.[^"]+)"/g)) {
      const to = layer(resolve(dirname(f), m[1]));
      const sideways = (from === "hardware" && to === "models") || (from === "models" && to === "hardware");
      if (RANK[to] > RANK[from] || sideways) bad.push(`${relative(SRC, f)} -> ${m[1]}`);
    }
  }
  assert.deepEqual(bad, []);
});
