/**
 * Units of sweep columns, read from their names (papi puts the unit in every name: latencySec, energyJoules,
 * areaMm2, fcPimPowerWatts, tokensPerSec, hbmBandwidthBytesPerSec). A dotted path takes the unit of its last segment
 * that names one (breakdownSec.fc -> s, hardware.fcPim.area.maxDieAreaMm2 -> mm²). Counts and ratios have none.
 */

/** Name endings and their units: compound ones first (BytesPerSec before PerSec, Sec and Bytes). */
const COMPOUND: readonly (readonly [string, string])[] = [
  ["BytesPerSec", "B/s"],
  ["FlopsPerSec", "FLOP/s"],
  ["BitsPerSec", "bit/s"],
  ["JoulesPerBit", "J/bit"],
  ["JoulesPerMac", "J/MAC"],
  ["WattsPerStack", "W"],
];
/** "PerSec" / "PerJoule" after a plural count keep the count ("tokensPerSec" -> "tokens/s"); else "1/s" (ratePerSec). */
const PER: readonly (readonly [string, string])[] = [
  ["PerSec", "s"],
  ["PerJoule", "J"],
];
const SIMPLE: readonly (readonly [string, string])[] = [
  ["Joules", "J"],
  ["Watts", "W"],
  ["Bytes", "B"],
  ["Mm2", "mm²"],
  ["Sec", "s"],
  ["Hz", "Hz"],
];

function segmentUnit(segment: string): string | undefined {
  const endsWith = (suffix: string) => segment.endsWith(suffix) && segment.length > suffix.length;
  for (const [suffix, unit] of COMPOUND) if (endsWith(suffix)) return unit;
  for (const [suffix, unit] of PER) {
    if (!endsWith(suffix)) continue;
    const word = (/([A-Z]?[a-z]+)$/.exec(segment.slice(0, -suffix.length))?.[1] ?? "").toLowerCase();
    return word.endsWith("s") ? `${word}/${unit}` : `1/${unit}`;
  }
  for (const [suffix, unit] of SIMPLE) if (endsWith(suffix)) return unit;
  return undefined;
}

/** The unit of a column name, or undefined for counts, ratios and names without one. */
export function unitOf(name: string): string | undefined {
  const segments = name.split(".");
  for (let i = segments.length - 1; i >= 0; i--) {
    const u = segmentUnit(segments[i]);
    if (u !== undefined) return u;
  }
  return undefined;
}

/** An axis or legend title: the column name with its unit, "latencySec (s)"; names without a unit as they are. */
export function titleWithUnit(name: string): string {
  const u = unitOf(name);
  return u === undefined ? name : `${name} (${u})`;
}
