import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { makeProgress } from "../../src/report/progress.ts";

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const s = new PassThrough();
  let out = "";
  s.on("data", (d: Buffer) => (out += d.toString()));
  Object.assign(s, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: s as unknown as NodeJS.WriteStream, written: () => out };
}

test("silent when disabled or when the stream is not a terminal", () => {
  for (const [enabled, tty] of [[false, true], [true, false]] as const) {
    const f = fakeStream(tty);
    const p = makeProgress(10, "points", enabled, f.stream);
    p.tick();
    p.tick(3, "note");
    p.stop();
    assert.equal(f.written(), "");
  }
});

test("draws a bar with label and count on a terminal; stop twice is safe", async () => {
  const f = fakeStream(true);
  const p = makeProgress(4, "points", true, f.stream);
  p.tick(4, "llama-65b B=16");
  p.stop();
  p.stop();
  await new Promise((r) => setImmediate(r));
  assert.match(f.written(), /points \[.*\] 4\/4 100%/);
  assert.ok(f.written().includes("llama-65b B=16"));
});
