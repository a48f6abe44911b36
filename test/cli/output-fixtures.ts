import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { papi } from "./helpers.ts";

/** Small, fast inputs for the output-safety tests of every writer. */
export const RUN = ["run", "--trace", "fixed:32:8", "--requests", "4", "--batch", "4"];

export const SWEEP_SPEC = `name: t
base: { system: papi, model: llama-65b, trace: "fixed:32:8", requests: 4, batch: 4 }
grid:
  hardware.fcPim.numFpus: [1, 4]
metrics: [latencySec, energyJoules]
pareto: { x: latencySec, y: energyJoules, over: [] }
`;

const made: string[] = [];
/** A new temporary folder, removed by cleanTmp (call it in an `after` hook). */
export function tmp(prefix = "papi-out-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
export function cleanTmp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A pid that is certainly not running: a child that has exited and been reaped. */
export const deadPid = (): number => spawnSync(process.execPath, ["-e", ""]).pid!;

/** Inputs of the eight writers: two run folders, a sweep spec, a sweep folder and two shard folders. */
export async function writerInputs(): Promise<{ dir: string; runA: string; runB: string; spec: string; sweep: string; shards: [string, string] }> {
  const dir = tmp("papi-writers-");
  const runA = join(dir, "a");
  const runB = join(dir, "b");
  const spec = join(dir, "spec.yaml");
  writeFileSync(spec, SWEEP_SPEC);
  const sweep = join(dir, "sw");
  const shards: [string, string] = [join(dir, "s0"), join(dir, "s1")];
  for (const args of [
    [...RUN, "--out", runA],
    [...RUN, "--batch", "2", "--out", runB],
    ["sweep", spec, "--out", sweep, "--jobs", "1"],
    ["sweep", spec, "--out", shards[0], "--shard", "0/2", "--jobs", "1"],
    ["sweep", spec, "--out", shards[1], "--shard", "1/2", "--jobs", "1"],
  ]) {
    const r = await papi(args);
    assert.equal(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
  }
  return { dir, runA, runB, spec, sweep, shards };
}

/** The eight writers, each with its output path `p`: [name, arguments]. */
export function writers(i: Awaited<ReturnType<typeof writerInputs>>, p: string): [string, string[]][] {
  return [
    ["run --out", [...RUN, "--out", p]],
    ["run --timeline", [...RUN, "--timeline", p]],
    ["compare --html", ["compare", i.runA, i.runB, "--html", p]],
    ["reproduce --out", ["reproduce", "--figures", "fig6", "--no-sensitivity", "--out", p]],
    ["sweep --out", ["sweep", i.spec, "--out", p, "--jobs", "1"]],
    ["sweep merge --out", ["sweep", "merge", ...i.shards, "--out", p]],
    ["sweep pareto --out", ["sweep", "pareto", i.sweep, "--out", p]],
    ["explore --build", ["explore", "--build", p]],
  ];
}

/** Every entry under `dir` (recursively) with its content, or the link's target: what "untouched" compares. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const r = rel ? `${rel}/${e}` : e;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[r + "/"] = "";
        walk(p, r);
      } else out[r] = readFileSync(p, "utf8");
    }
  };
  walk(dir, "");
  return out;
}

/** Asserts `f` throws a one-line UserError whose message matches `re`. */
export function throwsUserError(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof UserError && !e.message.includes("\n") && re.test(e.message), String(re));
}

/** The same for a promise. */
export async function rejectsUserError(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof UserError && !e.message.includes("\n") && re.test(e.message), String(re));
}
