import { defineBlock, resolveBlock } from "../core/blocks.ts";
import { SystemDescriptionChecked, type SystemDescription, type SystemDescriptionInput } from "./schema.ts";

/**
 * The six systems of the PAPI evaluation (PAPI.md §4; paper §6.1), as descriptions with devices named by preset.
 * All have 90 HBM3 stacks: 30 hold the FC weights (5 per GPU) and 60 serve attention; the GPU systems have 6 A100s
 * with HBM3 ("A100a" in AttAcc's simulator, preset a100-hbm3). Every field can be overridden in a config
 * (`system: { preset: papi, attnStacks: { numStacks: 40 } }`), and a new system is a description like these.
 */
const NUM_GPUS = 6; // PAPI §6.1: "6 NVIDIA A100 GPUs" worth of compute where a system has GPUs
const NUM_FC_STACKS = 30; // PAPI §6.1: 5 HBM stacks per GPU x 6
const NUM_ATTN_STACKS = 60; // PAPI §6.1: 90 stacks in all, 60 for attention
// PAPI §6.1 / AttAcc simulator: baseline stacks are 16 GiB HBM3 (80 GiB per A100 with 5 stacks): hbm3-5.2
const PLAIN_HBM = "hbm3-5.2";

const links = {
  gpuGpu: "nvlink3", // AttAcc simulator: A100 NVLink 600 GB/s (NVLink 3)
  // ASSUMPTION: the 60 attention stacks sit in 6 devices of 10, each behind one PCIe 5.0 x16 link
  // (PAPI §4.1: Attn-PIM devices hang off PCIe (<= 32 devices) or CXL; the paper gives no bandwidth).
  attention: "pcie5",
  numAttentionLinks: 6,
  // ASSUMPTION: in PIM-only systems the 30 FC stacks keep the NVLink-class links that tie FC-PIM to the GPUs in
  // PAPI (paper §4.1: "FC-PIM <-> PUs: NVLink"), one NVLink 3 port per group of 5 stacks, to the host.
  pimPim: "nvlink3",
  numPimPimLinks: 6,
};
// ASSUMPTION: PAPI reports no scheduler cost ("one multiply and one compare", §5.3); 10 ns of host time.
const SCHEDULER_OVERHEAD_SEC = 10e-9;
const A100 = { device: "a100-hbm3", numGpus: NUM_GPUS };
const NO_GPU = { device: "a100-hbm3", numGpus: 0 };
const PLAIN_FC = { design: null, hbm: PLAIN_HBM, numStacks: NUM_FC_STACKS };
const common = { links, schedulerOverheadSec: SCHEDULER_OVERHEAD_SEC };

const inputs: Record<string, SystemDescriptionInput> = {
  "gpu-only": {
    name: "gpu-only",
    description: "6 A100 (HBM3) GPUs; FC and attention on the GPUs, KV cache in GPU memory",
    gpu: A100, fcStacks: PLAIN_FC, attnStacks: { design: null, numStacks: 0 }, fcUnits: ["gpu"], hostUnit: "gpu", ...common,
  },
  "a100-attacc": {
    name: "a100-attacc",
    description: "A100+AttAcc: FC on the GPUs, attention on 60 AttAcc (1P1B) HBM-PIM stacks",
    gpu: A100, fcStacks: PLAIN_FC, attnStacks: { design: "attacc", numStacks: NUM_ATTN_STACKS }, fcUnits: ["gpu"], hostUnit: "gpu", ...common,
  },
  "a100-hbmpim": {
    name: "a100-hbmpim",
    description: "A100+HBM-PIM: FC on the GPUs, attention on 60 Samsung HBM-PIM (1P2B) stacks",
    gpu: A100, fcStacks: PLAIN_FC, attnStacks: { design: "hbm-pim", numStacks: NUM_ATTN_STACKS }, fcUnits: ["gpu"], hostUnit: "gpu", ...common,
  },
  "attacc-only": {
    name: "attacc-only",
    description: "AttAcc-only: no GPU; FC on 30 and attention on 60 AttAcc (1P1B) stacks",
    gpu: NO_GPU, fcStacks: { design: "attacc", hbm: PLAIN_HBM, numStacks: NUM_FC_STACKS }, attnStacks: { design: "attacc", numStacks: NUM_ATTN_STACKS },
    fcUnits: ["pim"], hostUnit: "pim", ...common,
  },
  papi: {
    name: "papi",
    description: "PAPI: FC on the GPUs or 30 FC-PIM (4P1B) stacks by the online scheduler; attention on 60 Attn-PIM (1P2B)",
    gpu: A100, fcStacks: { design: "fc-pim", hbm: PLAIN_HBM, numStacks: NUM_FC_STACKS }, attnStacks: { design: "attn-pim", numStacks: NUM_ATTN_STACKS },
    fcUnits: ["gpu", "pim"], hostUnit: "gpu", ...common,
  },
  "pim-only-papi": {
    name: "pim-only-papi",
    description: "PIM-only PAPI: no GPU; FC on 30 FC-PIM (4P1B) stacks, attention on 60 Attn-PIM (1P2B)",
    gpu: NO_GPU, fcStacks: { design: "fc-pim", hbm: PLAIN_HBM, numStacks: NUM_FC_STACKS }, attnStacks: { design: "attn-pim", numStacks: NUM_ATTN_STACKS },
    fcUnits: ["pim"], hostUnit: "pim", ...common,
  },
};

/** The system presets, as descriptions (devices by preset name); `papi systems --json` prints these. */
export const SYSTEM_PRESETS: Readonly<Record<string, SystemDescription>> = Object.freeze(
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, SystemDescriptionChecked.parse(v)])),
);

/** A system block of a config: a preset name, `{ preset, ...overrides }`, or a full description. */
export const SystemBlock = defineBlock<SystemDescription>("system", SystemDescriptionChecked, () => SYSTEM_PRESETS);

/** A system description by preset name or block value; one-line UserError on bad input. */
export function resolveSystemDescription(value: unknown, path = "system"): SystemDescription {
  return resolveBlock(SystemBlock, value, undefined, path);
}
