import { defineRegistry } from "../core/registry.ts";
import type { FabricDescriptionInput, FabricName } from "../fabric/schema.ts";
import { PIM_DEFAULTS } from "../hardware/pim/schema.ts";
import type { Assumptions } from "../units/assumptions.ts";

/**
 * Assumption profiles: named bundles of the structural choices a run makes (src/units/assumptions.ts) plus patches
 * of the fabrics every system that has them takes (by fabric name), selected with `--profile NAME` in run, sweep,
 * reproduce and the explorer. A run config's `assumptions:` and `hardware.fabrics:` override a profile one field at a
 * time. Nothing here is fitted to a result: each value is a mechanism with the source given next to it.
 */
export interface AssumptionProfile {
  name: string;
  description: string;
  assumptions: Assumptions;
  /** patches of the fabrics of that name, in every system that has one */
  fabrics: Partial<Record<FabricName, Partial<FabricDescriptionInput>>>;
}

/** papi's own best physical estimate (docs/assumptions.md, "Structural choices"). */
const papi: AssumptionProfile = {
  name: "papi",
  description: "papi's best physical estimate: FLOP, HBM, static and refresh energy; alpha-beta links; the systems' own fabrics",
  assumptions: {
    fcMapping: PIM_DEFAULTS.fcMapping,
    pimReuseReads: PIM_DEFAULTS.reuseReads,
    pimRefreshEnergy: true, // a DRAM refreshes busy or idle (JEDEC HBM3: REFab every tREFI)
    // ASSUMPTION: one command message from the host per kernel, priced like one PCIe/CXL DMA message (2 us, the
    // links' assumption in src/hardware/links/presets.ts); a GPU pays 4 us per kernel in a CUDA graph.
    pimElementwiseOverheadSec: 2e-6,
    gpuStaticPower: true, // nvidia-smi idle readings (docs/assumptions.md, "Static power")
    gpuOnChipEnergy: false, // A100 presets' per-FLOP energy is AttAcc's ALU figure; Hopper's a TDP bound that includes it
    pimPartialSums: "as-described",
  },
  fabrics: {},
};

/**
 * The paper's toolchain as best reconstructed from the paper and AttAcc's public simulator (scale-snu/attacc_simulator
 * at c1540de), every item cited:
 * - FC on PIM laid out n-split: PAPI §6.4 (weights split like K^T: columns over pseudo-channels and bank groups,
 *   rows over banks); AttAcc's gen_trace_attacc_bank.py.
 * - one column read per MAC command: AttAcc issues one MACAB per (column, query vector) and charges every MACAB's
 *   array read (src/devices.py PIM._get_energy: traffic from Ramulator x ENERGY_TABLE 'mem').
 * - no refresh and no static energy: AttAcc's energy is dynamic only (ENERGY_TABLE has no static or refresh term).
 * - GPU on-chip energy: ENERGY_TABLE['GPU'] reg/l1/l2 (src/config.py), charged per tile traffic (src/devices.py).
 * - GPU collectives at AttAcc's A100 fit: get_nvlink_time = (N-1) x 6.06 us + bytes term (the gpuGpu ring as is).
 * - transfers to and from PIM devices bandwidth-only: AttAcc's X2G layers cost traffic / (INTERFACE_BW / 2), no
 *   latency (src/devices.py PIM._io_time_energy); the same for collectives among PIM stack groups.
 * - attention devices on 2 PCIe 5.0 buses: PAPI §4.1 (PCIe allows at most 32 devices, so 60 devices need 2 buses).
 */
const attaccToolchain: AssumptionProfile = {
  name: "attacc-toolchain",
  description: "the paper's toolchain as reconstructed from AttAcc's simulator: AttAcc's energy accounting, bandwidth-only PIM transfers, 2 PCIe buses",
  assumptions: {
    fcMapping: "n-split",
    pimReuseReads: "per-command",
    pimRefreshEnergy: false,
    pimElementwiseOverheadSec: 0,
    gpuStaticPower: false,
    gpuOnChipEnergy: true,
    pimPartialSums: "as-described",
  },
  fabrics: {
    gpuGpu: { collective: { algorithm: "ring" } },
    attention: { numLinks: 2, transfers: "bandwidth-only" },
    pimPim: { transfers: "bandwidth-only", collective: { algorithm: "bandwidth-only" } },
  },
};

export const PROFILE_NAMES = ["papi", "attacc-toolchain"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];
export const PROFILES = defineRegistry("assumption profile", { papi, "attacc-toolchain": attaccToolchain } satisfies Record<ProfileName, AssumptionProfile>);
export const DEFAULT_PROFILE: ProfileName = "papi";

/** The assumptions of a run: its profile's, with the run's own overrides on top. */
export function resolveAssumptions(profile: string = DEFAULT_PROFILE, overrides: Partial<Assumptions> = {}): Assumptions {
  return { ...PROFILES.get(profile, "profile").assumptions, ...overrides };
}
