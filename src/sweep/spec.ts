import { z } from "zod";
import { formatIssues } from "../core/blocks.ts";
import { UserError } from "../core/errors.ts";

/**
 * A sweep, as data (`papi sweep SPEC.yaml`): a base run config (anything `papi run --config` takes), and the config
 * paths to vary. `grid` is a cartesian product, `zip` varies paths together (each group is one axis), `random` draws
 * seeded samples; the three multiply. `constraints` mark points infeasible (kept with the reason, not run);
 * `metrics` pick the output columns; `pareto` gives `papi sweep pareto` its defaults. Strict: unknown keys are errors.
 */

/** ASSUMPTION: a bound that keeps one sweep a study (not a typo that expands to billions of runs). */
export const MAX_POINTS = 1_000_000;
export const MAX_RANDOM_SAMPLES = 100_000;

const finite = (f: string) => z.number({ error: `${f} must be a number` }).refine(Number.isFinite, `${f} must be finite`);

/** A range's span must be a finite number: from -1e308 to 1e308 overflows (every value would be NaN). */
const spanIsFinite = (r: { from: number; to: number }) => Number.isFinite(r.to - r.from);
const SPAN_MESSAGE = { message: "to - from must be a finite number (the range is wider than a double holds)", path: ["to"] };
/** An inclusive linear range: from, from + step, ... up to `to`. */
const StepRange = z
  .object({
    from: finite("from").describe("first value"),
    to: finite("to").describe("last value (included when a whole number of steps away)"),
    step: z.number({ error: "step must be a number > 0" }).gt(0, "step must be > 0").refine(Number.isFinite, "step must be finite").describe("spacing (> 0)"),
  })
  .strict()
  .refine(spanIsFinite, SPAN_MESSAGE);
/** `num` values from `from` to `to` (both included), evenly spaced, or geometrically spaced with `log: true`. */
const NumRange = z
  .object({
    from: finite("from").describe("first value"),
    to: finite("to").describe("last value"),
    num: z.number().int("num must be an integer").min(1, "num must be >= 1").max(MAX_POINTS, `num must be <= ${MAX_POINTS}`).describe("number of values"),
    log: z.boolean().default(false).describe("geometric spacing (from and to > 0)"),
  })
  .strict()
  .refine(spanIsFinite, SPAN_MESSAGE);

/** One axis of a grid: a list of values (any YAML value: numbers, names, objects), or a numeric range. */
export const AxisValues = z.union([z.array(z.unknown()), StepRange, NumRange]);
export type AxisValues = z.output<typeof AxisValues>;

const Pair = z.tuple([finite("low"), finite("high")]);
/** A random parameter: uniform or log-uniform on [low, high] (optionally rounded to integers), or a choice. */
export const Distribution = z.union([
  z.object({ uniform: Pair, integer: z.boolean().default(false) }).strict(),
  z.object({ logUniform: Pair, integer: z.boolean().default(false) }).strict(),
  z.object({ choice: z.array(z.unknown()).min(1, "choice must list at least one value") }).strict(),
]);
export type Distribution = z.output<typeof Distribution>;

export const RandomSection = z
  .object({
    samples: z.number().int("samples must be an integer").min(1, "samples must be >= 1").max(MAX_RANDOM_SAMPLES, `samples must be <= ${MAX_RANDOM_SAMPLES}`),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe("seed of the draws (same seed, same points)"),
    params: z.record(z.string(), Distribution).refine((p) => Object.keys(p).length > 0, "random.params must name at least one path"),
  })
  .strict();

/** Named reference points for `papi sweep pareto`: values of design columns that identify the point. */
export const ParetoSection = z
  .object({
    x: z.string().min(1).optional(),
    y: z.string().min(1).optional(),
    z: z.string().min(1).optional(),
    /** swept paths that form the workload (aggregated by geometric mean), not the design */
    over: z.array(z.string().min(1)).default([]),
    references: z.record(z.string().min(1), z.record(z.string(), z.unknown())).default({}),
  })
  .strict();
export type ParetoSection = z.output<typeof ParetoSection>;

export const SweepSpec = z
  .object({
    name: z.string().min(1).default("sweep"),
    description: z.string().default(""),
    /** the base run config: inline, or a path to a config file (relative to the spec) */
    base: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).default({}),
    grid: z.record(z.string(), AxisValues).default({}),
    zip: z.array(z.record(z.string(), z.array(z.unknown()))).default([]),
    random: RandomSection.optional(),
    /** constraint name -> options (`{}` or true for the defaults, false to drop); a list of names is shorthand */
    constraints: z.union([z.array(z.string()), z.record(z.string(), z.union([z.boolean(), z.record(z.string(), z.unknown())]))]).optional(),
    metrics: z.array(z.string().min(1)).min(1, "metrics must list at least one metric").optional(),
    pareto: ParetoSection.default({ over: [], references: {} }),
  })
  .strict();
export type SweepSpecInput = z.input<typeof SweepSpec>;
export type SweepSpec = z.output<typeof SweepSpec>;

/** Parses a sweep spec; one-line UserError naming the field (and the nearest valid key for unknown keys). */
export function parseSweepSpec(raw: unknown, label = "spec"): SweepSpec {
  const r = SweepSpec.safeParse(raw ?? {});
  if (!r.success) throw new UserError(formatIssues(r.error.issues, "", SweepSpec, label));
  return r.data;
}
