import { MAX_RATE_PER_SEC, MAX_REQUESTS } from "./limits.ts";
import { forEachCsvRecord } from "../core/csv.ts";
import { UserError } from "../core/errors.ts";
import { makeRng } from "../core/rng.ts";
import { TraceCsvReader, type TraceRow } from "./trace-csv.ts";
import { parseSyntheticSpec, poissonArrivalsSec, SYNTHETIC_SYNTAX, type Lengths, type LengthSampler } from "./trace-synthetic.ts";

export type { TraceRow } from "./trace-csv.ts";

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

export { MAX_RATE_PER_SEC, MAX_REQUESTS } from "./limits.ts";

/** Built-in traces shipped in data/traces/ (the edges supply their text: files in Node, a bundle in the browser). */
export const BUILT_IN_TRACES: Readonly<Record<string, { file: string; category?: string; description: string }>> = {
  "dolly-creative": { file: "dolly-lengths-gpt2.csv", category: "creative_writing", description: "Dolly-15k creative_writing lengths (709 requests, the paper's)" },
  "dolly-openqa": { file: "dolly-lengths-gpt2.csv", category: "open_qa", description: "Dolly-15k open_qa lengths (3,742 requests)" },
  "azure-conv": { file: "azure-llm-2023-conv.csv", description: "Azure LLM inference 2023, conversation, one hour with real arrivals (19,366 requests)" },
  "azure-code": { file: "azure-llm-2023-code.csv", description: "Azure LLM inference 2023, code completion, one hour with real arrivals (8,819 requests)" },
};

export const TRACE_NAMES: readonly string[] = Object.keys(BUILT_IN_TRACES);

/** Default request count of synthetic specs. */
export const DEFAULT_SYNTHETIC_REQUESTS = 64;

export const isBuiltInTrace = (spec: string): boolean => Object.prototype.hasOwnProperty.call(BUILT_IN_TRACES, spec);

/**
 * Rows of a trace that is not synthetic (a built-in name or a CSV the user names), at most `limit` of them. The
 * edges supply it: src/node reads files, the browser reads its bundle and uploads. Throws a UserError for an
 * unknown name.
 */
export type TraceRowSource = (spec: string, limit: number) => readonly TraceRow[];

/** The error for a trace spec that is neither built in, synthetic, nor an existing file. */
export function unknownTraceError(spec: string): UserError {
  return new UserError(
    `unknown trace "${spec}" (not a built-in name nor a file); known: ${TRACE_NAMES.join(", ")}; ` +
      `synthetic: ${SYNTHETIC_SYNTAX.join(" | ")}; or a CSV path with columns lin,lout[,arrival_sec] ` +
      `or TIMESTAMP,ContextTokens,GeneratedTokens`,
  );
}

/** Parses trace CSV text (a bundled built-in or an upload), reading at most `limit` rows. */
export function parseTraceText(text: string, label: string, category?: string, limit = Infinity): TraceRow[] {
  const reader = new TraceCsvReader(label, category, limit);
  forEachCsvRecord(text, label, (fields, line) => reader.record(fields, line));
  return reader.finish();
}

/** Checks the options shared by every trace kind; one-line UserErrors naming the field and its range. */
export function checkTraceOptions(opts: LoadTraceOptions): void {
  const { numRequests, ratePerSec, seed } = opts;
  if (numRequests !== undefined && (!Number.isInteger(numRequests) || numRequests < 1 || numRequests > MAX_REQUESTS)) {
    throw new UserError(`number of requests must be an integer in [1, ${MAX_REQUESTS}], got ${numRequests}`);
  }
  if (ratePerSec !== undefined && (!Number.isFinite(ratePerSec) || ratePerSec <= 0 || ratePerSec > MAX_RATE_PER_SEC)) {
    throw new UserError(`request rate must be a number in (0, ${MAX_RATE_PER_SEC}] per second, got ${ratePerSec}`);
  }
  if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0)) throw new UserError(`seed must be a non-negative integer, got ${seed}`);
}

/**
 * Loads a trace by spec: a synthetic spec (SYNTHETIC_SYNTAX), or anything `source` knows (built-in names, CSV
 * files). Requests get ids 0..N-1 in file order; arrivals are non-decreasing and start at 0 (files without arrival
 * times and synthetic specs: all at 0 unless `ratePerSec` is given).
 */
export function loadTrace(spec: string, opts: LoadTraceOptions, source: TraceRowSource): Trace {
  checkTraceOptions(opts);
  const { numRequests, ratePerSec } = opts;
  const seed = opts.seed ?? 0;
  const sampler = parseSyntheticSpec(spec);
  if (sampler !== undefined) return { name: spec, requests: syntheticRequests(sampler, numRequests ?? DEFAULT_SYNTHETIC_REQUESTS, seed, ratePerSec) };
  const rows = source(spec, numRequests ?? Infinity);
  if (rows.length === 0) throw new UserError(`${spec}: trace has no requests`);
  if (rows.length > MAX_REQUESTS && numRequests === undefined) {
    throw new UserError(`${spec}: trace has ${rows.length} requests, more than ${MAX_REQUESTS}; pass --requests N (or requests: N) to take the first N`);
  }
  const n = Math.min(rows.length, numRequests ?? rows.length);
  const poisson = ratePerSec === undefined ? undefined : arrivalsOf(n, ratePerSec, seed);
  const firstSec = rows[0].arrivalSec ?? 0; // rows is not empty (checked above)
  const requests = new Array<RequestSpec>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const arrivalSec = poisson ? poisson[i] : r.arrivalSec === undefined ? 0 : r.arrivalSec - firstSec;
    requests[i] = { id: i, arrivalSec, inputTokens: r.inputTokens, outputTokens: r.outputTokens };
  }
  return { name: spec, requests };
}

/** Poisson arrivals of a trace with a rate: their own stream, so that adding a rate never changes synthetic lengths. */
const arrivalsOf = (n: number, ratePerSec: number, seed: number): number[] => poissonArrivalsSec(n, ratePerSec, makeRng((seed ^ 0x51ed270b) >>> 0));

/**
 * The requests of a synthetic spec: lengths drawn in request order from the seed's stream (into one reused record,
 * so a million-request trace allocates only its requests), arrivals at 0 or Poisson at `ratePerSec`.
 */
function syntheticRequests(sampler: LengthSampler, n: number, seed: number, ratePerSec: number | undefined): RequestSpec[] {
  const rng = makeRng(seed);
  const poisson = ratePerSec === undefined ? undefined : arrivalsOf(n, ratePerSec, seed);
  const lengths: Lengths = { inputTokens: 0, outputTokens: 0 };
  const requests = new Array<RequestSpec>(n);
  for (let i = 0; i < n; i++) {
    sampler(rng, lengths);
    requests[i] = { id: i, arrivalSec: poisson ? poisson[i] : 0, inputTokens: lengths.inputTokens, outputTokens: lengths.outputTokens };
  }
  return requests;
}
