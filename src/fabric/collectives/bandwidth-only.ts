import type { KernelCost } from "../../hardware/cost-types.ts";
import type { LinkSpec } from "../../hardware/links/schema.ts";
import { type CollectiveAlgorithm, type CollectiveKind, nothingToSend, sentEnergyJoules } from "./types.ts";

/**
 * Bandwidth only, AttAcc's X2G transfer model (scale-snu/attacc_simulator src/devices.py, xPU._io_time_energy:
 * exec_time = traffic / (INTERFACE_BW / 2), energy = num_xpu x traffic x comm): each participant's buffer
 * crosses its link once, with no per-message latency and whatever the collective kind:
 *
 *   time = B / bandwidth,  bytes sent N B
 *
 * A lower bound for any algorithm that must move each participant's buffer at least once; `link.latencySec` is
 * ignored.
 */
function bandwidthOnlyCost(link: LinkSpec, _kind: CollectiveKind, bytes: number, numParticipants: number): KernelCost {
  if (nothingToSend(bytes, numParticipants)) return { timeSec: 0, energyJoules: 0 };
  return { timeSec: bytes / link.bandwidthBytesPerSec, energyJoules: sentEnergyJoules(link, numParticipants * bytes) };
}

export const bandwidthOnly: CollectiveAlgorithm = {
  name: "bandwidth-only",
  description: "bandwidth only (AttAcc X2G): B / bandwidth, no per-message latency",
  source: "AttAcc simulator (scale-snu/attacc_simulator) src/devices.py, xPU._io_time_energy, LayerType.X2G",
  cost: bandwidthOnlyCost,
};
