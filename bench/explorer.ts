/**
 * The explorer in Debian's Chromium (playwright-core): wall time from navigation to the first result on screen, and
 * the worker's own time (performance.now() in the worker) to recompute one Fig. 8 point, i.e. the page's workload
 * on the six systems. Run by `npm run bench` (after the build); prints rows like bench/run.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const PAGE = fileURLToPath(new URL("../dist/web/index.html", import.meta.url));
const CHROMIUM = process.env.PAPI_CHROMIUM ?? "/usr/bin/chromium";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function explorerBench(quick: boolean): Promise<[string, string][]> {
  if (!existsSync(CHROMIUM)) return [["explorer benchmarks", `skipped: no Chromium at ${CHROMIUM}`]];
  const html = readFileSync(PAGE);
  const server = createServer((_req, res) => void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const loads: number[] = [];
    const firstRunMs: number[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const page = await browser.newPage();
      const t0 = Date.now();
      await page.goto(url);
      await page.waitForSelector("#latency", { timeout: 120_000 });
      loads.push(Date.now() - t0);
      firstRunMs.push(Number((await page.textContent("#status"))!.replace(/[^0-9.]/g, "")));
      await page.close();
    }
    // one Fig. 8 point at a time: the worker's time for the six systems, warm (after the first point)
    const page = await browser.newPage();
    const points = [[4, 1], [16, 1], [64, 1], [4, 2], [16, 2], [64, 2], [4, 4], [16, 4], [64, 4]];
    const pointMs: number[] = [];
    for (const [batch, spec] of quick ? points.slice(0, 4) : points) {
      await page.goto(`${url}#batch=${batch}&spec=${spec}&_view=systems&_n=${pointMs.length}`);
      await page.waitForSelector("#systems-ms", { timeout: 120_000 });
      pointMs.push(Number(await page.textContent("#systems-ms")));
    }
    await page.close();
    return [
      ["explorer: page load to first result on screen (Dolly creative, batch 16, spec 4), median wall", `${median(loads)} ms`],
      ["explorer: worker time of that first run (cold: trace parse, alpha calibration), median", `${median(firstRunMs)} ms`],
      [`explorer: worker time to recompute one Fig. 8 point (6 systems x 709 requests), median of ${pointMs.length}`, `${median(pointMs.slice(1))} ms`],
      ["explorer: same, slowest point (first point cold)", `${Math.max(...pointMs)} ms`],
    ];
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [k, v] of await explorerBench(process.argv.includes("--quick"))) console.log(`${k.padEnd(90)} ${v}`);
}
