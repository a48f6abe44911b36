import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { UserError } from "../../core/errors.ts";
import { writeOutputFile, writeOutputFolder } from "../../node/output.ts";
import { parseInteger } from "../args.ts";
import { out } from "../io.ts";

/**
 * `papi explore`: the browser explorer, prebuilt by `npm run build` (Vite) into dist/web/index.html, one
 * self-contained file (script, styles, simulator worker and the shipped traces inlined). `--build DIR` copies it;
 * otherwise a small node:http server hands it out on 127.0.0.1. No compute happens on the server.
 */

/** dist/web/ of the package, from src/cli/actions (tsx) or dist/cli/actions (compiled) alike. */
export const WEB_DIR = fileURLToPath(new URL("../../../dist/web/", import.meta.url));

export function explorerPage(dir = WEB_DIR): string {
  const path = join(dir, "index.html");
  if (!existsSync(path)) throw new UserError(`the explorer page is not built (${path} is missing); run npm run build in the papi folder`);
  return readFileSync(path, "utf8");
}

/** `--build DIR`: the page as DIR/index.html, written as a whole folder (new, empty or an earlier --build only). */
export async function buildExplorer(dir: string): Promise<void> {
  const page = explorerPage();
  await writeOutputFolder(dir, "explorer", (stage) => writeOutputFile(join(stage, "index.html"), page), "--build");
  const path = join(dir, "index.html");
  out(`wrote ${path} (${(page.length / 1e6).toFixed(1)} MB, self-contained): open ${pathToFileURL(resolve(path)).href} or put the folder on any static host\n`);
}

/** Serves the page until the process is stopped (Ctrl-C). Resolves once listening (the server keeps the process alive). */
export async function serveExplorer(o: { port: string; open?: boolean }): Promise<void> {
  const port = parseInteger("--port", o.port, 0, 65535);
  const page = explorerPage();
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split(/[?#]/)[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
    } else if (path === "/" || path === "/index.html") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "Content-Length": Buffer.byteLength(page) });
      res.end(req.method === "HEAD" ? undefined : page);
    } else {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found: the explorer is one page, at /\n");
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      fail(e.code === "EADDRINUSE" ? new UserError(`--port ${port} is in use; pick another (or --port 0 for any free port)`) : e),
    );
    server.listen(port, "127.0.0.1", ok);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}/`;
  out(`papi explorer at ${url} (Ctrl-C to stop)\n`);
  if (o.open) openInBrowser(url);
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** Best effort: the platform's opener; when none runs, the URL printed above is the way in. */
function openInBrowser(url: string): void {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "cmd" : "xdg-open";
  const args = process.platform === "win32" ? ["/c", "start", "", url] : [url];
  const child = spawn(cmd, args, { stdio: "ignore", detached: true });
  child.on("error", () => out(`could not start ${cmd}; open ${url} yourself\n`));
  child.unref();
}
