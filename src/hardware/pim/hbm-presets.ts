import { defineBlock, resolveBlock } from "../../core/blocks.ts";
import { GiB } from "../../core/units.ts";
import { HBM_DERIVED_FIELDS, HbmSpec } from "./hbm.ts";

/**
 * HBM3 stack presets. Sources:
 * - [AttAcc-R] AttAcc's Ramulator 2.0 HBM3-PIM model, scale-snu/attacc_simulator,
 *   pim_ramulator_src/HBM3-PIM.cpp (`org_presets`, `timing_presets`, tRFC table) and
 *   pim_ramulator_src/attacc_bank.yaml (org preset HBM3_8Gb_2R, channel 16, timing HBM3_5.2Gbps).
 * - [JESD238A] JEDEC HBM3 standard, as cited by [AttAcc-R] for the organization.
 */

/** hbm3-5.2: the paper's HBM3 at 5.2 Gb/s per pin, 16 GiB 8-high stack (AttAcc's configuration). */
const hbm3_5_2 = HbmSpec.parse({
  name: "hbm3-5.2",
  org: {
    // [AttAcc-R] attacc_bank.yaml: "channel: 16"
    numChannels: 16,
    // [AttAcc-R] org preset HBM3_8Gb_2R: {Ch 1, Pch 2, Ra 2, Bg 4, Ba 4, Ro 1<<14, Co 1<<5}, DQ 32
    numPseudoChannels: 2,
    numRanks: 2,
    numBankGroups: 4,
    numBanksPerGroup: 4,
    numRows: 1 << 14,
    numColumns: 1 << 5,
    dqBitsPerPseudoChannel: 32,
    // [AttAcc-R] m_internal_prefetch_size = 8 (BL8): 32 bits x 8 = 32 B per column
    burstLength: 8,
    // [AttAcc-R] "1/2/3/4R means 1/2/3/4 ranks for 4/8/12/16-Hi stack": 2R = 8-high
    numDies: 8,
  },
  timing: {
    // PAPI paper Sec. 6 (HBM3 at 5.2 Gb/s per pin); [AttAcc-R] preset HBM3_5.2Gbps
    dataRateBitsPerSecPerPin: 5.2e9,
    // [AttAcc-R] "tCK_ps = 1E6 / (rate / 4); // QDR DQ pins" -> 0.769 ns
    dataBeatsPerClock: 4,
    // [AttAcc-R] HBM3_5.2Gbps row: nBL 2, nCL 19, nRCDRD 19, nRP 19, nRAS 45, nRC 63, nRTPL 8,
    // nCCDS 2, nCCDL 4, nCCDAB 6 (HBM3_5.2Gbps_NPC: 4), nREFI 5070
    nBL: 2,
    nCL: 19,
    nRCD: 19,
    nRP: 19,
    nRAS: 45,
    nRC: 63,
    nRTPL: 8,
    nCCDS: 2,
    nCCDL: 4,
    nCCDAB: 4,
    nCCDABPowerConstrained: 6,
    // [AttAcc-R] tRFC table: 350 ns for an 8 Gb channel, JEDEC-rounded at tCK 769 ps -> 456
    nRFC: 456,
    nREFI: 5070,
    // ASSUMPTION: 32 ms refresh window (8192 REFab x tREFI 3.9 us, the JESD235/JESD238 convention at
    // normal temperature); only used for refresh energy.
    refreshWindowSec: 32e-3,
  },
  // 16 ch x 2 pch x 2 ranks x 16 banks x 16384 rows x 1 KiB = 16 GiB; AttAcc: "MEM_CAPACITY_PER_HBM = 16 GiB"
  capacityBytes: 16 * GiB,
  // 1024 pins x 5.2 Gb/s / 8 = 665.6 GB/s. AttAcc uses 670.4 GB/s (= H100's 3,352 GB/s / 5 stacks);
  // see docs/assumptions.md for why we keep pins x rate.
  externalBandwidthBytesPerSec: 665.6e9,
});

/**
 * hbm3e: a 9.6 Gb/s-per-pin, 24 GiB 8-high HBM3E stack.
 * - 9.6 Gb/s per pin: top HBM3E pin rate (JESD238B-era parts; SK hynix / Micron HBM3E announcements,
 *   "per-stack bandwidth crossing 1.2 TB/s"); 1024 x 9.6 / 8 = 1228.8 GB/s.
 * - 24 GB 8-high: Micron HBM3E 24 GB 8-high (Micron press release, 2024).
 * ASSUMPTION: geometry = HBM3's with 1.5x rows (24 Gb dies); array timings keep the HBM3 5.2 Gb/s
 * values in nanoseconds (DRAM core speed does not scale with the I/O), rounded up at tCK = 0.4167 ns:
 * tRCD/tCL/tRP 14.6 ns -> 36, tRAS 34.6 ns -> 84, tRC = tRAS + tRP -> 120, tRTPL 6.15 ns -> 15,
 * tCCDL 3.08 ns -> 8, MACAB spacing 3.08 / 4.62 ns -> 8 / 12, tRFC 410 ns ([AttAcc-R] table, 12 Gb
 * channel) -> 984, tREFI 3.9 us -> 9360.
 */
const hbm3e = HbmSpec.parse({
  name: "hbm3e",
  org: { ...hbm3_5_2.org, numRows: 24576 },
  timing: {
    dataRateBitsPerSecPerPin: 9.6e9,
    dataBeatsPerClock: 4,
    nBL: 2,
    nCL: 36,
    nRCD: 36,
    nRP: 36,
    nRAS: 84,
    nRC: 120,
    nRTPL: 15,
    nCCDS: 2,
    nCCDL: 8,
    nCCDAB: 8,
    nCCDABPowerConstrained: 12,
    nRFC: 984,
    nREFI: 9360,
    refreshWindowSec: 32e-3, // ASSUMPTION: as hbm3-5.2
  },
  capacityBytes: 24 * GiB,
  externalBandwidthBytesPerSec: 1228.8e9,
});

export const HBM_PRESETS: Readonly<Record<string, HbmSpec>> = Object.freeze({
  "hbm3-5.2": hbm3_5_2,
  hbm3e,
});

/** An HBM block of a config: a preset name, `{ preset, ...overrides }` (one field at a time), or a full spec. */
export const HbmBlock = defineBlock<HbmSpec>("HBM", HbmSpec, () => HBM_PRESETS, HBM_DERIVED_FIELDS);

/** Resolves a preset name or block value (overriding `base` when given); one-line UserError naming the field. */
export function resolveHbm(value: unknown, path = "hbm", base?: unknown): HbmSpec {
  return resolveBlock(HbmBlock, value, base, path);
}

/** One line per preset: what it is and where its numbers come from. */
export const HBM_PRESET_SOURCES: Readonly<Record<string, string>> = {
  "hbm3-5.2": "HBM3 at 5.2 Gb/s, 16 GiB 8-high: AttAcc's Ramulator 2.0 HBM3-PIM org/timing presets (JESD238A org)",
  hbm3e: "HBM3E at 9.6 Gb/s, 24 GiB 8-high: vendor announcements; array timings kept in ns from HBM3 (ASSUMPTION)",
};
