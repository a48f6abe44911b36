/**
 * The explorer in Debian's Chromium (playwright-core), on the built page (dist/web/index.html, `npm run build`):
 * - page load to the first result on screen;
 * - control to screen: the batch size control changed (a `change` event, as the page's number input commits it) to
 *   the frame in which the page shows the new result: the last change to the page's DOM that follows (the status,
 *   the numbers, the charts' SVG) and then the next frame after it, i.e. two requestAnimationFrame callbacks (the
 *   second runs after the frame that drew the change was painted). Charts drawn on a canvas from such a change are
 *   drawn in that frame too. The page's Web Worker simulates the whole trace each time; that time is included.
 * - the worker's own time to recompute one Fig. 8 point (6 systems x 709 requests).
 * Run by `npm run bench` (bench/run.ts); alone: `node --import tsx bench/explorer.ts [--quick]`.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { median } from "./lib.ts";

const PAGE = fileURLToPath(new URL("../dist/web/index.html", import.meta.url));
const CHROMIUM = process.env.PAPI_CHROMIUM ?? "/usr/bin/chromium";

export interface ExplorerResult {
  loadMs: number[];
  controlToScreenMs: number[];
  fig8PointMs: number[];
}

/** One control change: time from the change event to the frame after the page's last resulting DOM change. */
async function controlToScreen(page: Page, batch: number): Promise<number> {
  await page.evaluate((value) => {
    const w = window as unknown as { __bench: { t0: number; lastMutationAt: number; paintedAt: number }; __benchObserver?: MutationObserver };
    w.__benchObserver?.disconnect();
    const b = (w.__bench = { t0: 0, lastMutationAt: 0, paintedAt: 0 });
    const observer = new MutationObserver(() => {
      const at = performance.now();
      b.lastMutationAt = at;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        if (b.lastMutationAt === at) b.paintedAt = performance.now();
      }));
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    w.__benchObserver = observer;
    const input = document.querySelector<HTMLInputElement>("#batch")!;
    input.value = String(value);
    b.t0 = performance.now();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }, batch);
  // the result is on screen once the page is ready again and nothing has changed for 400 ms
  await page.waitForSelector(".page[data-state=ready]", { timeout: 120_000 });
  for (;;) {
    const b = await page.evaluate(() => (window as unknown as { __bench: { t0: number; lastMutationAt: number; paintedAt: number } }).__bench);
    const now = await page.evaluate(() => performance.now());
    if (b.paintedAt > 0 && b.paintedAt >= b.lastMutationAt && now - b.lastMutationAt > 400) return b.paintedAt - b.t0;
    await page.waitForTimeout(100);
  }
}

export async function explorerBench(quick: boolean): Promise<ExplorerResult | string> {
  if (!existsSync(CHROMIUM)) return `skipped: no Chromium at ${CHROMIUM}`;
  if (!existsSync(PAGE)) return "skipped: dist/web/index.html missing (npm run build)";
  const html = readFileSync(PAGE);
  const server = createServer((_req, res) => void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const loadMs: number[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const page = await browser.newPage();
      const t0 = Date.now();
      await page.goto(url);
      await page.waitForSelector("#latency", { timeout: 120_000 });
      loadMs.push(Date.now() - t0);
      await page.close();
    }
    // control to screen: batch sizes that each differ from the one before (every change reruns the trace)
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(url);
    await page.waitForSelector("#latency", { timeout: 120_000 });
    await page.waitForSelector(".page[data-state=ready]");
    const batches = [8, 16, 32, 12, 24, 48, 20, 40, 64, 4, 28, 56, 36, 44, 52, 60];
    const warmup = 3;
    const controlToScreenMs: number[] = [];
    for (const [i, batch] of (quick ? batches.slice(0, 6) : batches).entries()) {
      const ms = await controlToScreen(page, batch);
      if (i >= warmup) controlToScreenMs.push(ms);
    }
    await page.close();
    // one Fig. 8 point at a time: the worker's time for the six systems, warm (after the first point)
    const sys = await browser.newPage();
    const points = [[4, 1], [16, 1], [64, 1], [4, 2], [16, 2], [64, 2], [4, 4], [16, 4], [64, 4]];
    const fig8PointMs: number[] = [];
    for (const [batch, spec] of quick ? points.slice(0, 4) : points) {
      await sys.goto(`${url}#batch=${batch}&spec=${spec}&_view=systems&_n=${fig8PointMs.length}`);
      await sys.waitForSelector("#systems-ms", { timeout: 120_000 });
      fig8PointMs.push(Number(await sys.textContent("#systems-ms")));
    }
    await sys.close();
    return { loadMs, controlToScreenMs, fig8PointMs: fig8PointMs.slice(1) };
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await explorerBench(process.argv.includes("--quick"));
  if (typeof r === "string") console.log(r);
  else {
    console.log(`page load to first result: median ${median(r.loadMs)} ms (${r.loadMs.join(", ")})`);
    console.log(`control to screen: median ${median(r.controlToScreenMs).toFixed(0)} ms, best ${Math.min(...r.controlToScreenMs).toFixed(0)} ms (${r.controlToScreenMs.map((x) => x.toFixed(0)).join(", ")})`);
    console.log(`worker time per Fig. 8 point: median ${median(r.fig8PointMs)} ms`);
  }
}
