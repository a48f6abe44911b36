import { z } from "zod";

/**
 * An HBM3 stack as data: organization (geometry) and timing (tCK and n-cycle parameters), in the
 * shape Ramulator 2.0 uses for HBM3 / AttAcc's HBM3-PIM (`org_presets`, `timing_presets`).
 * Loading checks the derived values the way Ramulator checks density: the capacity computed from the
 * geometry must equal the declared capacity, and pins x rate must equal the declared external
 * bandwidth. Presets live in hbm-presets.ts.
 */

const posInt = z.number().int().positive();

export const HbmOrg = z.object({
  numChannels: posInt,
  numPseudoChannels: posInt,
  /** stack IDs (SIDs); Ramulator's HBM3-PIM "rank" level */
  numRanks: posInt,
  numBankGroups: posInt,
  numBanksPerGroup: posInt,
  numRows: posInt,
  /** columns per row, each one burst wide */
  numColumns: posInt,
  dqBitsPerPseudoChannel: posInt,
  burstLength: posInt,
  /** DRAM dies in the stack (the area rule is per die) */
  numDies: posInt,
});
export type HbmOrg = z.infer<typeof HbmOrg>;

/** All n-parameters are in command-clock cycles (tCK), as in Ramulator; t-values in seconds. */
export const HbmTiming = z.object({
  dataRateBitsPerSecPerPin: z.number().positive(),
  /** data beats per command clock (HBM3 in Ramulator's HBM3-PIM: 4, i.e. tCK = 4 / rate) */
  dataBeatsPerClock: posInt,
  nBL: posInt,
  nCL: posInt,
  nRCD: posInt,
  nRP: posInt,
  nRAS: posInt,
  nRC: posInt,
  nRTPL: posInt,
  nCCDS: posInt,
  nCCDL: posInt,
  /** all-bank MAC (MACAB) spacing without the power constraint ("_NPC" presets) */
  nCCDAB: posInt,
  /** all-bank MAC spacing stretched to stay within the power limit */
  nCCDABPowerConstrained: posInt,
  nRFC: posInt,
  nREFI: posInt,
  /** refresh window (all rows refreshed once per window) */
  refreshWindowSec: z.number().positive(),
});
export type HbmTiming = z.infer<typeof HbmTiming>;

const HbmSpecObject = z.object({
  name: z.string().min(1),
  org: HbmOrg,
  timing: HbmTiming,
  /** capacity; derived from the geometry (if declared, it must equal the geometry's) */
  capacityBytes: z.number().positive().optional(),
  /** external (pin) bandwidth; derived as pins x rate / 8 (if declared, it must equal that) */
  externalBandwidthBytesPerSec: z.number().positive().optional(),
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
