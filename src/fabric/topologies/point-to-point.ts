import type { Topology } from "./types.ts";

/**
 * Point-to-point: every endpoint has its own link to its peers (GPUs on NVLink, an attention device on its PCIe
 * link); a message costs the link's latency. No device in the path can reduce data.
 */
export const pointToPoint: Topology = {
  name: "point-to-point",
  description: "endpoints joined by their own links; a message costs the link's latency; no in-network reduction",
  source: "the links of papi <= 0.2 (AttAcc's simulator prices every message on the link alone)",
  messageLatencySec: (link) => link.latencySec,
  supportsCollective: (algorithm) => algorithm !== "in-switch",
};
