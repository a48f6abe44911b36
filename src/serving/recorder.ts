
/** One decode iteration, as `papi run --out` writes it to iterations.csv. Times in seconds, energy in joules. */
export interface IterationRecord {
  iteration: number;
  startSec: number;
  rlp: number;
  tlp: number;
  /** the unit that ran FC (its name in the system) */
  fcUnit: string;
  fcSec: number;
  attentionSec: number;
  communicationSec: number;
  otherSec: number;
  /** the draft model's time this iteration */
  draftSec: number;
  energyJoules: number;
}

/** One finished request, as `papi run --out` writes it to requests.csv. */
export interface RequestRecord {
  id: number;
  arrivalSec: number;
  firstTokenAtSec: number;
  finishedAtSec: number;
  inputTokens: number;
  outputTokens: number;
  ttftSec: number;
  /** time per output token after the first (0 for one-token requests) */
  tpotSec: number;
}

/** Collects per-iteration and per-request records when a run asks for them (the serving loop calls it). */
export class RunRecorder {
  readonly iterations: IterationRecord[] = [];
  readonly requests: RequestRecord[] = [];
  constructor(readonly maxIterations = Infinity) {}
  iteration(r: IterationRecord): void {
    if (this.iterations.length < this.maxIterations) this.iterations.push(r);
  }
  request(r: RequestRecord): void {
    this.requests.push(r);
  }
}
