import { defineBlock, resolveBlock } from "../../core/blocks.ts";
import { LinkSpec } from "./schema.ts";
import { lazyRecord } from "../../core/lazy-record.ts";

/**
 * Link presets. Bandwidth per direction; the aggregate (bidirectional) figure is what vendors and
 * AttAcc quote. Sources:
 * - [AttAcc] scale-snu/attacc_simulator src/config.py: INTERFACE_BW NVLINK3 600, NVLINK4 900, PCIE4 64,
 *   PCIE5 128 GB/s, halved per direction in devices.py ("RX, TX --> 1/2x"); link energy
 *   ENERGY_TABLE 'comm' = 1.3 pJ/bit (citing IEEE doc. 10067395).
 * - [A100] NVIDIA A100 datasheet: third-generation NVLink, 600 GB/s.
 * - [H100] NVIDIA H100 datasheet (SXM): fourth-generation NVLink, 900 GB/s.
 * - [PCIe] PCI-SIG: PCIe 4.0 16 GT/s, 5.0 32 GT/s, 6.0 64 GT/s per lane; x16 raw = rate x 16 / 8 per
 *   direction (4.0: 32 GB/s, 31.5 GB/s after 128b/130b coding).
 * - [CXL] CXL Consortium: CXL 2.0 runs on the PCIe 5.0 PHY, CXL 3.0 on PCIe 6.0 (and allows fabrics of
 *   up to 4,096 nodes, the limit PAPI quotes).
 */

// [AttAcc] src/devices.py get_nvlink_time ("interpolation of real data on A100"): an all-reduce over N GPUs
// takes (N-1) x (6,060 ns + ...). A ring all-reduce sends 2(N-1) messages one after another
// (src/hardware/links/collective.ts), so 6.06 us / 2 = 3.03 us per message reproduces the fitted floor.
// Used for every message on NVLink-class links (collectives and point-to-point copies). NVLink 4 keeps the
// A100 figure (ASSUMPTION: no published H100 fit).
const GPU_LINK_LATENCY_SEC = 3.03e-6;
// ASSUMPTION: 2 us per PCIe DMA message (descriptor setup + about 1 us round trip).
const PCIE_LATENCY_SEC = 2e-6;
// ASSUMPTION: 1 us per CXL.mem/CXL.io bulk message (CXL memory adds a few hundred ns per access).
const CXL_LATENCY_SEC = 1e-6;
// [AttAcc] 1.3 pJ/bit for GPU-GPU and GPU-PIM links
const GPU_LINK_J_PER_BIT = 1.3e-12;
// ASSUMPTION: 5 pJ/bit for PCIe/CXL SerDes at 16-64 GT/s (published long-reach transceivers: 4-7 pJ/bit).
const SERDES_J_PER_BIT = 5e-12;

const raw: Record<string, unknown> = {
  nvlink3: {
    name: "nvlink3", description: "NVLink 3 (A100): 600 GB/s bidirectional [A100][AttAcc]",
    bandwidthBytesPerSec: 300e9, aggregateBandwidthBytesPerSec: 600e9,
    latencySec: GPU_LINK_LATENCY_SEC, energyPerBitJoules: GPU_LINK_J_PER_BIT,
  },
  nvlink4: {
    name: "nvlink4", description: "NVLink 4 (H100): 900 GB/s bidirectional [H100][AttAcc]",
    bandwidthBytesPerSec: 450e9, aggregateBandwidthBytesPerSec: 900e9,
    latencySec: GPU_LINK_LATENCY_SEC, energyPerBitJoules: GPU_LINK_J_PER_BIT,
  },
  pcie4: {
    name: "pcie4", description: "PCIe 4.0 x16: 64 GB/s bidirectional raw [PCIe][AttAcc]",
    bandwidthBytesPerSec: 32e9, aggregateBandwidthBytesPerSec: 64e9,
    latencySec: PCIE_LATENCY_SEC, energyPerBitJoules: SERDES_J_PER_BIT,
  },
  pcie5: {
    name: "pcie5", description: "PCIe 5.0 x16: 128 GB/s bidirectional raw [PCIe][AttAcc]",
    bandwidthBytesPerSec: 64e9, aggregateBandwidthBytesPerSec: 128e9,
    latencySec: PCIE_LATENCY_SEC, energyPerBitJoules: SERDES_J_PER_BIT,
  },
  cxl2: {
    name: "cxl2", description: "CXL 2.0 on PCIe 5.0 x16: 64 GB/s per direction raw [CXL][PCIe]",
    bandwidthBytesPerSec: 64e9, aggregateBandwidthBytesPerSec: 128e9,
    latencySec: CXL_LATENCY_SEC, energyPerBitJoules: SERDES_J_PER_BIT,
  },
  cxl: {
    name: "cxl", description: "CXL 3.0 on PCIe 6.0 x16: 128 GB/s per direction raw (FLIT/FEC overhead ignored) [CXL][PCIe]",
    bandwidthBytesPerSec: 128e9, aggregateBandwidthBytesPerSec: 256e9,
    latencySec: CXL_LATENCY_SEC, energyPerBitJoules: SERDES_J_PER_BIT,
  },
};

export const LINK_PRESETS: Readonly<Record<string, LinkSpec>> = lazyRecord(raw, (v) => LinkSpec.parse(v));

/** A link block of a config: a preset name, `{ preset, ...overrides }`, or a full description. */
export const LinkBlock = defineBlock<LinkSpec>("link", LinkSpec, () => LINK_PRESETS, ["aggregateBandwidthBytesPerSec"]);

/** A link by preset name or block value (overriding `base` when given); one-line UserError on bad input. */
export function resolveLink(value: unknown, base?: unknown, path = "link"): LinkSpec {
  return resolveBlock(LinkBlock, value, base, path);
}
