import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { assertCleanOutcome, fuzzCli, outcomeTally, papi } from "./helpers.ts";

/**
 * The fuzz campaign's flag class as properties at the CLI boundary (in-process, seeded): random valid and invalid
 * values of every flag of run, calibrate, kernels, pim, presets and compare. Every outcome is either exit 0 with
 * finite numbers in --json, or a clean user error (exit 2, one stderr line, empty stdout); never a stack trace; and
 * output paths are only ever regular files replaced or devices written through.
 */

/** Numbers users type by mistake: negative, zero, fractions, huge, exponents, NaN, Infinity, garbage. */
const badNumber = fc.constantFrom("-1", "0", "0.5", "-0", "1e12", "5000000000", "2e9", "1e308", "-1e308", "1e-300", "NaN", "Infinity", "-Infinity", "abc", "", " ", "0x10", "1,2", "12abc", "\u0000");
const smallInt = (max: number) => fc.integer({ min: 1, max }).map(String);
/** A value for a flag: valid (from `valid`) or any bad number or random string. */
const value = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: badNumber }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });

/** Random subsets of flags: [flag, value] pairs, at most `max` of them. */
const flagSet = (flags: Record<string, fc.Arbitrary<string>>, max = 4) =>
  fc.uniqueArray(fc.constantFrom(...Object.keys(flags)), { maxLength: max }).chain((names) =>
    names.length === 0 ? fc.constant([] as string[]) : fc.tuple(...names.map((n) => flags[n].map((v) => [n, v]))).map((pairs) => pairs.flat()),
  );

const RUN_FLAGS: Record<string, fc.Arbitrary<string>> = {
  "--system": value(fc.constantFrom("papi", "gpu-only", "a100-attacc", "a100-hbmpim", "attacc-only", "pim-only-papi", "nope")),
  "--model": value(fc.constantFrom("llama-65b", "gpt3-66b", "mixtral-8x7b", "nope")),
  "--trace": value(fc.constantFrom("fixed:64:16", "uniform:8:128:4:32", "lognormal:100:1:20:0.5", "fixed:0:1", "fixed:-1:5", "no-such.csv")),
  "--requests": value(smallInt(24)),
  "--rate": value(fc.constantFrom("1", "100", "0.5")),
  "--batching": value(fc.constantFrom("static", "continuous")),
  "--batch": value(smallInt(32)),
  "--spec": value(fc.constantFrom("1", "4", "1,2,4", "adaptive:64:8", "adaptive:0:8", "adaptive:64:999", "4,,2")),
  "--acceptance": value(fc.constantFrom("0.7", "1", "0.01")),
  "--scheduler": value(fc.constantFrom("papi", "oracle", "static-gpu", "static-pim")),
  "--alpha": value(fc.constantFrom("0", "32", "1000000")),
  "--seed": value(fc.constantFrom("0", "7", "4294967295", "4294967296")),
  "--gpus": value(fc.constantFrom("1", "4", "6", "1000000000")),
  "--fc-stacks": value(fc.constantFrom("6", "30", "5000")),
  "--attn-stacks": value(fc.constantFrom("0", "60", "5000")),
  "--set": value(fc.constantFrom("hardware.gpu.l2BandwidthBytesPerSec=1e-300", "hardware.fcPim.numFpus=2", "hardware.gpu=h100-sxm", "hardware.links.gpuGpu.latencySec=2", "hardware.hbm.timing.nRCD=0", "draft.timePerTokenSec=0.001", "nope.x=1", "batch=[1]")),
};

describe("fuzz: flags", () => {
  test("papi run: any flags give a finite result or one clean line", async () => {
    await fuzzCli("fuzz-flags.test.ts #0", flagSet(RUN_FLAGS, 5), (flags) => {
      // keep every run small unless the fuzz gave --requests itself (its valid values are <= 24)
      const args = ["run", ...(flags.includes("--requests") ? [] : ["--requests", "8"]), ...flags, "--json"];
      return { args, what: args.join(" ") };
    }, { numRuns: 60, seed: 42 });
  });

  test("papi kernels, pim, calibrate, presets: any flags give a finite result or one clean line", async () => {
    const commands: fc.Arbitrary<string[]> = fc.oneof(
      flagSet({ "--model": value(fc.constantFrom("llama-65b", "mixtral-8x7b", "nope")), "--rlp": value(smallInt(256)), "--tlp": value(smallInt(8)), "--context": value(smallInt(4096)) }).map((f) => ["kernels", ...(f.includes("--model") ? [] : ["--model", "llama-65b"]), ...f]),
      flagSet({
        "--design": value(fc.constantFrom("fc-pim", "attn-pim", "attacc", "hbm-pim", "2p1b", "nope")), "--kernel": value(fc.constantFrom("fc", "attention")),
        "--m": value(smallInt(64)), "--k": value(smallInt(8192)), "--n": value(smallInt(8192)), "--heads": value(smallInt(64)), "--head-dim": value(smallInt(128)),
        "--context": value(fc.constantFrom("1024", "16,32", "100000")), "--stacks": value(smallInt(8)), "--fc-mapping": value(fc.constantFrom("auto", "n-split", "k-split")),
        "--dtype-bytes": value(fc.constantFrom("1", "2", "4")),
      }, 6).map((f) => ["pim", ...f]),
      flagSet({ "--design": value(fc.constantFrom("fc-pim", "1p1b,2p1b")), "--reuse": value(fc.constantFrom("1", "1,4,16")), "--budget": value(fc.constantFrom("20", "0", "1e9")) }).map((f) => ["pim", "power", ...f]),
      flagSet({ "--system": value(fc.constantFrom("papi", "gpu-only")), "--max-tokens": value(smallInt(128)), "--gpus": value(fc.constantFrom("6", "1")) }).map((f) => ["calibrate", ...f]),
      fc.constantFrom<string[]>(["presets"], ["presets", "gpu"], ["presets", "nope"], ["presets", "link"], ["systems"], ["models"]),
    );
    await fuzzCli("fuzz-flags.test.ts #1", commands, (cmd) => {
      const args = [...cmd, "--json"];
      return { args, what: args.join(" ") };
    }, { numRuns: 80, seed: 43 });
  });

  test("unknown flags, missing values and stray arguments are one line for every command", async () => {
    const cmds = [["run"], ["calibrate"], ["kernels", "--model", "llama-65b"], ["pim"], ["pim", "power"], ["presets"], ["compare", "a", "b"], ["sweep"], ["reproduce"], ["validate", "gpu"], ["schema"]];
    for (const c of cmds) {
      for (const extra of [["--bogus"], ["--json=3"], ["stray", "args", "here"], ["--set"]]) {
        const r = await papi([...c, ...extra]);
        if (r.status === 0) continue; // e.g. `schema stray` is allowed by commander? then it must still be clean
        assertCleanOutcome(r, [...c, ...extra].join(" "));
      }
    }
  });
});

describe("fuzz: output paths (only regular files replaced; nothing partial)", () => {
  const dir = mkdtempSync(join(tmpdir(), "papi-fuzz-out-"));
  writeFileSync(join(dir, "afile"), "mine");
  mkdirSync(join(dir, "folder"));
  writeFileSync(join(dir, "folder", "keep.txt"), "keep");
  writeFileSync(join(dir, "regular.json"), "old");
  symlinkSync(join(dir, "regular.json"), join(dir, "link.json"));
  // afile is never a target itself (a regular file the user names is replaced, by design): only a parent
  const targets = ["new.json", "regular.json", "link.json", "/dev/null", "folder", "afile/x.json", "afile/sub", "missing/sub/t.json"];

  test("--timeline and --out to any kind of path: devices stay devices, folders and the user's files are untouched", async () => {
    const tally = outcomeTally();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.constantFrom("--timeline", "--out"), fc.boolean(), async (t, flag, badRun) => {
        const target = t.startsWith("/") ? t : join(dir, t);
        const args = ["run", "--requests", "4", "--batch", "4", "--trace", "fixed:32:8", ...(badRun ? ["--batch", "0"] : []), flag, target, "--json"];
        const r = await papi(args);
        tally.record(r);
        assertCleanOutcome(r, args.join(" "));
        // invariants, whatever happened
        assert.ok(statSync("/dev/null").isCharacterDevice());
        assert.equal(readFileSync(join(dir, "afile"), "utf8"), "mine");
        assert.equal(readFileSync(join(dir, "folder", "keep.txt"), "utf8"), "keep");
        assert.ok(lstatSync(join(dir, "link.json")).isSymbolicLink());
        if (r.status !== 0 && t === "new.json") assert.ok(!existsSync(target), "a failed run left an output file");
        if (r.status === 0 && flag === "--timeline" && !t.startsWith("/")) assert.ok(JSON.parse(readFileSync(target, "utf8")).traceEvents);
        if (r.status === 0 && flag === "--out") assert.ok(existsSync(join(target, "summary.json")));
      }),
      { numRuns: 40, seed: 44 },
    );
    tally.assertBothSides("fuzz-flags.test.ts #2");
  });
});
