import { defineBlock, resolveBlock } from "../core/blocks.ts";
import type { FabricDescriptionInput } from "../fabric/schema.ts";
import { HOST_FABRIC, normalizeSystemValue } from "./legacy.ts";
import { SystemDescriptionChecked, type SystemDescription, type SystemDescriptionInput } from "./schema.ts";
import { lazyRecord } from "../core/lazy-record.ts";

/**
 * The six systems of the PAPI evaluation (PAPI.md §4; paper §6.1), as units, roles and fabrics with devices named
 * by preset. All have 90 HBM3 stacks: 30 hold the FC weights (5 per GPU) and 60 serve attention; the GPU systems
 * have 6 A100s with HBM3 ("A100a" in AttAcc's simulator, preset a100-hbm3). Every field can be overridden in a config
 * (`system: { preset: papi, units: { attn-pim: { count: 40 } } }`, or in papi 0.2's shape `attnStacks: { numStacks:
 * 40 }`), and a new system is a description like these.
 */
const NUM_GPUS = 6; // PAPI §6.1: "6 NVIDIA A100 GPUs" worth of compute where a system has GPUs
const NUM_FC_STACKS = 30; // PAPI §6.1: 5 HBM stacks per GPU x 6
const NUM_ATTN_STACKS = 60; // PAPI §6.1: 90 stacks in all, 60 for attention
// PAPI §6.1 / AttAcc simulator: baseline stacks are 16 GiB HBM3 (80 GiB per A100 with 5 stacks): hbm3-5.2
const PLAIN_HBM = "hbm3-5.2";
// ASSUMPTION: PAPI reports no scheduler cost ("one multiply and one compare", §5.3); 10 ns of host time.
const SCHEDULER_OVERHEAD_SEC = 10e-9;

const fabrics: Record<"gpuGpu" | "attention" | "pimPim", FabricDescriptionInput> = {
  // AttAcc simulator: A100 NVLink 600 GB/s (NVLink 3); ring all-reduce at AttAcc's A100 fit (the link's latency)
  gpuGpu: { link: "nvlink3", collective: { algorithm: "ring" } },
  // ASSUMPTION: the 60 attention stacks sit in 6 devices of 10, each behind one PCIe 5.0 x16 link
  // (PAPI §4.1: Attn-PIM devices hang off PCIe (<= 32 devices) or CXL; the paper gives no bandwidth).
  attention: { link: "pcie5", numLinks: 6 },
  // ASSUMPTION: in PIM-only systems the 30 FC stacks keep the NVLink-class links that tie FC-PIM to the GPUs in
  // PAPI (paper §4.1: "FC-PIM <-> PUs: NVLink"), one NVLink 3 port per group of 5 stacks, to the host.
  pimPim: { link: "nvlink3", numLinks: 6, collective: { algorithm: "ring" } },
};
const common = { tensorParallel: NUM_GPUS, fabrics: { ...fabrics, host: { ...HOST_FABRIC, numLinks: NUM_GPUS } }, schedulerOverheadSec: SCHEDULER_OVERHEAD_SEC };
const gpu = { kind: "gpu", device: "a100-hbm3", count: NUM_GPUS } as const;
const pim = (design: string, count: number) => ({ kind: "pim", design, count }) as const;
const onGpus = { elementwise: "gpu", prefill: { fc: "gpu", attention: "gpu" } } as const;
/** FC and attention on PIM stacks only: elementwise work on the FC stacks' buffer dies, prefill on the stacks. */
const onPim = { elementwise: "fc-pim", prefill: { fc: "fc-pim", attention: "attn-pim" } } as const;

/** A baseline with GPUs that run FC from their plain HBM and attention on `attention` stacks. */
const gpuWithAttention = (name: string, description: string, design: string): SystemDescriptionInput => ({
  name,
  description,
  units: { gpu, hbm: { kind: "hbm", hbm: PLAIN_HBM, count: NUM_FC_STACKS }, "attn-pim": pim(design, NUM_ATTN_STACKS) },
  roles: { fc: [{ unit: "gpu", reduceOn: "gpuGpu" }], attention: "attn-pim", attentionVia: ["attention"], kv: "attn-pim", weights: "hbm", ...onGpus },
  ...common,
});

/** A system without GPUs: FC on `fcDesign` stacks, attention on `attnDesign` stacks, collectives on pimPim. */
const pimOnly = (name: string, description: string, fcDesign: string, attnDesign: string): SystemDescriptionInput => ({
  name,
  description,
  units: { "fc-pim": pim(fcDesign, NUM_FC_STACKS), "attn-pim": pim(attnDesign, NUM_ATTN_STACKS) },
  roles: { fc: [{ unit: "fc-pim", reduceOn: "pimPim" }], attention: "attn-pim", attentionVia: ["attention", "pimPim"], kv: "attn-pim", weights: "fc-pim", ...onPim },
  ...common,
});

const inputs: Record<string, SystemDescriptionInput> = {
  "gpu-only": {
    name: "gpu-only",
    description: "6 A100 (HBM3) GPUs; FC and attention on the GPUs, KV cache in GPU memory",
    units: { gpu, hbm: { kind: "hbm", hbm: PLAIN_HBM, count: NUM_FC_STACKS } },
    roles: { fc: [{ unit: "gpu", reduceOn: "gpuGpu" }], attention: "gpu", attentionVia: [], kv: "hbm", weights: "hbm", ...onGpus },
    ...common,
  },
  "a100-attacc": gpuWithAttention("a100-attacc", "A100+AttAcc: FC on the GPUs, attention on 60 AttAcc (1P1B) HBM-PIM stacks", "attacc"),
  "a100-hbmpim": gpuWithAttention("a100-hbmpim", "A100+HBM-PIM: FC on the GPUs, attention on 60 Samsung HBM-PIM (1P2B) stacks", "hbm-pim"),
  "attacc-only": pimOnly("attacc-only", "AttAcc-only: no GPU; FC on 30 and attention on 60 AttAcc (1P1B) stacks", "attacc", "attacc"),
  papi: {
    name: "papi",
    description: "PAPI: FC on the GPUs or 30 FC-PIM (4P1B) stacks by the online scheduler; attention on 60 Attn-PIM (1P2B)",
    units: { gpu, "fc-pim": pim("fc-pim", NUM_FC_STACKS), "attn-pim": pim("attn-pim", NUM_ATTN_STACKS) },
    roles: {
      // FC-PIM's partial sums land in its GPU's memory (the stacks are the GPU's HBM) and the GPUs all-reduce them
      fc: [{ unit: "gpu", reduceOn: "gpuGpu" }, { unit: "fc-pim", reduceOn: "gpuGpu" }],
      attention: "attn-pim", attentionVia: ["attention"], kv: "attn-pim", weights: "fc-pim", ...onGpus,
    },
    ...common,
  },
  "pim-only-papi": pimOnly("pim-only-papi", "PIM-only PAPI: no GPU; FC on 30 FC-PIM (4P1B) stacks, attention on 60 Attn-PIM (1P2B)", "fc-pim", "attn-pim"),
};

/** The system presets, as descriptions (devices by preset name); `papi systems --json` prints these. */
export const SYSTEM_PRESETS: Readonly<Record<string, SystemDescription>> = lazyRecord(inputs, (v) => SystemDescriptionChecked.parse(v));

/** A system block of a config: a preset name, `{ preset, ...overrides }`, or a full description (either shape). */
export const SystemBlock = defineBlock<SystemDescription>("system", SystemDescriptionChecked, () => SYSTEM_PRESETS, [], (v) => normalizeSystemValue(v, () => SYSTEM_PRESETS));

/** A system description by preset name or block value (0.2 shape converted); one-line UserError on bad input. */
export function resolveSystemDescription(value: unknown, path = "system"): SystemDescription {
  return resolveBlock(SystemBlock, value, undefined, path);
}
