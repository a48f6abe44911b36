import { z } from "zod";
import { count } from "../core/quantity.ts";
import { GpuBlock } from "../hardware/gpu/presets.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import { PimDesignBlock } from "../hardware/pim/presets.ts";
import { pimStackCapacityBytes, type PimDesign } from "../hardware/pim/schema.ts";
import type { ElementwiseKernel } from "../models/kernels.ts";
import { gpuUnitKind } from "./gpu.ts";
import { MAX_UNIT_DEVICES, type UnitKind } from "./kind.ts";
import { pimUnitKind } from "./pim.ts";
import { decodeAttentionInto, type DecodeAttentionWork, type FcShard, type PrefillAttentionWork, type Unit, type UnitContext, type UnitCost, type UnitOperation } from "./unit.ts";

/**
 * NeuPIMs devices (Heo et al., "NeuPIMs: NPU-PIM Heterogeneous Acceleration for Batched LLM Inferencing", ASPLOS
 * 2024; artifact casys-kaist/NeuPIMs): an NPU whose memory is PIM-enabled HBM. The NPU runs the GEMMs (QKV
 * generation, projection, FFN: FC here), the elementwise kernels on its vector units and prefill; decode attention
 * (GEMV over the KV cache) runs in the PIM banks of the device's own stacks. Each bank has *dual row buffers* (paper,
 * abstract: "facilitating the simultaneous management of memory read/write operations and PIM commands"; the
 * artifact's memory type `neupims`, "Dual row buffered PIM", configs/README.md), so the NPU can stream weights while
 * the banks compute attention: FC and attention keep different resources busy (resourceOf), which the systems layer's
 * `overlap: sub-batch` turns into NeuPIMs' sub-batch interleaving (src/systems/iteration-cost.ts). With
 * `dualRowBuffers: false` the stacks work in the "blocked" mode of earlier PIM (abstract: "allowing only either NPU
 * or PIM to be active at any given time") and nothing overlaps. ASSUMPTION: with dual row buffers neither side slows
 * the other (the paper's claim); the NPU's reads and the PIM commands still share each channel's command bus.
 *
 * Costs are the existing models, composed: FC, prefill and elementwise are the GPU cost model on the `npu` block
 * (src/units/gpu.ts; a GPU-block preset such as neupims-npu), with the NPU's memory bandwidth capped by its stacks'
 * external bandwidth (it reads weights from them); decode attention is the xPyB PIM model on all stacks of the unit
 * (src/units/pim.ts). Static power: the NPU's plus its stacks' background and refresh.
 */
export const NeupimsUnitDescription = z.strictObject({
  kind: z.literal("neupims"),
  npu: GpuBlock.field("the NPU of each device (GEMMs, elementwise, prefill): a GPU-block preset (neupims-npu), { preset, ...overrides } or a full spec"),
  design: PimDesignBlock.field("the PIM design of each device's stacks (decode attention in the banks): preset name (attacc, attn-pim, ...), { preset, ...overrides } or a full description"),
  // ASSUMPTION: 2 stacks of 16 GiB per device: the artifact's 32 GB per NeuPIMs device (configs/memory_configs/
  // neupims.json, HBM_size 32) in papi's HBM3 stacks
  stacksPerDevice: count("PIM stacks per device (the NPU's memory)", 1, 64).default(2).describe("PIM stacks per device: the NPU's memory"),
  dualRowBuffers: z.boolean({ error: "must be true or false" }).default(true).describe("dual row buffers per bank (NeuPIMs): the NPU's memory traffic and PIM attention run concurrently; false: blocked mode, one at a time"),
  count: count("number of NeuPIMs devices (one NPU and its stacks each)", 1, MAX_UNIT_DEVICES).describe("number of NeuPIMs devices"),
});
export type NeupimsUnitDescription = z.output<typeof NeupimsUnitDescription>;
export type NeupimsUnitResolved = Omit<NeupimsUnitDescription, "npu" | "design"> & { npu: GpuSpec; design: PimDesign };

/** The NPU as it runs inside a device: it streams at the lesser of its memory interface and its stacks' bandwidth. */
export function npuOnStacks(npu: GpuSpec, design: PimDesign, stacksPerDevice: number): GpuSpec {
  const stacksBytesPerSec = stacksPerDevice * design.hbm.externalBandwidthBytesPerSec;
  return stacksBytesPerSec >= npu.hbmBandwidthBytesPerSec ? npu : { ...npu, hbmBandwidthBytesPerSec: stacksBytesPerSec };
}

class NeupimsUnit implements Unit {
  readonly kind = "neupims";
  readonly computesInPlace = true;
  readonly isProcessor = true;
  readonly name: string;
  readonly numDevices: number;
  readonly label: string;
  readonly deviceCapacityBytes: number;
  readonly addressableBytesPerDevice: number;
  private readonly npu: Unit;
  private readonly pim: Unit;
  private readonly stacksPerDevice: number;
  private readonly dual: boolean;

  constructor(c: UnitContext<NeupimsUnitResolved>) {
    const { npu, design, stacksPerDevice, dualRowBuffers, count: n } = c.description;
    this.name = c.name;
    this.numDevices = n;
    this.stacksPerDevice = stacksPerDevice;
    this.dual = dualRowBuffers;
    this.deviceCapacityBytes = stacksPerDevice * pimStackCapacityBytes(design);
    this.addressableBytesPerDevice = npu.memoryCapacityBytes;
    this.npu = gpuUnitKind.make({ name: c.name, description: { kind: "gpu", device: npuOnStacks(npu, design, stacksPerDevice), count: n }, assumptions: c.assumptions });
    this.pim = pimUnitKind.make({ name: c.name, description: { kind: "pim", design, count: n * stacksPerDevice }, assumptions: c.assumptions });
    const pim = `${stacksPerDevice} x ${design.name} (${design.numFpus}P${design.numBanksPerFpuGroup}B) on ${design.hbm.name}`;
    this.label = `${n} x NeuPIMs (${npu.name} + ${pim}${dualRowBuffers ? ", dual row buffers" : ", blocked"})`;
  }

  fc(s: FcShard): UnitCost {
    return this.npu.fc!(s);
  }

  decodeAttention(w: DecodeAttentionWork): UnitCost {
    return this.pim.decodeAttention!(w);
  }

  decodeAttentionInto(w: DecodeAttentionWork, out: UnitCost): UnitCost {
    return decodeAttentionInto(this.pim, w, out);
  }

  /** Prefill attention is a GEMM-shaped kernel (a full query block): the NPUs run it, heads split over them. */
  prefillAttention(w: PrefillAttentionWork): UnitCost {
    return this.npu.prefillAttention!(w);
  }

  elementwise(kernels: readonly ElementwiseKernel[], numGroups: number): UnitCost {
    return this.npu.elementwise!(kernels, numGroups);
  }

  idlePowerWattsPerDevice(): { staticWatts: number; refreshWatts: number } {
    const n = this.npu.idlePowerWattsPerDevice();
    const p = this.pim.idlePowerWattsPerDevice();
    return { staticWatts: n.staticWatts + this.stacksPerDevice * p.staticWatts, refreshWatts: n.refreshWatts + this.stacksPerDevice * p.refreshWatts };
  }

  /** Dual row buffers: attention keeps the banks' PIM row buffers busy, everything else the NPU. Blocked: one resource. */
  resourceOf(op: UnitOperation): string {
    if (!this.dual) return this.name;
    return op === "attention" ? `${this.name}/pim` : `${this.name}/npu`;
  }
}

export const neupimsUnitKind: UnitKind<NeupimsUnitDescription, NeupimsUnitResolved> = {
  kind: "neupims",
  description: "NeuPIMs devices: an NPU (GEMMs, elementwise, prefill) on PIM stacks with dual row buffers (decode attention in the banks, concurrently)",
  schema: NeupimsUnitDescription,
  blocks: { npu: { block: GpuBlock, role: "gpu" }, design: { block: PimDesignBlock, role: "pim" } },
  capabilities: { fc: true, attention: true, elementwise: true, memory: true, computesInPlace: true },
  make: (c) => new NeupimsUnit(c),
  checkGroups: (d, numGroups) =>
    d.count === numGroups ? null : `must equal tensorParallel (${numGroups}), not ${d.count}: a NeuPIMs device runs one tensor-parallel shard on its NPU`,
};
