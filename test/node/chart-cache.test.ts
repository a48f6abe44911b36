import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { CHART_CACHE_MARKER, ChartCache } from "../../src/node/chart-cache.ts";
import { chartKey, renderChart, type VegaLiteSpec } from "../../src/report/plot.ts";

const spec = (title: string): VegaLiteSpec => ({
  title,
  data: { values: [{ x: "a", y: 1 }, { x: "b", y: 2 }] },
  mark: "bar",
  encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } },
});

test("a cached chart is copied, not rendered again; the bytes are those of a fresh render", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "papi-chart-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cache = ChartCache.open(join(dir, "cache"));
  const fresh = join(dir, "fresh");
  await renderChart(spec("one"), fresh);
  await renderChart(spec("one"), join(dir, "first"), cache);
  for (const ext of ["svg", "png"]) assert.ok(readFileSync(`${fresh}.${ext}`).equals(readFileSync(join(dir, `first.${ext}`))), ext);
  const key = chartKey(spec("one"));
  assert.deepEqual(readdirSync(join(dir, "cache")).sort(), [CHART_CACHE_MARKER, `${key}.png`, `${key}.svg`].sort());
  // the second render comes from the entry: mark it and see the mark in the output
  writeFileSync(join(dir, "cache", `${key}.svg`), "<svg>from the cache</svg>");
  await renderChart(spec("one"), join(dir, "second"), cache);
  assert.equal(readFileSync(join(dir, "second.svg"), "utf8"), "<svg>from the cache</svg>");
  // another spec is another key, rendered
  assert.notEqual(chartKey(spec("two")), key);
  assert.equal(chartKey(spec("one")), key);
  await renderChart(spec("two"), join(dir, "third"), cache);
  assert.match(readFileSync(join(dir, "third.svg"), "utf8"), /two/);
  // an entry without its SVG (a run killed between the two renames) is a miss
  rmSync(join(dir, "cache", `${key}.svg`));
  assert.equal(cache.get(key), undefined);
});

test("the cache folder is papi's only with its marker: created if missing, an empty one adopted, any other refused", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "papi-chart-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  ChartCache.open(join(dir, "new", "deep"));
  assert.ok(existsSync(join(dir, "new", "deep", CHART_CACHE_MARKER)));
  mkdirSync(join(dir, "empty"));
  ChartCache.open(join(dir, "empty"));
  assert.ok(existsSync(join(dir, "empty", CHART_CACHE_MARKER)));
  mkdirSync(join(dir, "user"));
  writeFileSync(join(dir, "user", "notes.txt"), "mine");
  assert.throws(() => ChartCache.open(join(dir, "user")), (e: Error) => e instanceof UserError && /not empty and not a papi chart cache/.test(e.message));
  assert.deepEqual(readdirSync(join(dir, "user")), ["notes.txt"]);
  writeFileSync(join(dir, "file"), "x");
  assert.throws(() => ChartCache.open(join(dir, "file")), /not a folder/);
});

test("a bad cache path is a one-line error, as every output's: empty, under a file, under a device; /proc does not hang", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "papi-chart-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "afile"), "x");
  const refused = (path: string, message: RegExp) => assert.throws(() => ChartCache.open(path), (e: Error) => e instanceof UserError && message.test(e.message), path);
  refused("", /^--chart-cache "": the path is empty; give a folder name$/);
  refused(" ", /the path is empty/);
  refused(join(dir, "afile", "sub"), /^--chart-cache .*afile\/sub: a parent of .* is not a folder$/);
  refused(join(dir, "afile"), /is not a folder$/);
  assert.equal(readFileSync(join(dir, "afile"), "utf8"), "x");
  if (process.platform !== "linux") return;
  refused("/dev/null/x", /a parent of \/dev\/null\/x is not a folder/);
  // Node's recursive mkdir spins forever here (mkdir /proc/papi-fz fails with ENOENT, so it retries from the parent):
  // run it in a child with a time limit, so a regression fails instead of hanging the test run
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "-e", `import("./src/node/chart-cache.ts").then((m) => m.ChartCache.open("/proc/papi-fz/x")).catch((e) => { console.log(e.constructor.name + ": " + e.message); })`],
    { encoding: "utf8", timeout: 30_000 },
  );
  assert.equal(child.signal, null, "hung");
  assert.equal(child.stdout.trim(), "UserError: --chart-cache /proc/papi-fz/x: cannot create folder /proc/papi-fz (ENOENT)");
});

test("reproduce checks --out before it creates the chart cache: a refused --out leaves no cache folder behind", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "papi-chart-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "user"));
  writeFileSync(join(dir, "user", "notes.txt"), "mine");
  const { reproduce } = await import("../../src/report/reproduce.ts");
  const o = { figures: ["fig4"], outDir: join(dir, "user"), protocol: "all-batches", seed: 1, trace: "dolly-creative", progress: false, sensitivity: false, chartCacheDir: join(dir, "cache") } as Parameters<typeof reproduce>[0];
  await assert.rejects(reproduce(o), (e: Error) => e instanceof UserError && /^--out .*user: the folder is not empty/.test(e.message));
  assert.ok(!existsSync(join(dir, "cache")));
  assert.deepEqual(readdirSync(join(dir, "user")), ["notes.txt"]);
});
