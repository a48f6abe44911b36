import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDataText, parseYamlText } from "../../src/core/data-text.ts";
import { UserError } from "../../src/core/errors.ts";
import { isCleanUserError, papi } from "../cli/helpers.ts";

/** Node warnings emitted while a test runs (the yaml library used to print a four-line one for an unknown tag). */
let warnings: string[] = [];
const onWarning = (w: Error) => void warnings.push(w.message);
beforeEach(() => {
  warnings = [];
  process.on("warning", onWarning);
});
afterEach(() => void process.off("warning", onWarning));
/** Lets a warning emitted with process.emitWarning (delivered on the next tick) arrive. */
const settle = () => new Promise((ok) => setImmediate(ok));

const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes("\n");

describe("YAML tags are one-line errors naming the file, the place and the tag, with no Node warning", () => {
  test("custom and YAML 1.1 tags", async () => {
    for (const [text, tag, col] of [
      ["batch: !foo 3", "!foo", 8],
      ["batch: !!binary aGVsbG8=", "!!binary", 8],
      ["a: !!set {x}", "!!set", 4],
      ["a: !!timestamp 2001-12-14", "!!timestamp", 4],
      ["a: !!omap [x: 1]", "!!omap", 4],
      ["a:\n  b: !Ref x", "!Ref", 6],
    ] as const) {
      assert.throws(() => parseYamlText(text, "c.yaml"), userError(new RegExp(`^c\\.yaml: line \\d+, column ${col}: YAML tag ${tag.replace(/!/g, "!")} is not supported`)), text);
    }
    await settle();
    assert.deepEqual(warnings, []);
  });

  test("plain data and the core tags that give plain data still parse; JSON is unchanged", () => {
    assert.deepEqual(parseYamlText("a: !!str 3\nb: !!int 4\nc: [1, two]\nd: {e: true}\nf: 2001-12-14\n", "c.yaml"), { a: "3", b: 4, c: [1, "two"], d: { e: true }, f: "2001-12-14" });
    assert.deepEqual(parseDataText('{"a": 1}', "c.json"), { a: 1 });
    assert.throws(() => parseDataText("a: 1\na: 2\n", "c.yaml"), userError(/^c\.yaml: cannot parse: Map keys must be unique/));
    assert.throws(() => parseDataText("a: *x\n", "c.yml"), userError(/^c\.yml: cannot parse: /));
  });

  test("papi run --config with a tag, and --set with one: one line, exit 2, no warning", async () => {
    const d = mkdtempSync(join(tmpdir(), "papi-yaml-"));
    try {
      const f = join(d, "c.yaml");
      writeFileSync(f, "batch: !!binary aGVsbG8=\n");
      const a = await papi(["run", "--config", f]);
      assert.ok(isCleanUserError(a), a.stderr);
      assert.match(a.stderr, /c\.yaml: line 1, column 8: YAML tag !!binary is not supported/);
      const b = await papi(["run", "--set", "batch=!foo 3"]);
      assert.ok(isCleanUserError(b), b.stderr);
      assert.match(b.stderr, /^papi: error: --set batch: line 1, column 1: YAML tag !foo is not supported/);
      await settle();
      assert.deepEqual(warnings, []);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("nesting deeper than 64 levels is refused right after parsing, naming the file", () => {
  const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
  test("64 levels parse; 65 (and 5000, which would overflow the stack) are one line", () => {
    assert.equal(JSON.stringify(parseDataText(nested(64), "c.json")), nested(64));
    assert.deepEqual(parseDataText(`a: ${nested(63)}\n`, "c.yaml"), { a: JSON.parse(nested(63)) });
    const msg = /^c\.(json|yaml): mappings and lists nested more than 64 levels deep \(at most 64 are allowed\)$/;
    for (const d of [65, 5000]) {
      assert.throws(() => parseDataText(nested(d), "c.json"), userError(msg), `json ${d}`);
      assert.throws(() => parseDataText(`a: ${nested(d - 1)}\n`, "c.yaml"), userError(msg), `yaml ${d}`);
    }
    assert.throws(() => parseDataText(`{"a": {"b": ${nested(63)}}}`, "c.json"), userError(msg));
  });

  test("papi run --config with a 5000-level list: exit 2, one line naming the file", async () => {
    const d = mkdtempSync(join(tmpdir(), "papi-deep-"));
    try {
      const f = join(d, "deep.json");
      writeFileSync(f, `{"trace":"fixed:128:16","hardware":{"gpu":${nested(5000)}}}`);
      const r = await papi(["run", "--config", f, "--requests", "4"]);
      assert.ok(isCleanUserError(r), r.stderr);
      assert.match(r.stderr, /deep\.json: mappings and lists nested more than 64 levels deep/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("a YAML file holds one document", () => {
  test("a second document (after ---) is refused, naming the file and line, not dropped", () => {
    assert.throws(() => parseDataText("trace: fixed:128:16\n---\nbatch: 4\n", "c.yaml"), userError(/^c\.yaml: line 2, column 1: a second YAML document \(after ---\); a file holds one document$/));
    assert.deepEqual(parseDataText("---\ntrace: fixed:128:16\n...\n", "c.yaml"), { trace: "fixed:128:16" });
  });
});

describe("duplicate keys in JSON are refused, as in YAML", () => {
  test("the second occurrence is named with its line and column; the same key in other objects is fine", () => {
    assert.throws(() => parseDataText('{"trace": "fixed:128:16",\n "batch": 4, "batch": 8}', "c.json"), userError(/^c\.json: cannot parse: Map keys must be unique at line 2, column 14 \(key "batch" appears twice\)$/));
    // an escape spelling the same key is the same key
    assert.throws(() => parseDataText('{"ab": 1, "a\\u0062": 2}', "c.json"), userError(/at line 1, column 11 \(key "ab" appears twice\)$/));
    assert.deepEqual(parseDataText('{"a": {"x": 1, "y": [{"x": 2}, {"x": "\\"x\\""}]}, "x": "a,x", "b": {"x": 1}}', "c.json"), { a: { x: 1, y: [{ x: 2 }, { x: '"x"' }] }, x: "a,x", b: { x: 1 } });
  });
});
