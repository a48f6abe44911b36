import type { PhaseCost } from "../systems/step-cost.ts";

/** Accumulates a run's statistics; the simulator calls the on* hooks, the report reads `result`. */
export class MetricsStore {
  fcSec = 0;
  attentionSec = 0;
  communicationSec = 0;
  otherSec = 0;
  fcJoules = 0;
  attentionJoules = 0;
  communicationJoules = 0;
  otherJoules = 0;
  prefillSec = 0;
  prefillJoules = 0;
  /** Time spent moving bytes over the attention links (prefill and decode), for exact what-ifs on their bandwidth. */
  attentionLinkBwSec = 0;
  draftSec = 0;
  iterations = 0;
  fcOnGpuIterations = 0;
  fcOnPimIterations = 0;
  fcSwitches = 0;
  generatedTokens = 0;
  /** Requests that had to wait for KV-cache space before admission (each counted once). */
  kvLimitedAdmissions = 0;
  /** Request ids in the order they finished. */
  readonly completionOrder: number[] = [];
  readonly ttftSec: number[] = [];
  readonly tpotSec: number[] = [];
  readonly e2eSec: number[] = [];

  onDecode(p: PhaseCost, fcOnGpu: boolean): void {
    this.iterations++;
    if (fcOnGpu) this.fcOnGpuIterations++;
    else this.fcOnPimIterations++;
    this.fcSec += p.fcSec;
    this.attentionSec += p.attentionSec;
    this.communicationSec += p.communicationSec;
    this.otherSec += p.otherSec;
    this.fcJoules += p.fcJoules;
    this.attentionJoules += p.attentionJoules;
    this.communicationJoules += p.communicationJoules;
    this.otherJoules += p.otherJoules;
    this.attentionLinkBwSec += p.attentionLinkBwSec;
  }

  onPrefill(timeSec: number, energyJoules: number, attentionLinkBwSec: number): void {
    this.attentionLinkBwSec += attentionLinkBwSec;
    this.prefillSec += timeSec;
    this.prefillJoules += energyJoules;
  }

  onRequestDone(id: number, arrivalSec: number, firstTokenAtSec: number, finishedAtSec: number, outputTokens: number): void {
    this.completionOrder.push(id);
    this.ttftSec.push(firstTokenAtSec - arrivalSec);
    this.e2eSec.push(finishedAtSec - arrivalSec);
    if (outputTokens > 1) this.tpotSec.push((finishedAtSec - firstTokenAtSec) / (outputTokens - 1));
  }
}

export interface Percentiles { mean: number; p50: number; p90: number; p99: number }

/** Nearest-rank percentiles (deterministic, no interpolation). */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { mean: 0, p50: 0, p90: 0, p99: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)]; // q <= 1: never past the end
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}
