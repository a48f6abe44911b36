import type { SloConfig } from "./serving-config.ts";

/** SLO attainment of a run (`slo` of `papi run --json`); null when the run config sets no SLO. */
export interface SloResult {
  ttftTargetSec: number | null;
  tpotTargetSec: number | null;
  /** share of requests whose TTFT is at most the target (1 without a TTFT target) */
  ttftAttainment: number;
  /** share of requests whose TPOT is at most the target (one-token requests have none and meet it) */
  tpotAttainment: number;
  /** share of requests meeting both */
  attainment: number;
  metRequests: number;
  /** requests meeting both per second of the run (DistServe's goodput, per request) */
  goodputRequestsPerSec: number;
}

/** Attainment and goodput from every finished request's TTFT and TPOT (aligned arrays), over a run of `latencySec`. */
export function sloResult(slo: SloConfig | undefined, ttftSec: ArrayLike<number>, tpotSec: ArrayLike<number>, latencySec: number): SloResult | null {
  if (slo === undefined) return null;
  const ttftMax = slo.ttftSec ?? Infinity;
  const tpotMax = slo.tpotSec ?? Infinity;
  let ttftOk = 0;
  let tpotOk = 0;
  let both = 0;
  // Stryker disable next-line EqualityOperator: one more pass compares undefined, which is never <= a target: no count changes
  for (let i = 0; i < ttftSec.length; i++) {
    const a = ttftSec[i] <= ttftMax;
    const b = tpotSec[i] <= tpotMax;
    if (a) ttftOk++;
    if (b) tpotOk++;
    if (a && b) both++;
  }
  const n = ttftSec.length;
  const share = (k: number) => (n > 0 ? k / n : 0);
  return {
    ttftTargetSec: slo.ttftSec ?? null,
    tpotTargetSec: slo.tpotSec ?? null,
    ttftAttainment: share(ttftOk),
    tpotAttainment: share(tpotOk),
    attainment: share(both),
    metRequests: both,
    goodputRequestsPerSec: latencySec > 0 ? both / latencySec : 0,
  };
}
