import { GiB } from "../core/units.ts";
import { SystemSpec } from "./schema.ts";

/**
 * The six systems of the PAPI evaluation (PAPI.md §4; paper §6.1). All have 90 HBM3 stacks: 30 hold the FC
 * weights (5 per GPU) and 60 serve attention; the GPU systems have 6 A100s with HBM3 ("A100a" in AttAcc's
 * simulator, preset a100-hbm3). Device counts are overridable (CLI --gpus/--fc-stacks/--attn-stacks).
 */
const NUM_GPUS = 6; // PAPI §6.1: "6 NVIDIA A100 GPUs" worth of compute where a system has GPUs
const NUM_FC_STACKS = 30; // PAPI §6.1: 5 HBM stacks per GPU x 6
const NUM_ATTN_STACKS = 60; // PAPI §6.1: 90 stacks in all, 60 for attention
// PAPI §6.1 / AttAcc simulator: baseline stacks are 16 GB (80 GB per A100 with 5 stacks)
const PLAIN_STACK_BYTES = 16 * GiB;

const links = {
  gpuGpu: "nvlink3", // AttAcc simulator: A100 NVLink 600 GB/s (NVLink 3)
  // ASSUMPTION: the 60 attention stacks sit in 6 devices of 10 stacks, each behind one PCIe 5.0 x16 link
  // (PAPI §4.1: Attn-PIM devices hang off PCIe (<= 32 devices) or CXL; the paper gives no bandwidth).
  attention: "pcie5",
  numAttentionLinks: 6,
  // ASSUMPTION: in PIM-only systems the 30 FC stacks keep the NVLink-class links that tie FC-PIM to the GPUs in
  // PAPI (paper Table/§4.1: "FC-PIM <-> PUs: NVLink"), one NVLink 3 port per group of 5 stacks, to the host.
  pimPim: "nvlink3",
  numPimPimLinks: 6,
};
// ASSUMPTION: PAPI reports no scheduler cost ("one multiply and one compare", §5.3); 10 ns of host time.
const SCHEDULER_OVERHEAD_SEC = 10e-9;

const make = (s: SystemSpec): SystemSpec => SystemSpec.parse(s);

export const SYSTEM_PRESETS: Readonly<Record<string, SystemSpec>> = {
  "gpu-only": make({
    name: "gpu-only",
    description: "6 A100 (HBM3) GPUs; FC and attention on the GPUs, KV cache in GPU memory",
    gpu: { preset: "a100-hbm3", numGpus: NUM_GPUS },
    fcStacks: { design: null, numStacks: NUM_FC_STACKS, plainCapacityBytesPerStack: PLAIN_STACK_BYTES },
    attnStacks: { design: null, numStacks: 0 },
    fcUnits: ["gpu"],
    hostUnit: "gpu",
    links,
    schedulerOverheadSec: SCHEDULER_OVERHEAD_SEC,
  }),
  "a100-attacc": make({
    name: "a100-attacc",
    description: "A100+AttAcc: FC on the GPUs, attention on 60 AttAcc (1P1B) HBM-PIM stacks",
    gpu: { preset: "a100-hbm3", numGpus: NUM_GPUS },
    fcStacks: { design: null, numStacks: NUM_FC_STACKS, plainCapacityBytesPerStack: PLAIN_STACK_BYTES },
    attnStacks: { design: "attacc", numStacks: NUM_ATTN_STACKS },
    fcUnits: ["gpu"],
    hostUnit: "gpu",
    links,
    schedulerOverheadSec: SCHEDULER_OVERHEAD_SEC,
  }),
  "a100-hbmpim": make({
    name: "a100-hbmpim",
    description: "A100+HBM-PIM: FC on the GPUs, attention on 60 Samsung HBM-PIM (1P2B) stacks",
    gpu: { preset: "a100-hbm3", numGpus: NUM_GPUS },
    fcStacks: { design: null, numStacks: NUM_FC_STACKS, plainCapacityBytesPerStack: PLAIN_STACK_BYTES },
    attnStacks: { design: "hbm-pim", numStacks: NUM_ATTN_STACKS },
    fcUnits: ["gpu"],
    hostUnit: "gpu",
    links,
    schedulerOverheadSec: SCHEDULER_OVERHEAD_SEC,
  }),
  "attacc-only": make({
    name: "attacc-only",
    description: "AttAcc-only: no GPU; FC on 30 and attention on 60 AttAcc (1P1B) stacks",
    gpu: { preset: "a100-hbm3", numGpus: 0 },
    fcStacks: { design: "attacc", numStacks: NUM_FC_STACKS, plainCapacityBytesPerStack: PLAIN_STACK_BYTES },
    attnStacks: { design: "attacc", numStacks: NUM_ATTN_STACKS },
    fcUnits: ["pim"],
    hostUnit: "pim",
    links,
    schedulerOverheadSec: SCHEDULER_OVERHEAD_SEC,
  }),
  papi: make({
    name: "papi",
    description: "PAPI: FC on the GPUs or 30 FC-PIM (4P1B) stacks by the online scheduler; attention on 60 Attn-PIM (1P2B)",
    gpu: { preset: "a100-hbm3", numGpus: NUM_GPUS },
    fcStacks: { design: "fc-pim", numStacks: NUM_FC_STACKS, plainCapacityBytesPerStack: PLAIN_STACK_BYTES },
    attnStacks: { design: "attn-pim", numStacks: NUM_ATTN_STACKS },
    fcUnits: ["gpu", "pim"],
    hostUnit: "gpu",
    links,
    schedulerOverheadSec: SCHEDULER_OVERHEAD_SEC,
  }),
  "pim-only-papi": make({
    name: "pim-only-papi",
    description: "PIM-only PAPI: no GPU; FC on 30 FC-PIM (4P1B) stacks, attention on 60 Attn-PIM (1P2B)",
    gpu: { preset: "a100-hbm3", numGpus: 0 },
    fcStacks: { design: "fc-pim", numStacks: NUM_FC_STACKS, plainCapacityBytesPerStack: PLAIN_STACK_BYTES },
    attnStacks: { design: "attn-pim", numStacks: NUM_ATTN_STACKS },
    fcUnits: ["pim"],
    hostUnit: "pim",
    links,
    schedulerOverheadSec: SCHEDULER_OVERHEAD_SEC,
  }),
};
