/**
 * Large-trace benchmark (issue #9 part 6): a generated 1,000,000-row trace CSV in both formats (lin,lout with
 * arrival_sec and category; Azure TIMESTAMP,ContextTokens,GeneratedTokens). For each: the full read (every row
 * parsed and checked, as `papi run --trace FILE` does before simulating) and `papi run --trace FILE --requests 1000`
 * as a user runs it, each in a fresh process, with wall time, CPU time (the whole process) and peak RSS. Targets: 1 M rows in < 5 s and < 300 MB.
 * Run with `npm run bench:trace` (builds first: the child processes use the compiled dist/).
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeRng } from "../src/core/rng.ts";

const NUM_ROWS = Number(process.env.PAPI_BENCH_ROWS ?? 1_000_000);
const TARGET_SEC = 5;
const TARGET_MB = 300;

/** Writes a trace with seeded lengths (lognormal-ish, like Dolly/Azure) in 64 k-row pieces. */
function writeTrace(path: string, format: "lengths" | "azure"): void {
  const rng = makeRng(7);
  const fd = openSync(path, "w");
  writeSync(fd, format === "lengths" ? "category,lin,lout,arrival_sec\n" : "TIMESTAMP,ContextTokens,GeneratedTokens\n");
  // standard normal by Box-Muller on the seeded generator
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  let t = 0;
  let piece: string[] = [];
  for (let i = 0; i < NUM_ROWS; i++) {
    const lin = 1 + Math.floor(Math.exp(4 + 1.5 * normal()));
    const lout = 1 + Math.floor(Math.exp(4 + normal()));
    t += -Math.log(1 - rng.next()) / 50;
    if (format === "lengths") piece.push(`${i % 3 === 0 ? "open_qa" : "creative_writing"},${lin},${lout},${t.toFixed(6)}`);
    else {
      const s = 46 + t;
      const ss = Math.floor(s % 60);
      const mm = Math.floor(s / 60) % 60;
      const hh = 18 + Math.floor(s / 3600);
      const frac = (s - Math.floor(s)).toFixed(7).slice(2);
      piece.push(`2023-11-16 ${String(hh % 24).padStart(2, "0")}:${String(mm).padStart(2, "0")}:${String(ss).padStart(2, "0")}.${frac},${lin},${lout}`);
    }
    if (piece.length === 65_536) {
      writeSync(fd, piece.join("\n") + "\n");
      piece = [];
    }
  }
  if (piece.length > 0) writeSync(fd, piece.join("\n") + "\n");
  closeSync(fd);
}

const CHILD = `
const [mode, file, dist] = process.argv.slice(1);
const t0 = performance.now();
let detail;
if (mode === "read") {
  const { readTraceFile } = await import(dist + "/node/traces.js");
  detail = readTraceFile(file, file).length + " rows";
} else {
  const { main } = await import(dist + "/cli/main.js");
  const { withIo } = await import(dist + "/cli/io.js");
  let out = "";
  const code = await withIo({ out: (t) => void (out += t), err: (t) => process.stderr.write(t) }, () => main(["node", "papi", "run", "--trace", file, "--requests", "1000", "--json"]));
  if (code !== 0) process.exit(code);
  detail = JSON.parse(out).numRequests + " requests run";
}
const sec = (performance.now() - t0) / 1e3;
const u = process.resourceUsage();
process.stdout.write(JSON.stringify({ sec, cpuSec: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRssMB: u.maxRSS / 1024, detail }));
`;

function measure(mode: "read" | "run", file: string): { sec: number; cpuSec: number; maxRssMB: number; detail: string } {
  const dist = fileURLToPath(new URL("../dist", import.meta.url));
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD, mode, file, dist], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const dir = mkdtempSync(join(tmpdir(), "papi-bench-trace-"));
try {
  console.log(`trace CSV benchmark: ${NUM_ROWS.toLocaleString("en")} rows (targets: full read < ${TARGET_SEC} s and < ${TARGET_MB} MB)`);
  for (const format of ["lengths", "azure"] as const) {
    const file = join(dir, `${format}.csv`);
    writeTrace(file, format);
    const mb = statSync(file).size / 1e6;
    for (const mode of ["read", "run"] as const) {
      const m = measure(mode, file);
      // CPU time (process start included) stands for the wall time of a quiet machine; both are printed
      const ok = mode === "read" ? (m.cpuSec < TARGET_SEC && m.maxRssMB < TARGET_MB ? "ok" : "MISSED") : "";
      const what = mode === "read" ? "full read           " : "run --requests 1000 ";
      console.log(`  ${format.padEnd(7)} (${mb.toFixed(0)} MB)  ${what} ${m.sec.toFixed(2).padStart(6)} s wall ${m.cpuSec.toFixed(2).padStart(6)} s CPU  peak RSS ${m.maxRssMB.toFixed(0).padStart(4)} MB  ${m.detail}  ${ok}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
