import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WEB_DIR } from "../../src/cli/actions/explore.ts";
import { isCleanUserError, papi } from "./helpers.ts";

const BIN = fileURLToPath(new URL("../../bin/papi.mjs", import.meta.url));

test("papi explore --build DIR writes the prebuilt page: one self-contained file", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "papi-explore-")), "site");
  const r = await papi(["explore", "--build", dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /index\.html .*file:\/\//);
  const page = readFileSync(join(dir, "index.html"), "utf8");
  assert.equal(page, readFileSync(join(WEB_DIR, "index.html"), "utf8"));
  // nothing to fetch: no external scripts, styles or module files (file:// refuses them), no CDN
  assert.doesNotMatch(page, /<script[^>]+src=|<link[^>]+rel="stylesheet"|https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)[a-z0-9.-]+\/[^"'\s]*\.(js|css)\b/i);
  assert.match(page, /<script type="module">/);
});

test("papi explore --build onto a file, or a bad port: one-line errors", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "papi-explore-")), "x");
  writeFileSync(file, "");
  assert.ok(isCleanUserError(await papi(["explore", "--build", file])));
  assert.ok(isCleanUserError(await papi(["explore", "--port", "70000"])));
});

test("papi explore serves the page on 127.0.0.1 until stopped", async () => {
  const child = spawn(process.execPath, [BIN, "explore", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((ok) => child.on("exit", (c, s) => ok(c ?? s)));
  try {
    const url = await new Promise<string>((ok, fail) => {
      let text = "";
      child.stdout.on("data", (d) => {
        text += d;
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(text);
        if (m) ok(m[0]);
      });
      child.on("exit", (code) => fail(new Error(`exited ${code}`)));
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(await page.text(), readFileSync(join(WEB_DIR, "index.html"), "utf8"));
    assert.equal((await fetch(`${url}etc/passwd`)).status, 404);
    assert.equal((await fetch(url, { method: "POST" })).status, 405);
  } finally {
    child.kill("SIGTERM");
  }
  assert.equal(await exited, 0);
});
