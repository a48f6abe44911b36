import { z } from "zod";

/**
 * Numeric fields with a physical range: every number a user can give (hardware, model, run) is a `quantity`, so a
 * typo (1e-300 B/s, 1e12 layers) is a one-line error naming the field and the range instead of an Infinity in the
 * output or a hang. The range and unit also reach the JSON Schema (`papi schema`: minimum/maximum, description).
 * Ranges are physical, not tuned to any result: each kind below states why its bounds are wide enough for any
 * real device. zod 4's z.number() already refuses NaN and +-Infinity.
 */
export interface Range {
  min: number;
  max: number;
  /** the range is (min, max] (a zero would divide or make a rate meaningless) */
  minExclusive?: boolean;
  /** whole numbers only (counts, cycles) */
  int?: boolean;
}

/** Formats a bound compactly: 1e16, 65536, 0.5. */
export function formatBound(x: number): string {
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential().replace("e+", "e");
  return String(x);
}

/** "[1e3, 1e16]" or "(0, 1]". */
export function formatRange(r: Range): string {
  return `${r.minExclusive ? "(" : "["}${formatBound(r.min)}, ${formatBound(r.max)}]`;
}

/**
 * A number field in `range`, measured in `unit`, described by `what` (for the JSON Schema). Every failure (wrong
 * type, not an integer, out of range) gives the same message: "must be a number in [1e3, 1e16] (B/s)"; the caller's
 * error formatting prefixes the field's path.
 */
export function quantity(what: string, unit: string, range: Range): z.ZodNumber {
  const kind = range.int ? "an integer" : "a number";
  const message = `must be ${kind} in ${formatRange(range)}${unit ? ` (${unit})` : ""}`;
  // the checks of .int().gt()/.min().max() in that order, added at once: each chained call builds another schema,
  // and papi builds ~200 quantities when it starts (a third of its zod schemas)
  const bounds = [range.minExclusive ? z.gt(range.min, message) : z.gte(range.min, message), z.lte(range.max, message)];
  const s = z.number({ error: message }).check(...(range.int ? [z.int(message), ...bounds] : bounds));
  return s.describe(`${what}${unit ? ` [${unit}]` : ""}`);
}

/**
 * Ranges of the kinds of hardware quantity. ASSUMPTION for each: the bounds are two or more orders of magnitude
 * beyond any device we know of (2024: an H200 has 4.8e12 B/s of HBM, an L2 of ~1e13 B/s, a 1.98 GHz clock, ~1 pJ
 * per FLOP), so no real or plausible future part is refused, while values that can only be typos (a bandwidth of
 * 1e-300 B/s, a clock of 1 Hz) are.
 */
export const RANGES = {
  /** 1 kB/s (a slow serial link) to 10 PB/s (~1,000 x a 2024 GPU's L2) */
  bandwidthBytesPerSec: { min: 1e3, max: 1e16 },
  /** 1 MHz to 100 GHz */
  clockHz: { min: 1e6, max: 1e11 },
  /** a pin's data rate, like a clock: 1 Mb/s to 100 Gb/s */
  bitsPerSecPerPin: { min: 1e6, max: 1e11 },
  /** 1 GFLOP/s (a microcontroller) to 1e18 FLOP/s (~500 x a 2024 GPU's dense FP16) */
  flopsPerSec: { min: 1e9, max: 1e18 },
  /** 0 to 1 nJ per bit (~1,000 x an off-chip DRAM access of ~1-5 pJ/bit) */
  energyPerBitJoules: { min: 0, max: 1e-9 },
  /** 0 to 10 nJ per byte (8 x the per-bit bound) */
  energyPerByteJoules: { min: 0, max: 1e-8 },
  /** 0 to 1 nJ per operation (~1,000 x a 2020 GPU's ~1 pJ per FP16 FLOP) */
  energyPerOpJoules: { min: 0, max: 1e-9 },
  /** an efficiency or share of a peak: (0, 1] */
  fraction: { min: 0, max: 1, minExclusive: true },
  /** a fixed time (launch overhead, link latency): 0 to 1 s */
  latencySec: { min: 0, max: 1 },
  /** power of one device: 0 to 100 kW (a 2024 GPU board draws ~700 W) */
  powerWatts: { min: 0, max: 1e5 },
  /** memory of one device: 1 MB to 1 PB */
  capacityBytes: { min: 1e6, max: 1e15 },
  /** silicon area: 0 to 10,000 mm2 (a reticle is ~858 mm2; a wafer-scale part ~46,000 mm2 is not a die here) */
  areaMm2: { min: 0, max: 1e4 },
} as const satisfies Record<string, Range>;

/** An integer count in [min, max]. */
export const count = (what: string, min: number, max: number, unit = ""): z.ZodNumber => quantity(what, unit, { min, max, int: true });
