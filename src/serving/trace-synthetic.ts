import { UserError } from "../core/errors.ts";
import type { Rng } from "../core/rng.ts";
import { MAX_TOKENS_PER_REQUEST } from "./trace-csv.ts";

/** Token lengths of one synthetic request. */
export interface Lengths {
  inputTokens: number;
  outputTokens: number;
}

/** Syntax of the synthetic specs, for help and error messages. */
export const SYNTHETIC_SYNTAX = [
  "fixed:LIN:LOUT",
  "uniform:LIN_MIN-LIN_MAX:LOUT_MIN-LOUT_MAX",
  "lognormal:MEAN_IN:MEAN_OUT[:SIGMA]",
] as const;

/** Default log-space standard deviation of `lognormal:` specs. */
// ASSUMPTION: 1.0 gives a right-skewed spread (median = 0.61 x mean, p99 = 6.2 x mean) in the range seen in
// chat traces; not taken from the paper. Override with the third field, e.g. lognormal:512:256:0.5.
export const DEFAULT_LOGNORMAL_SIGMA = 1.0;

/**
 * A parsed synthetic spec: draws one request's lengths from `rng` (which it may ignore), into `out` when given (no
 * allocation per request) or a new record.
 */
export type LengthSampler = (rng: Rng, out?: Lengths) => Lengths;

/** Writes the lengths into `out` (or a new record) and returns it. */
function lengthsInto(out: Lengths | undefined, inputTokens: number, outputTokens: number): Lengths {
  if (out === undefined) return { inputTokens, outputTokens };
  out.inputTokens = inputTokens;
  out.outputTokens = outputTokens;
  return out;
}

/** Parses a synthetic spec; undefined when `spec` does not start with a synthetic kind. */
export function parseSyntheticSpec(spec: string): LengthSampler | undefined {
  const parts = spec.split(":");
  const kind = parts[0];
  if (kind !== "fixed" && kind !== "uniform" && kind !== "lognormal") return undefined;
  const fail = (why: string): never => {
    throw new UserError(`trace "${spec}": ${why}; syntax: ${SYNTHETIC_SYNTAX.join(" | ")}`);
  };
  const count = (s: string | undefined, what: string): number => {
    const v = Number(s);
    // a missing or blank field reads as NaN or 0, so the range check refuses it too
    if (!Number.isInteger(v) || v < 1 || v > MAX_TOKENS_PER_REQUEST) {
      fail(`${what} must be an integer in [1, ${MAX_TOKENS_PER_REQUEST}], got "${s}"`);
    }
    return v;
  };
  if (kind === "fixed") {
    if (parts.length !== 3) fail("fixed takes two fields");
    const lin = count(parts[1], "LIN");
    const lout = count(parts[2], "LOUT");
    return (_rng, out) => lengthsInto(out, lin, lout);
  }
  if (kind === "uniform") {
    if (parts.length !== 3) fail("uniform takes two ranges");
    const range = (s: string, what: string): [number, number] => {
      const ends = s.split("-");
      if (ends.length > 2) fail(`${what} must be MIN-MAX, got "${s}"`);
      const lo = count(ends[0], `${what} min`);
      const hi = count(ends[1] ?? ends[0], `${what} max`);
      if (hi < lo) fail(`${what} max must be >= min, got "${s}"`);
      return [lo, hi];
    };
    const [inLo, inHi] = range(parts[1], "LIN");
    const [outLo, outHi] = range(parts[2], "LOUT");
    // the input length is drawn first, then the output length
    return (rng, out) => {
      const inputTokens = inLo + rng.int(inHi - inLo + 1);
      return lengthsInto(out, inputTokens, outLo + rng.int(outHi - outLo + 1));
    };
  }
  if (parts.length !== 3 && parts.length !== 4) fail("lognormal takes two or three fields");
  const meanIn = count(parts[1], "MEAN_IN");
  const meanOut = count(parts[2], "MEAN_OUT");
  let sigma = DEFAULT_LOGNORMAL_SIGMA;
  if (parts.length === 4) {
    sigma = Number(parts[3]);
    if (parts[3].trim() === "" || !Number.isFinite(sigma) || sigma < 0 || sigma > 3) {
      fail(`SIGMA must be a number in [0, 3], got "${parts[3]}"`);
    }
  }
  // Choose mu so that the distribution's mean is the given mean: E[X] = exp(mu + sigma^2 / 2).
  const muIn = Math.log(meanIn) - (sigma * sigma) / 2;
  const muOut = Math.log(meanOut) - (sigma * sigma) / 2;
  return (rng, out) => {
    const inputTokens = Math.max(1, Math.round(Math.exp(muIn + sigma * standardNormal(rng))));
    return lengthsInto(out, inputTokens, Math.max(1, Math.round(Math.exp(muOut + sigma * standardNormal(rng)))));
  };
}

/** One standard normal draw (Box-Muller, cosine branch only so each call uses exactly two uniforms). */
export function standardNormal(rng: Rng): number {
  const u1 = rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Poisson arrivals at `ratePerSec`: the first request at 0, then exponential gaps with mean 1 / rate.
 * Starting at 0 keeps every trace's clock origin at its first request, as with the Azure traces.
 */
export function poissonArrivalsSec(numRequests: number, ratePerSec: number, rng: Rng): number[] {
  const out = new Array<number>(numRequests);
  let t = 0;
  for (let i = 0; i < numRequests; i++) {
    if (i > 0) t += -Math.log(1 - rng.next()) / ratePerSec;
    out[i] = t;
  }
  return out;
}
