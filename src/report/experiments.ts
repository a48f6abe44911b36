import { makeRng, sampleIndices } from "../core/rng.ts";
import { runOnce, type RunResult } from "../serving/run.ts";
import type { RequestSpec } from "../serving/trace.ts";
import { loadTrace } from "../node/traces.ts";
import type { RunConfigInput } from "../serving/config.ts";

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

/** Runs grid points and remembers them, so figures that share points (8, 11, extra) run each once. */
export class Experiments {
  private readonly cache = new Map<string, RunResult>();
  private readonly samples = new Map<string, RequestSpec[]>();
  runs = 0;

  constructor(
    readonly trace: string,
    readonly seed: number,
    private readonly onRun: () => void = () => {},
  ) {}

  requestsFor(protocol: Protocol, batch: number): RequestSpec[] {
    const all = loadTrace(this.trace).requests;
    if (protocol === "all-batches") return all;
    const key = `${protocol}|${batch}`;
    let s = this.samples.get(key);
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
      this.samples.set(key, s);
    }
    return s;
  }

  run(p: PointSpec, protocol: Protocol): RunResult {
    const key = JSON.stringify([protocol, p]);
    let r = this.cache.get(key);
    if (!r) {
      r = runOnce({ trace: this.trace, seed: this.seed, ...p }, { requests: this.requestsFor(protocol, p.batch) });
      this.cache.set(key, r);
      this.runs++;
      this.onRun();
    }
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
