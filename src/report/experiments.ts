import { makeRng, sampleIndices } from "../core/rng.ts";
import { RunRecorder, type IterationRecord } from "../serving/recorder.ts";
import { runOnce, type RunResult } from "../serving/run.ts";
import type { RequestSpec } from "../serving/trace.ts";
import { loadTrace } from "../node/traces.ts";
import type { RunConfigInput } from "../serving/config.ts";
import { applySetup, PAPER_SETUP, type ReportSetup } from "./setup.ts";

/**
 * How a grid point runs its trace. The paper does not say: `all-batches` serves the whole dataset as consecutive
 * static batches of the point's batch size; `one-batch` serves one static batch of that many requests, sampled
 * from the trace with a seed. `equal-lengths` is what AttAcc's simulator (which the paper builds on) does: one
 * batch in which every request has the trace's mean input and output length, so RLP never falls.
 */
export type Protocol = "all-batches" | "one-batch" | "equal-lengths";
export const PROTOCOLS: readonly Protocol[] = ["all-batches", "one-batch", "equal-lengths"];

export interface PointSpec extends RunConfigInput {
  system: string;
  model: string;
  batch: number;
  spec: number;
}

/** Decode iterations of a run by the tokens they fed to FC (RLP x TLP): tokens -> number of iterations. */
export type IterationTokens = ReadonlyMap<number, number>;

/** A recorder that keeps only how many decode iterations ran at each token count (for the report's bounds). */
class IterationTokenCounter extends RunRecorder {
  readonly counts = new Map<number, number>();
  override iteration(r: IterationRecord): void {
    const n = r.rlp * r.tlp;
    this.counts.set(n, (this.counts.get(n) ?? 0) + 1);
  }
  override request(): void {}
}

/** Run results by point, shared by the Experiments of one reproduction (each setup's points have their own keys). */
export interface RunCache {
  results: Map<string, RunResult>;
  /** each cached run's decode iterations by token count (recorded with the run) */
  iterationTokens: Map<string, IterationTokens>;
  samples: Map<string, RequestSpec[]>;
  runs: number;
}

/**
 * Runs grid points of one setup (the paper's, or a design under study) and remembers them, so figures that share
 * points (8, 11, extra) run each once. Every point gets the setup (setup.ts `applySetup`) before it runs.
 */
export class Experiments {
  constructor(
    readonly trace: string,
    readonly seed: number,
    readonly setup: ReportSetup = PAPER_SETUP,
    private readonly cache: RunCache = { results: new Map(), iterationTokens: new Map(), samples: new Map(), runs: 0 },
  ) {}

  /** Simulated runs so far (over every Experiments sharing this one's cache). */
  get runs(): number {
    return this.cache.runs;
  }

  /** The cache keys of the runs simulated so far (over every Experiments sharing this one's cache), in run order. */
  runKeys(): string[] {
    return [...this.cache.results.keys()];
  }

  /** The same trace, seed and run cache under another setup. */
  withSetup(setup: ReportSetup): Experiments {
    return new Experiments(this.trace, this.seed, setup, this.cache);
  }

  requestsFor(protocol: Protocol, batch: number): RequestSpec[] {
    // the whole trace, read once per run cache (runs only read their requests: a sweep shares them too)
    let all = this.cache.samples.get("all");
    if (!all) this.cache.samples.set("all", (all = loadTrace(this.trace).requests));
    if (protocol === "all-batches") return all;
    const key = `${protocol}|${batch}`;
    let s = this.cache.samples.get(key);
    if (!s) {
      if (protocol === "equal-lengths") {
        const mean = (f: (r: RequestSpec) => number) => Math.max(1, Math.round(all.reduce((a, r) => a + f(r), 0) / all.length));
        const inputTokens = mean((r) => r.inputTokens);
        const outputTokens = mean((r) => r.outputTokens);
        s = Array.from({ length: batch }, (_, id) => ({ id, arrivalSec: 0, inputTokens, outputTokens }));
      } else {
        const rng = makeRng(this.seed * 1_000_003 + batch);
        s = sampleIndices(rng, all.length, batch).map((i, k) => ({ ...all[i], id: k, arrivalSec: 0 }));
      }
      this.cache.samples.set(key, s);
    }
    return s;
  }

  run(p: PointSpec, protocol: Protocol): RunResult {
    return this.cache.results.get(this.key(p, protocol)) ?? this.simulate(p, protocol);
  }

  /** The point's decode iterations by the tokens each fed to FC (from the same, cached run). */
  iterationTokens(p: PointSpec, protocol: Protocol): IterationTokens {
    const key = this.key(p, protocol);
    if (!this.cache.iterationTokens.has(key)) this.simulate(p, protocol);
    return this.cache.iterationTokens.get(key)!;
  }

  private key(p: PointSpec, protocol: Protocol): string {
    return JSON.stringify([protocol, applySetup(p, this.setup)]);
  }

  private simulate(p: PointSpec, protocol: Protocol): RunResult {
    const point = applySetup(p, this.setup);
    const key = JSON.stringify([protocol, point]);
    const recorder = new IterationTokenCounter();
    const r = runOnce({ trace: this.trace, seed: this.seed, ...point }, { requests: this.requestsFor(protocol, p.batch), recorder });
    this.cache.results.set(key, r);
    this.cache.iterationTokens.set(key, recorder.counts);
    this.cache.runs++;
    return r;
  }
}

export const arithmeticMean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
export const geometricMean = (xs: readonly number[]): number => Math.exp(arithmeticMean(xs.map(Math.log)));

export const FIG8_MODELS = ["llama-65b", "gpt3-66b", "gpt3-175b"] as const;
export const FIG8_BATCHES = [4, 16, 64] as const;
export const FIG8_SPECS = [1, 2, 4] as const;
export const FIG8_BASELINES = ["a100-attacc", "a100-hbmpim", "attacc-only"] as const;

export function* fig8Grid(): Generator<{ model: string; batch: number; spec: number }> {
  for (const model of FIG8_MODELS) for (const batch of FIG8_BATCHES) for (const spec of FIG8_SPECS) yield { model, batch, spec };
}
