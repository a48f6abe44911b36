import { test } from "node:test";
import assert from "node:assert/strict";
import { parseInteger, parseNumber, parsePositiveIntList } from "../../src/cli/args.ts";
import { UserError } from "../../src/core/errors.ts";
import { isCleanUserError, papi } from "./helpers.ts";

const refused = (flag: string, range: string, value: string) => (e: unknown) =>
  e instanceof UserError && e.message === `${flag} must be ${range}, got "${value}"`;

test("numeric flags take plain decimal numbers only: hex, binary, octal, Infinity and stray text are refused with the flag and its range", () => {
  for (const v of ["0x10", "0b11", "0o7", "0X1F", "Infinity", "-Infinity", "NaN", "1_000", "12abc", "1e", ".", "+", "--3", "1.2.3"]) {
    assert.throws(() => parseInteger("--batch", v, 1, 4096), refused("--batch", "an integer in [1, 4096]", v), v);
    assert.throws(() => parseNumber("--alpha", v, 0, 1e6), refused("--alpha", "a number in [0, 1000000]", v), v);
  }
  assert.throws(() => parsePositiveIntList("--spec", "1,0x2", 8), refused("--spec", "an integer in [1, 8]", "0x2"));
});

test("plain decimals, with sign, fraction or exponent, and surrounding spaces, are read as before", () => {
  assert.equal(parseInteger("--batch", "16", 1, 4096), 16);
  assert.equal(parseInteger("--batch", " 16 ", 1, 4096), 16);
  assert.equal(parseInteger("--batch", "1e3", 1, 4096), 1000);
  assert.equal(parseInteger("--batch", "+8", 1, 4096), 8);
  assert.equal(parseInteger("--batch", "8.0", 1, 4096), 8);
  assert.equal(parseNumber("--alpha", "0.5", 0, 10), 0.5);
  assert.equal(parseNumber("--alpha", ".5", 0, 10), 0.5);
  assert.equal(parseNumber("--alpha", "5.", 0, 10), 5);
  assert.equal(parseNumber("--alpha", "2.5E-1", 0, 10), 0.25);
  assert.equal(parseNumber("--alpha", "-0", 0, 10), 0);
  assert.deepEqual(parsePositiveIntList("--spec", "1, 2,4", 8), [1, 2, 4]);
});

test("the CLI refuses 0x10 / 0b11 for every kind of numeric flag: one line naming the flag and its range", async () => {
  for (const [args, re] of [
    [["run", "--batch", "0x10"], /^papi: error: --batch must be an integer in \[1, \d+\], got "0x10"\n$/],
    [["run", "--requests", "0b11"], /^papi: error: --requests must be an integer in \[1, \d+\], got "0b11"\n$/],
    [["run", "--spec", "0x2"], /^papi: error: --spec must be an integer in \[1, \d+\], got "0x2"\n$/],
    [["run", "--alpha", "0x10"], /^papi: error: --alpha must be a number in \[0, \d+\], got "0x10"\n$/],
    [["run", "--rate", "0b1"], /^papi: error: --rate must be a number in /],
    [["run", "--acceptance", "0x1"], /^papi: error: --acceptance must be a number in \(0, 1\], got "0x1"\n$/],
    [["run", "--seed", "0o7"], /^papi: error: --seed must be an integer in \[0, \d+\], got "0o7"\n$/],
    [["kernels", "--model", "llama-65b", "--rlp", "0x10"], /^papi: error: --rlp must be an integer in /],
  ] as [string[], RegExp][]) {
    const r = await papi(args);
    assert.ok(isCleanUserError(r), `${args.join(" ")}: ${r.status} ${r.stderr}`);
    assert.match(r.stderr, re, args.join(" "));
  }
});
