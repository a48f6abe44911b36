import type { Experiments, IterationTokens, PointSpec, Protocol } from "../../src/report/experiments.ts";
import { PAPER_SETUP } from "../../src/report/setup.ts";
import type { RunResult } from "../../src/serving/run.ts";

const PARTS = { fc: 0, attention: 0, communication: 0, other: 0 };

/**
 * An Experiments stand-in whose runs are hand-made (no simulation): `run(p, protocol)` returns the fields the given
 * function sets (any subset of a RunResult's fields, nested blocks partly), over zeroed defaults, so a figure's or claim's numbers can be derived by hand; `iterationTokens`
 * (decode iterations by token count) from `tokens`, none by default.
 */
export function fakeExperiments(
  f: (p: PointSpec, protocol: Protocol) => object,
  setup: Experiments["setup"] = PAPER_SETUP,
  tokens: (p: PointSpec) => IterationTokens = () => new Map(),
): Experiments {
  return {
    setup,
    run: (p: PointSpec, protocol: Protocol) =>
      ({ system: p.system, latencySec: 1, energyJoules: 1, decodeSec: 1, iterations: 0, fcOnGpuIterations: 0, breakdownSec: PARTS, perTokenSec: PARTS, ...f(p, protocol) }) as RunResult,
    iterationTokens: (p: PointSpec) => tokens(p),
  } as unknown as Experiments;
}
