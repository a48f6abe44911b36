import { z } from "zod";
import { count, quantity, RANGES } from "../../core/quantity.ts";

/**
 * An HBM3 stack as data: organization (geometry) and timing (tCK and n-cycle parameters), in the
 * shape Ramulator 2.0 uses for HBM3 / AttAcc's HBM3-PIM (`org_presets`, `timing_presets`).
 * Loading checks the derived values the way Ramulator checks density: the capacity computed from the
 * geometry must equal the declared capacity, and pins x rate must equal the declared external
 * bandwidth. Presets live in hbm-presets.ts.
 */

/**
 * ASSUMPTION (all org bounds): 4 to 64 x a JEDEC HBM3 stack (JESD238: 16 channels, 2 pseudo-channels, up to 4 SIDs,
 * 4 bank groups of 4 banks, 2^14-2^15 rows, 64 bursts per row... AttAcc's HBM3-PIM: 32 banks per bank group); the
 * timing n-values are at most 1e6 command clocks (1 ms at 1 GHz; HBM3's longest, nREFI, is ~5,000).
 */
const orgCount = (what: string, max: number) => count(what, 1, max);
const cycles = (what: string) => count(what, 1, 1e6, "tCK cycles");

export const HbmOrg = z.strictObject({
  numChannels: orgCount("channels per stack", 1024),
  numPseudoChannels: orgCount("pseudo-channels per channel", 64),
  /** stack IDs (SIDs); Ramulator's HBM3-PIM "rank" level */
  numRanks: orgCount("stack IDs (ranks) per pseudo-channel", 64),
  numBankGroups: orgCount("bank groups per rank", 64),
  numBanksPerGroup: orgCount("banks per bank group", 256),
  numRows: orgCount("rows per bank", 2 ** 24),
  /** columns per row, each one burst wide */
  numColumns: orgCount("columns (bursts) per row", 2 ** 16),
  dqBitsPerPseudoChannel: orgCount("data pins per pseudo-channel", 1024),
  burstLength: orgCount("beats per burst", 256),
  /** DRAM dies in the stack (the area rule is per die) */
  numDies: orgCount("DRAM dies in the stack", 64),
});
export type HbmOrg = z.infer<typeof HbmOrg>;

/** All n-parameters are in command-clock cycles (tCK), as in Ramulator; t-values in seconds. */
export const HbmTiming = z.strictObject({
  dataRateBitsPerSecPerPin: quantity("data rate of one pin", "bit/s", RANGES.bitsPerSecPerPin),
  /** data beats per command clock (HBM3 in Ramulator's HBM3-PIM: 4, i.e. tCK = 4 / rate) */
  dataBeatsPerClock: count("data beats per command clock", 1, 16),
  nBL: cycles("burst length"),
  nCL: cycles("read latency"),
  nRCD: cycles("activate to column command"),
  nRP: cycles("precharge"),
  nRAS: cycles("activate to precharge"),
  nRC: cycles("activate to activate (same bank)"),
  nRTPL: cycles("read to precharge"),
  nCCDS: cycles("column to column, different bank groups"),
  nCCDL: cycles("column to column, same bank group"),
  /** all-bank MAC (MACAB) spacing without the power constraint ("_NPC" presets) */
  nCCDAB: cycles("all-bank MAC spacing"),
  /** all-bank MAC spacing stretched to stay within the power limit */
  nCCDABPowerConstrained: cycles("all-bank MAC spacing within the power limit"),
  nRFC: cycles("refresh cycle"),
  nREFI: cycles("refresh interval"),
  /** refresh window (all rows refreshed once per window) */
  refreshWindowSec: quantity("refresh window (every row refreshed once)", "s", { ...RANGES.latencySec, minExclusive: true }),
});
export type HbmTiming = z.infer<typeof HbmTiming>;

const HbmSpecObject = z.strictObject({
  name: z.string().min(1).describe("HBM name"),
  org: HbmOrg,
  timing: HbmTiming,
  /** capacity; derived from the geometry (if declared, it must equal the geometry's) */
  capacityBytes: quantity("capacity of one stack (derived from the geometry)", "bytes", { min: 1, max: 1e18 }).optional(),
  /** external (pin) bandwidth; derived as pins x rate / 8 (if declared, it must equal that) */
  externalBandwidthBytesPerSec: quantity("external (pin) bandwidth (derived: pins x rate / 8)", "B/s", { min: 1, max: 1e18 }).optional(),
});

export const HbmSpec = HbmSpecObject.superRefine((s, ctx) => {
  const cap = hbmCapacityFromGeometryBytes(s.org);
  if (s.capacityBytes !== undefined && cap !== s.capacityBytes) {
    ctx.addIssue({
      code: "custom",
      path: ["capacityBytes"],
      message: `declared ${s.capacityBytes} B but the geometry gives ${cap} B`,
    });
  }
  const bw = hbmExternalBandwidthFromPinsBytesPerSec(s.org, s.timing);
  if (s.externalBandwidthBytesPerSec !== undefined && Math.abs(bw - s.externalBandwidthBytesPerSec) > 1e-6 * bw) {
    ctx.addIssue({
      code: "custom",
      path: ["externalBandwidthBytesPerSec"],
      message: `declared ${s.externalBandwidthBytesPerSec} B/s but pins x rate gives ${bw} B/s`,
    });
  }
  const t = s.timing;
  const timingRules: Array<[boolean, string, string]> = [
    [t.nRC >= t.nRAS + t.nRP - 1, "nRC", "nRC must be about nRAS + nRP"],
    [t.nRAS >= t.nRCD, "nRAS", "nRAS must be >= nRCD"],
    [t.nCCDL >= t.nCCDS, "nCCDL", "nCCDL must be >= nCCDS"],
    [t.nCCDABPowerConstrained >= t.nCCDAB, "nCCDABPowerConstrained", "must be >= nCCDAB"],
    [t.nREFI > t.nRFC, "nREFI", "nREFI must exceed nRFC"],
    [t.nBL * t.dataBeatsPerClock === s.org.burstLength, "nBL", "nBL x dataBeatsPerClock must equal burstLength"],
  ];
  for (const [ok, field, message] of timingRules) {
    if (!ok) ctx.addIssue({ code: "custom", path: ["timing", field], message });
  }
  if ((s.org.numChannels * s.org.numPseudoChannels * s.org.numRanks * s.org.numBankGroups * s.org.numBanksPerGroup) %
    s.org.numDies !== 0) {
    ctx.addIssue({ code: "custom", path: ["org", "numDies"], message: "banks per stack must divide evenly over the dies" });
  }
}).transform((s) => ({
  ...s,
  capacityBytes: hbmCapacityFromGeometryBytes(s.org),
  externalBandwidthBytesPerSec: hbmExternalBandwidthFromPinsBytesPerSec(s.org, s.timing),
}));
export type HbmSpec = z.output<typeof HbmSpec>;
/** Fields computed from the others (a declared value is checked, an inherited one is recomputed). */
export const HBM_DERIVED_FIELDS = ["capacityBytes", "externalBandwidthBytesPerSec"] as const;

// ---- derived quantities (pure) -------------------------------------------------------------

/** Bytes moved by one column access (one burst on one pseudo-channel): 32 x 8 / 8 = 32 B for HBM3. */
export function hbmColumnBytes(org: HbmOrg): number {
  return (org.dqBitsPerPseudoChannel * org.burstLength) / 8;
}

export function hbmRowBytes(org: HbmOrg): number {
  return hbmColumnBytes(org) * org.numColumns;
}

/** Banks behind one pseudo-channel (ranks x bank groups x banks). */
export function hbmBanksPerPseudoChannel(org: HbmOrg): number {
  return org.numRanks * org.numBankGroups * org.numBanksPerGroup;
}

export function hbmBanksPerChannel(org: HbmOrg): number {
  return org.numPseudoChannels * hbmBanksPerPseudoChannel(org);
}

export function hbmBanksPerStack(org: HbmOrg): number {
  return org.numChannels * hbmBanksPerChannel(org);
}

export function hbmCapacityFromGeometryBytes(org: HbmOrg): number {
  return hbmBanksPerStack(org) * org.numRows * hbmRowBytes(org);
}

export function hbmNumPins(org: HbmOrg): number {
  return org.numChannels * org.numPseudoChannels * org.dqBitsPerPseudoChannel;
}

export function hbmExternalBandwidthFromPinsBytesPerSec(org: HbmOrg, t: HbmTiming): number {
  return (hbmNumPins(org) * t.dataRateBitsPerSecPerPin) / 8;
}

/** Command-clock period: tCK = beats per clock / pin rate (0.769 ns at 5.2 Gb/s, QDR). */
export function hbmClockPeriodSec(t: HbmTiming): number {
  return t.dataBeatsPerClock / t.dataRateBitsPerSecPerPin;
}

/** Bandwidth of one pseudo-channel data bus: one column per nBL cycles. */
export function hbmPseudoChannelBandwidthBytesPerSec(spec: HbmSpec): number {
  return hbmColumnBytes(spec.org) / (spec.timing.nBL * hbmClockPeriodSec(spec.timing));
}

/** Share of time the banks are usable between all-bank refreshes: 1 - nRFC / nREFI. */
export function hbmRefreshAvailability(t: HbmTiming): number {
  return 1 - t.nRFC / t.nREFI;
}
