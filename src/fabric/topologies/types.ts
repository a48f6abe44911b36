import type { LinkSpec } from "../../hardware/links/schema.ts";

/**
 * How the endpoints of a fabric are wired (registered in topologies/index.ts; a new topology is one file and one
 * entry). The topology decides what a message costs end to end and which collective algorithms can run on it.
 */
export interface Topology {
  name: string;
  description: string;
  source: string;
  /** End-to-end latency of one message over `link` (the link's own latency, plus what the topology adds). */
  messageLatencySec(link: LinkSpec, switchLatencySec: number): number;
  /** Whether a collective algorithm can run on this wiring (in-switch reduction needs a switch). */
  supportsCollective(algorithm: string): boolean;
}
