import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../core/errors.ts";
import { makeRng } from "../core/rng.ts";
import { readTraceCsv, type TraceRow } from "./trace-csv.ts";
import { parseSyntheticSpec, poissonArrivalsSec, SYNTHETIC_SYNTAX } from "./trace-synthetic.ts";

/** One request of a trace: when it arrives and how many tokens it reads and writes. */
export interface RequestSpec {
  id: number;
  arrivalSec: number;
  inputTokens: number;
  outputTokens: number;
}

export interface Trace {
  name: string;
  requests: RequestSpec[];
}

export interface LoadTraceOptions {
  /** Keep the first N requests (default: all rows of a file; 64 for synthetic specs). */
  numRequests?: number;
  /** Seed for synthetic lengths and Poisson arrivals (default 0). */
  seed?: number;
  /** When given, arrivals are a Poisson process at this rate, replacing any arrival times in the data. */
  ratePerSec?: number;
}

/** Built-in traces shipped in data/traces/, resolved from the package root. */
const BUILT_INS: Readonly<Record<string, { file: string; category?: string }>> = {
  "dolly-creative": { file: "dolly-lengths-gpt2.csv", category: "creative_writing" },
  "dolly-openqa": { file: "dolly-lengths-gpt2.csv", category: "open_qa" },
  "azure-conv": { file: "azure-llm-2023-conv.csv" },
  "azure-code": { file: "azure-llm-2023-code.csv" },
};

export const TRACE_NAMES: readonly string[] = Object.keys(BUILT_INS);

/** Default request count of synthetic specs. */
export const DEFAULT_SYNTHETIC_REQUESTS = 64;

/** Parsed built-in files, by trace name; the reproduction loads the same traces many times. */
const builtInCache = new Map<string, TraceRow[]>();

/** Absolute path of a built-in trace file. */
export function builtInTracePath(name: string): string {
  const entry = BUILT_INS[name];
  if (entry === undefined) throw new UserError(`unknown built-in trace "${name}"; known: ${TRACE_NAMES.join(", ")}`);
  return fileURLToPath(new URL(`../../data/traces/${entry.file}`, import.meta.url));
}

/**
 * Loads a trace by spec: a built-in name (TRACE_NAMES), a synthetic spec (SYNTHETIC_SYNTAX), or a CSV path
 * (relative to cwd). Requests get ids 0..N-1 in file order; arrivals are non-decreasing and start at 0
 * (files without arrival times and synthetic specs: all at 0 unless `ratePerSec` is given).
 */
export function loadTrace(spec: string, opts: LoadTraceOptions = {}): Trace {
  const { numRequests, ratePerSec } = opts;
  const seed = opts.seed ?? 0;
  if (numRequests !== undefined && (!Number.isInteger(numRequests) || numRequests < 1)) {
    throw new UserError(`number of requests must be an integer >= 1, got ${numRequests}`);
  }
  if (ratePerSec !== undefined && (!Number.isFinite(ratePerSec) || ratePerSec <= 0)) {
    throw new UserError(`request rate must be a finite number > 0 per second, got ${ratePerSec}`);
  }
  if (!Number.isInteger(seed)) throw new UserError(`seed must be an integer, got ${seed}`);

  let rows: readonly TraceRow[];
  const sampler = parseSyntheticSpec(spec);
  if (sampler !== undefined) {
    const rng = makeRng(seed);
    rows = Array.from({ length: numRequests ?? DEFAULT_SYNTHETIC_REQUESTS }, () => ({
      ...sampler(rng),
      arrivalSec: undefined,
    }));
  } else if (Object.prototype.hasOwnProperty.call(BUILT_INS, spec)) {
    rows = builtInRows(spec);
  } else {
    const path = resolve(spec);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new UserError(
        `unknown trace "${spec}" (not a built-in name nor a file); known: ${TRACE_NAMES.join(", ")}; ` +
          `synthetic: ${SYNTHETIC_SYNTAX.join(" | ")}; or a CSV path with columns lin,lout[,arrival_sec] ` +
          `or TIMESTAMP,ContextTokens,GeneratedTokens`,
      );
    }
    rows = readTraceCsv(path, spec);
    if (rows.length === 0) throw new UserError(`${spec}: trace has no requests`);
  }

  const n = Math.min(rows.length, numRequests ?? rows.length);
  // Arrivals draw from their own stream so that adding a rate never changes synthetic lengths.
  const poisson = ratePerSec === undefined ? undefined : poissonArrivalsSec(n, ratePerSec, makeRng((seed ^ 0x51ed270b) >>> 0));
  const firstSec = rows[0]?.arrivalSec ?? 0;
  const requests = new Array<RequestSpec>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const arrivalSec = poisson ? poisson[i] : r.arrivalSec === undefined ? 0 : r.arrivalSec - firstSec;
    requests[i] = { id: i, arrivalSec, inputTokens: r.inputTokens, outputTokens: r.outputTokens };
  }
  return { name: spec, requests };
}

function builtInRows(name: string): TraceRow[] {
  let rows = builtInCache.get(name);
  if (rows === undefined) {
    rows = readTraceCsv(builtInTracePath(name), `data/traces/${BUILT_INS[name].file}`, BUILT_INS[name].category);
    builtInCache.set(name, rows);
  }
  return rows;
}
