import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { SHIPPED_PIM_REFERENCE, loadPimReference } from "../../src/node/pim-reference.ts";
import { isCleanUserError, papi } from "./helpers.ts";

const copy = () => {
  const d = mkdtempSync(join(tmpdir(), "papi-pimref-"));
  cpSync(SHIPPED_PIM_REFERENCE, d, { recursive: true });
  return d;
};
const oneLine = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");

test("the shipped references load: 160 attention rows, 5 FC rows, with their hardware", async () => {
  const r = loadPimReference(SHIPPED_PIM_REFERENCE);
  assert.equal(r.attention.length, 160);
  assert.equal(r.fc.length, 5);
  const bg = r.attention.find((x) => x.unit === "bankgroup")!;
  assert.deepEqual([bg.fpusPerBank, bg.powerLimited, bg.macSpacingClocks], [0.25, false, undefined]);
  assert.deepEqual(r.fc[0], { line: 2, unit: "bank", fpusPerBank: 1, powerLimited: true, macSpacingClocks: 6, tCkNs: 0.769, timeSec: 5.666223e-5, stacks: 1, k: 12288, n: 12288, m: 1 });
});

test("a missing folder, a missing file or a bad row is a one-line error naming it", async () => {
  assert.throws(() => loadPimReference(join(tmpdir(), "papi-no-such-ref")), oneLine(/--reference: folder not found/));
  const d = copy();
  rmSync(join(d, "fc.csv"));
  assert.throws(() => loadPimReference(d), oneLine(/fc\.csv: file not found/));
  const d2 = copy();
  const p = join(d2, "attention.csv");
  const lines = readFileSync(p, "utf8").split("\n");
  lines[3] = lines[3].replace(/,(true|false),/, ",maybe,");
  writeFileSync(p, lines.join("\n"));
  assert.throws(() => loadPimReference(d2), oneLine(/attention\.csv:4: column "powerLimited" must be true or false/));
  const d3 = copy();
  const f = join(d3, "fc.csv");
  writeFileSync(f, readFileSync(f, "utf8").replace(",12288,12288,1,", ",12288,12288,0,"));
  assert.throws(() => loadPimReference(d3), oneLine(/fc\.csv:2: column "m" must be >= 1/));
});

test("a reference file with a header and no rows, or a cycles cell that is not positive, is a one-line error", async () => {
  for (const file of ["attention.csv", "fc.csv"]) {
    const d = copy();
    const p = join(d, file);
    writeFileSync(p, readFileSync(p, "utf8").split("\n")[0] + "\n");
    assert.throws(() => loadPimReference(d), oneLine(new RegExp(`${file.replace(".", "\\.")}: no rows after the header \\(a measurement table needs at least one\\)$`)), file);
    const r = await papi(["validate", "pim", "--reference", d]);
    assert.ok(isCleanUserError(r), r.stderr);
  }
  for (const bad of ["-9023", "0"]) {
    const d = copy();
    const p = join(d, "attention.csv");
    writeFileSync(p, readFileSync(p, "utf8").replace(",2064,9023,", `,2064,${bad},`));
    assert.throws(() => loadPimReference(d), oneLine(new RegExp(`attention\\.csv:2: column "cycles" must be a positive number, got ${bad}$`)), bad);
  }
});

test("papi validate pim --json prints attention and fc stats; a bad folder exits 2 in one line", async () => {
  const r = await papi(["validate", "pim", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(o), ["attention", "fc"]);
  assert.deepEqual(Object.keys(o.fc), ["rows", "medianAbsRelErr", "maxAbsRelErr"]);
  const human = await papi(["validate", "pim"]);
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /attention\.csv:2 .* %/);
  const bad = await papi(["validate", "pim", "--reference", join(tmpdir(), "papi-no-such-ref")]);
  assert.equal(bad.status, 2);
  assert.ok(isCleanUserError(bad), bad.stderr);
});
