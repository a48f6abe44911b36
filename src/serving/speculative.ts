import type { Rng } from "../core/rng.ts";

/**
 * Speculative decoding. TLP (the speculation length) is the number of tokens each request verifies per
 * iteration: its last accepted token plus TLP - 1 drafted ones. TLP 1 is plain decoding.
 */
export type SpeculationPolicy =
  | { kind: "fixed"; tlp: number }
  /** TLP changes every iteration, cycling through the list (a stand-in for a host that retunes it). */
  | { kind: "cycle"; tlps: number[] }
  /**
   * The host retunes TLP every iteration to keep about `targetTokens` tokens in flight as requests finish:
   * TLP = clamp(floor(targetTokens / RLP), 1, maxTlp). Speculation grows as the batch drains.
   */
  | { kind: "adaptive"; targetTokens: number; maxTlp: number };

/** TLP of the next iteration, given its iteration number and how many requests it runs. */
export function tlpAt(p: SpeculationPolicy, iteration: number, numRequests: number): number {
  switch (p.kind) {
    case "fixed":
      return p.tlp;
    case "cycle":
      return p.tlps[iteration % p.tlps.length];
    case "adaptive":
      return Math.min(p.maxTlp, Math.max(1, Math.floor(p.targetTokens / Math.max(1, numRequests))));
  }
}

export function maxTlp(p: SpeculationPolicy): number {
  return p.kind === "fixed" ? p.tlp : p.kind === "cycle" ? Math.max(...p.tlps) : p.maxTlp;
}

/**
 * Acceptance of drafted tokens. `ideal`: every drafted token is accepted (what the paper appears to assume), so an
 * iteration yields TLP tokens. `rate`: each drafted token is accepted with probability p until the first
 * rejection; the iteration yields 1 + the accepted prefix, in expectation (1 - p^TLP) / (1 - p).
 */
export type Acceptance = { kind: "ideal" } | { kind: "rate"; rate: number };

/** Tokens one request produces in an iteration with `tlp` tokens verified. */
export function tokensProduced(a: Acceptance, tlp: number, rng: Rng): number {
  if (a.kind === "ideal" || tlp === 1) return tlp;
  let n = 1;
  // Stryker disable next-line EqualityOperator: the draw is continuous; it equals the rate with probability 0
  while (n < tlp && rng.next() < a.rate) n++;
  return n;
}

/** Expected tokens per iteration under an acceptance model (for reports). */
export function expectedTokensPerIteration(a: Acceptance, tlp: number): number {
  if (a.kind === "ideal") return tlp;
  const p = a.rate;
  return p >= 1 ? tlp : (1 - p ** tlp) / (1 - p);
}

/** Optional draft-model cost per drafted token (the paper leaves the draft model unspecified). */
export interface DraftCost {
  timePerTokenSec: number;
  energyPerTokenJoules: number;
}
