import { z } from "zod";
import { count, quantity, RANGES } from "../core/quantity.ts";
import { LinkBlock } from "../hardware/links/presets.ts";
import type { LinkSpec } from "../hardware/links/schema.ts";
import { CollectiveBlock, type CollectiveSpec } from "./collective-spec.ts";
import { TOPOLOGY_NAMES, type TopologyName } from "./topologies/index.ts";

/**
 * A fabric: the links that join two sides of a system, with how messages and collectives run over them. A system
 * has at most one fabric of each kind (the names are fixed so that profiles and `--set hardware.fabrics.NAME` mean
 * the same thing in every system):
 * - gpuGpu: among the GPUs (tensor-parallel collectives);
 * - attention: between the FC side (GPUs or FC stacks) and the attention devices (Q/K/V out, results back, KV);
 * - pimPim: among the FC stack groups of a system without GPUs, through a switch or the host;
 * - host: between each tensor-parallel group and the host CPU (partial sums reduced by the host).
 */
export const FABRIC_NAMES = ["gpuGpu", "attention", "pimPim", "host"] as const;
export type FabricName = (typeof FABRIC_NAMES)[number];

/** How a point-to-point transfer is priced: latency per message plus bytes over bandwidth, or bandwidth only. */
export const TRANSFER_MODELS = ["alpha-beta", "bandwidth-only"] as const;
export type TransferModel = (typeof TRANSFER_MODELS)[number];

// ASSUMPTION: 4,096 links per fabric at most (CXL 3.0's largest fabric; see src/systems/limits.ts).
const MAX_FABRIC_LINKS = 4096;

export const FabricDescription = z.strictObject({
  link: LinkBlock.field("the link each endpoint has: preset name (nvlink3, pcie5, cxl, ...), { preset, ...overrides } or a full description"),
  numLinks: count("parallel links that carry the fabric's transfers (one per attention device, one per stack group, or the shared buses)", 1, MAX_FABRIC_LINKS).default(1),
  topology: z.enum(TOPOLOGY_NAMES).default("point-to-point").describe("how the endpoints are wired: point-to-point, switch"),
  switchLatencySec: quantity("latency of one switch hop (switch topology only)", "s", RANGES.latencySec).default(0),
  collective: CollectiveBlock.field("how tensor-parallel all-reduces and all-gathers run on this fabric: a collective preset (attacc-a100, nccl-eager-a100, nccl-graph, one-shot-custom, ...), { preset, ...overrides } or { algorithm: ring | one-shot | tree | in-switch | bandwidth-only, messageLatencySec?, callOverheadSec?, bandwidthEfficiency? }; default: ring at the link's latency").default({ algorithm: "ring" }),
  transfers: z.enum(TRANSFER_MODELS).default("alpha-beta").describe("point-to-point transfers: alpha-beta (latency per message + bytes/bandwidth) or bandwidth-only (AttAcc's X2G model)"),
});
export type FabricDescription = z.output<typeof FabricDescription>;
export type FabricDescriptionInput = z.input<typeof FabricDescription>;

/** A fabric with its link resolved: what the cost functions read. */
export interface Fabric {
  link: LinkSpec;
  numLinks: number;
  topology: TopologyName;
  switchLatencySec: number;
  collective: CollectiveSpec;
  transfers: TransferModel;
}
