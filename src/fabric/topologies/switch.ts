import type { Topology } from "./types.ts";

/**
 * Switch: every endpoint has one port (its link) into a switch (NVSwitch, a PCIe/CXL switch); a message crosses
 * two links through the switch, so it costs the link's latency plus the switch's hop latency (the fabric's
 * switchLatencySec). A switch with reduction logic (NVLink SHARP) can run in-switch collectives.
 * Source: NVIDIA NVSwitch / NVLink SHARP (Hot Chips 34, 2022; "NVLS" in NCCL >= 2.18).
 */
export const switchTopology: Topology = {
  name: "switch",
  description: "endpoints on the ports of a switch; a message costs the link's latency plus the switch hop; in-switch reduction possible",
  source: "NVIDIA NVSwitch 3 / NVLink SHARP (Hot Chips 34, 2022); PCIe and CXL switches",
  messageLatencySec: (link, switchLatencySec) => link.latencySec + switchLatencySec,
  supportsCollective: () => true,
};
