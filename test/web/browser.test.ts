import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { nodeLoader } from "../../src/node/loader.ts";
import { withDesignUnderStudy } from "../../src/serving/design-diff.ts";
import { runOnce, type RunResult } from "../../src/serving/run.ts";
import { parseModelUpload } from "../../src/web/simulate.ts";
import { papi } from "../cli/helpers.ts";

/**
 * The explorer in a real browser (Debian's Chromium driven by playwright-core): the page `papi explore --build`
 * writes, served by a local static server and opened from file://. The numbers it shows must be `papi run --json`'s
 * at the page's display rounding. Screenshots go to test-output/explorer/.
 */
const CHROMIUM = process.env.PAPI_CHROMIUM ?? "/usr/bin/chromium";
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const SHOTS = fileURLToPath(new URL("../../test-output/explorer/", import.meta.url));
const skip = !existsSync(CHROMIUM) && process.env.CI !== "true" ? `no Chromium at ${CHROMIUM} (.ci/run installs it; apt-get install chromium)` : false;
const TIMEOUT_MS = 120_000;
// test-lane: process (it mostly waits on Chromium, so it runs beside the other tests: scripts/run-tests.mjs)

let browser: Browser;
let server: Server;
let base: string;
let pageDir: string;
const problems: string[] = [];

before(async () => {
  if (skip) return;
  pageDir = mkdtempSync(join(tmpdir(), "papi-explore-"));
  const built = await papi(["explore", "--build", pageDir]);
  assert.equal(built.status, 0, built.stderr);
  // a plain static server: the page needs nothing but its one file
  server = createServer((req, res) => {
    const file = join(pageDir, (req.url ?? "/").split(/[?#]/)[0] === "/" ? "index.html" : "missing");
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on("console", (m) => void (m.type() === "error" && problems.push(`console: ${m.text()}`)));
  page.on("pageerror", (e) => void problems.push(`page error: ${e.message}`));
  await page.goto(url);
  return page;
}

/** Waits until the page shows the result of exactly this config (its hash) and is done computing. */
async function waitForResult(page: Page, expected: RunResult): Promise<void> {
  await page.waitForFunction(
    (hash) => document.querySelector("#config-hash")?.textContent === hash && document.querySelector(".page")?.getAttribute("data-state") !== "busy",
    expected.configHash,
  );
}

/** The page's headline numbers equal the CLI's at the page's rounding (that of `papi run`'s text output). */
async function assertShows(page: Page, cli: RunResult): Promise<void> {
  assert.equal(await page.textContent("#latency"), cli.latencySec.toFixed(3));
  assert.equal(await page.textContent("#energy"), cli.energyJoules.toFixed(1));
  assert.equal(await page.textContent("#tokens-per-sec"), cli.tokensPerSec.toFixed(1));
}

/**
 * Types a number and commits it, in one step in the page: as two steps (fill, then the change event) a re-render in
 * between (the answer to an earlier change arriving) put the controlled input's old value back, and the change was
 * lost (seen on a loaded machine once answers came sooner).
 */
async function setNumber(page: Page, selector: string, value: number): Promise<void> {
  await page.$eval(selector, (el, v) => {
    const input = el as HTMLInputElement;
    input.value = v;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }, String(value));
}

async function cliJson(args: string[], cwd?: string): Promise<RunResult> {
  const r = await papi(["run", ...args, "--json"], { cwd });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as RunResult;
}

const loader = nodeLoader(FIXTURES);
/** What the page shows for a config: the run with its design under study (and the hash of the config as written). */
const expected = (cfg: Parameters<typeof runOnce>[0]) => withDesignUnderStudy(runOnce(cfg, { loader }), (cfg as { system?: unknown }).system);
const mistral = parseModelUpload(readFileSync(join(FIXTURES, "mistral-7b-config.json"), "utf8"), "mistral-7b-config.json").model;

test("the explorer: controls, uploads, the Fig. 8 column and a shared link, equal to papi run", { skip, timeout: 10 * TIMEOUT_MS }, async () => {
  const page = await open(base);
  await waitForResult(page, expected({}));
  await assertShows(page, await cliJson([]));

  // batch 16 -> 64 and speculation 1 -> 4 (the CLI's default is 4: first down to 1)
  await setNumber(page, "#spec", 1);
  await waitForResult(page, expected({ spec: 1 }));
  await assertShows(page, await cliJson(["--batch", "16", "--spec", "1"]));
  await setNumber(page, "#batch", 64);
  await setNumber(page, "#spec", 4);
  await waitForResult(page, expected({ batch: 64, spec: 4 }));
  await assertShows(page, await cliJson(["--batch", "64", "--spec", "4"]));
  await page.screenshot({ path: join(SHOTS, "scheduler.png"), fullPage: true });

  // the same point on the six systems
  await page.click("#tab-systems");
  await page.waitForSelector("#systems-table");
  const rows = await page.$$eval("#systems-table tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
  assert.equal(rows.length, 6);
  const papiRow = rows.find((r) => r[0] === "PAPI")!;
  assert.equal(papiRow[1], (await cliJson(["--system", "papi", "--batch", "64", "--spec", "4"])).latencySec.toFixed(3));
  assert.equal(rows.find((r) => r[0] === "A100+AttAcc")![5], "1.00x");
  await page.waitForSelector("#chart-systems canvas");
  await page.screenshot({ path: join(SHOTS, "systems.png"), fullPage: true });

  // a Hugging Face config.json: the run equals papi run --model FILE
  await page.click("#tab-scheduler");
  await page.setInputFiles("#model-file", join(FIXTURES, "mistral-7b-config.json"));
  await waitForResult(page, expected({ batch: 64, model: mistral }));
  await assertShows(page, await cliJson(["--model", "mistral-7b-config.json", "--batch", "64"], FIXTURES));

  // a trace CSV, then a bad one: the CLI's one-line message, and the good trace stays
  await page.setInputFiles("#trace-file", join(FIXTURES, "small-trace.csv"));
  await waitForResult(page, expected({ batch: 64, model: mistral, trace: "small-trace.csv" }));
  await assertShows(page, await cliJson(["--model", "mistral-7b-config.json", "--batch", "64", "--trace", "small-trace.csv"], FIXTURES));
  await page.setInputFiles("#trace-file", join(FIXTURES, "bad-trace.csv"));
  await page.waitForSelector("#upload-error");
  const cliError = (await papi(["run", "--trace", "bad-trace.csv"], { cwd: FIXTURES })).stderr;
  assert.equal(`papi: error: ${await page.textContent("#upload-error")}\n`, cliError);
  assert.equal(await page.$eval("#trace", (s) => (s as HTMLSelectElement).value), "uploaded");

  // one hardware knob, then the link: a new page restores all of it (the uploads travel in the link)
  await setNumber(page, "#fcpim-fpus", 2);
  const final = expected({ batch: 64, model: mistral, trace: "small-trace.csv", hardware: { fcPim: { numFpus: 2 } } });
  await waitForResult(page, final);
  await page.screenshot({ path: join(SHOTS, "uploads.png"), fullPage: true });
  const link = page.url();
  assert.match(link, /batch=64&.*hardware\.fcPim\.numFpus=2.*_tracefile=small-trace\.csv&_tracedata=/);
  const shared = await open(link);
  await waitForResult(shared, final);
  assert.equal(await shared.textContent("#latency"), final.latencySec.toFixed(3));
  assert.equal(await shared.inputValue("#batch"), "64");
  assert.equal(await shared.inputValue("#fcpim-fpus"), "2");
  assert.equal(await shared.$eval("#model", (s) => (s as HTMLSelectElement).value), "uploaded");

  // the export view: the command line runs to the same result
  await shared.click("#tab-export");
  const command = (await shared.textContent("#command"))!;
  assert.equal(command, "papi run --model mistral-7b-config.json --trace small-trace.csv --batch 64 --set hardware.fcPim.numFpus=2");
  await shared.close();

  // the design under study: the preset and the overridden field; the system's description no longer claims 4P1B
  assert.match((await page.textContent("#design-under-study"))!, /the papi preset with\s*system\.units\.fc-pim\.design\.numFpus = 2 \(preset: 4\)/);
  assert.match((await page.textContent("#system-description"))!, /\(preset description\)$/);

  // an edited trace of the same name and byte length: a new run and a new link (keyed by content, not length)
  const text = readFileSync(join(FIXTURES, "small-trace.csv"), "utf8");
  const edited = text.replace("\n100,40,", "\n900,40,"); // one prompt 9x longer, same byte length
  assert.equal(edited.length, text.length);
  assert.notEqual(edited, text);
  const dir = mkdtempSync(join(tmpdir(), "papi-edited-"));
  try {
    writeFileSync(join(dir, "small-trace.csv"), edited);
    await page.setInputFiles("#trace-file", { name: "small-trace.csv", mimeType: "text/csv", buffer: Buffer.from(edited) });
    const cfg = { batch: 64, model: mistral, trace: "small-trace.csv", hardware: { fcPim: { numFpus: 2 } } };
    const editedRun = withDesignUnderStudy(runOnce(cfg, { loader: nodeLoader(dir) }), undefined);
    assert.notEqual(editedRun.latencySec.toFixed(3), final.latencySec.toFixed(3));
    // the config (and its hash) names the trace, not its content: wait for the new numbers instead
    await page.waitForFunction((want) => document.querySelector("#latency")?.textContent === want && document.querySelector(".page")?.getAttribute("data-state") !== "busy", editedRun.latencySec.toFixed(3));
    await assertShows(page, editedRun);
    await page.waitForFunction((old) => location.href !== old, link);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await page.close();
  assert.deepEqual(problems, []);
});

test("the built page works from file:// (no server, no network)", { skip, timeout: 4 * TIMEOUT_MS }, async () => {
  const page = await open(pathToFileURL(join(pageDir, "index.html")).href + "#batch=4&spec=2&system=a100-attacc");
  const cli = await cliJson(["--system", "a100-attacc", "--batch", "4", "--spec", "2"]);
  await waitForResult(page, cli);
  await assertShows(page, cli);
  await page.click("#tab-pim");
  await page.waitForSelector("#chart-pim-attn canvas");
  await page.screenshot({ path: join(SHOTS, "file-url-pim.png"), fullPage: true });
  // a value out of range: the schema's one-line message, and the page stays up
  await setNumber(page, "#batch", 0);
  await page.waitForSelector("#error");
  assert.equal(await page.textContent("#error"), "config: batch: must be an integer in [1, 65536]");
  // the last result no longer matches the controls: greyed out; the error box wraps inside its panel
  assert.ok(await page.$eval(".results", (e) => e.classList.contains("stale")));
  assert.equal(await page.$eval("#error", (e) => getComputedStyle(e).overflowWrap), "anywhere");
  await page.close();
  assert.deepEqual(problems, []);
});

test("a chart drawn again for new data (same spec but its points) is, pixel for pixel, the chart drawn afresh", { skip, timeout: 4 * TIMEOUT_MS }, async () => {
  const canvases = (page: Page) => page.$$eval(".chart", (els) => Object.fromEntries(els.map((e) => [e.id, [...e.querySelectorAll("canvas")].map((c) => c.toDataURL()).join("|")])));
  const drawn = (page: Page, id: string, n: number) => page.waitForSelector(`#${id}[data-drawn="${n}"]`);
  const page = await open(`${base}#batch=8`);
  await waitForResult(page, expected({ batch: 8 }));
  await drawn(page, "chart-scheduler", 1);
  await page.$eval("#chart-scheduler canvas", (c) => void ((c as unknown as { papiMark: boolean }).papiMark = true));
  await setNumber(page, "#batch", 24);
  await waitForResult(page, expected({ batch: 24 }));
  await drawn(page, "chart-scheduler", 2);
  await drawn(page, "chart-split", 2);
  await drawn(page, "chart-energy-by-device", 2);
  // drawn on the same canvas (the view's data updated, not a new chart)
  assert.equal(await page.$eval("#chart-scheduler canvas", (c) => (c as unknown as { papiMark?: boolean }).papiMark === true), true);
  const updated = await canvases(page);
  const fresh = await open(`${base}#batch=24`);
  await waitForResult(fresh, expected({ batch: 24 }));
  await drawn(fresh, "chart-scheduler", 1);
  await drawn(fresh, "chart-split", 1);
  await drawn(fresh, "chart-energy-by-device", 1);
  const afresh = await canvases(fresh);
  assert.deepEqual(Object.keys(updated).sort(), ["chart-energy-by-device", "chart-scheduler", "chart-split"]);
  for (const id of Object.keys(updated)) assert.ok(updated[id] === afresh[id] && updated[id].length > 1000, `${id} differs from the chart drawn afresh`);
  await page.close();
  await fresh.close();
  assert.deepEqual(problems, []);
});
