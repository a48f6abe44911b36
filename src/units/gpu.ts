import { z } from "zod";
import { count } from "../core/quantity.ts";
import { gpuAttentionCost, gpuElementwiseCost, gpuGemmCost, gpuPrefillAttentionCost, type GpuKernelCost } from "../hardware/gpu/cost.ts";
import { gpuGemmOnChipJoules, gpuStreamingOnChipJoules } from "../hardware/gpu/on-chip-energy.ts";
import { GpuBlock } from "../hardware/gpu/presets.ts";
import type { GpuSpec } from "../hardware/gpu/schema.ts";
import type { ElementwiseKernel } from "../models/kernels.ts";
import { MAX_UNIT_DEVICES, type UnitKind } from "./kind.ts";
import { unitCost, type DecodeAttentionWork, type FcShard, type PrefillAttentionWork, type Unit, type UnitContext, type UnitCost } from "./unit.ts";

/**
 * GPUs (src/hardware/gpu): each GPU runs one tensor-parallel shard of every FC kernel (one GPU per group), attention
 * with the heads split over all GPUs, and elementwise kernels (sharded ones split, the others in full on every
 * GPU). Kernels run inside a CUDA graph (graph launch overheads), as in vLLM and TensorRT-LLM decode. Dynamic energy:
 * FLOPs (compute) and HBM bytes (DRAM), plus registers, L1 and L2 (compute) under the assumption gpuOnChipEnergy.
 */
export const GpuUnitDescription = z.strictObject({
  kind: z.literal("gpu"),
  device: GpuBlock.field("GPU: a preset name (papi presets gpu), { preset, ...overrides } or a full spec"),
  count: count("number of GPUs", 1, MAX_UNIT_DEVICES).describe("number of GPUs"),
});
export type GpuUnitDescription = z.output<typeof GpuUnitDescription>;
export type GpuUnitResolved = Omit<GpuUnitDescription, "device"> & { device: GpuSpec };

class GpuUnit implements Unit {
  readonly kind = "gpu";
  readonly computesInPlace = false;
  readonly isProcessor = true;
  readonly name: string;
  readonly numDevices: number;
  readonly label: string;
  readonly deviceCapacityBytes = 0;
  readonly addressableBytesPerDevice: number;
  private readonly gpu: GpuSpec;
  private readonly onChip: boolean;
  private readonly staticWatts: number;

  constructor(c: UnitContext<GpuUnitResolved>) {
    this.name = c.name;
    this.gpu = c.description.device;
    this.numDevices = c.description.count;
    this.label = `${this.numDevices} x ${this.gpu.name}`;
    this.addressableBytesPerDevice = this.gpu.memoryCapacityBytes;
    this.onChip = c.assumptions.gpuOnChipEnergy;
    this.staticWatts = c.assumptions.gpuStaticPower ? this.gpu.staticPowerWatts : 0;
  }

  /** compute = FLOP energy (+ on-chip), DRAM = HBM bytes: a GPU kernel's energyJoules split by kind. */
  private cost(c: GpuKernelCost, onChipJoules: number): UnitCost {
    return unitCost(c.timeSec, { compute: c.flops * this.gpu.energyPerFlopJoules + onChipJoules, dram: c.bytes * this.gpu.hbmEnergyPerByteJoules, transfer: 0 });
  }

  fc(s: FcShard): UnitCost {
    const c = gpuGemmCost(this.gpu, { m: s.m, k: s.k, n: s.n, dtypeBytes: s.dtypeBytes });
    const onChip = this.onChip ? gpuGemmOnChipJoules(this.gpu, { ...s, tileM: c.tileM ?? 1, tileN: c.tileN ?? 1 }) : 0;
    return this.cost(c, onChip);
  }

  decodeAttention(w: DecodeAttentionWork): UnitCost {
    const g = this.numDevices;
    const c = gpuAttentionCost(this.gpu, {
      numRequests: w.numRequests,
      numHeads: Math.ceil(w.shape.numHeads / g),
      numKvHeads: Math.ceil(w.shape.numKvHeads / g),
      headDim: w.shape.headDim,
      tlp: w.tlp,
      totalContextTokens: w.totalContextTokens,
      dtypeBytes: w.shape.dtypeBytes,
    });
    return this.all(this.cost(c, this.onChip ? gpuStreamingOnChipJoules(this.gpu, c.bytes, c.flops / 2) : 0));
  }

  prefillAttention(w: PrefillAttentionWork): UnitCost {
    const g = this.numDevices;
    const c = gpuPrefillAttentionCost(this.gpu, {
      numHeads: Math.ceil(w.shape.numHeads / g),
      numKvHeads: Math.ceil(w.shape.numKvHeads / g),
      headDim: w.shape.headDim,
      numPromptTokens: w.newTokens,
      numCachedTokens: w.cachedTokens,
      dtypeBytes: w.shape.dtypeBytes,
    });
    return this.all(this.cost(c, this.onChip ? gpuStreamingOnChipJoules(this.gpu, c.bytes, c.flops / 2) : 0));
  }

  elementwise(kernels: readonly ElementwiseKernel[], numGroups: number): UnitCost {
    let timeSec = 0;
    let dram = 0;
    let compute = 0;
    for (const k of kernels) {
      const bytes = k.bytesRead + k.bytesWritten;
      const c = gpuElementwiseCost(this.gpu, k.sharded ? bytes / numGroups : bytes);
      timeSec += c.timeSec;
      dram += c.energyJoules * numGroups;
      if (this.onChip) compute += gpuStreamingOnChipJoules(this.gpu, c.bytes) * numGroups;
    }
    return unitCost(timeSec, { compute, dram, transfer: 0 });
  }

  /** One GPU's kernel, run on every GPU at once: time of one, energy of all. */
  private all(c: UnitCost): UnitCost {
    const g = this.numDevices;
    return unitCost(c.timeSec, { compute: c.split.compute * g, dram: c.split.dram * g, transfer: 0 });
  }

  idlePowerWattsPerDevice(): { staticWatts: number; refreshWatts: number } {
    return { staticWatts: this.staticWatts, refreshWatts: 0 };
  }

  resourceOf(): string {
    return this.name;
  }
}

export const gpuUnitKind: UnitKind<GpuUnitDescription, GpuUnitResolved> = {
  kind: "gpu",
  description: "GPUs: FC (one tensor-parallel shard per GPU), attention (heads split over the GPUs), elementwise kernels, prefill",
  schema: GpuUnitDescription,
  blocks: { device: { block: GpuBlock, role: "gpu" } },
  capabilities: { fc: true, attention: true, elementwise: true, memory: false, computesInPlace: false },
  make: (c) => new GpuUnit(c),
  checkGroups: (d, numGroups) =>
    d.count === numGroups ? null : `must equal tensorParallel (${numGroups}), not ${d.count}: a GPU unit runs one tensor-parallel shard per GPU`,
};
