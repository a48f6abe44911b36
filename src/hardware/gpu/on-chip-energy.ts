import type { GpuSpec } from "./schema.ts";

/**
 * Energy of a GPU kernel's on-chip data movement (registers, L1/shared memory, L2), as AttAcc's simulator counts it
 * (scale-snu/attacc_simulator src/devices.py `_get_traffic` / `_get_energy`): a GEMM X[m,k] W[k,n] tiled in CTA tiles
 * of tileM x tileN (from L2) and register tiles of e x e (from L1) moves
 *   L2 -> SM:    (ceil(n / tileN) m k + ceil(m / tileM) n k + m n) bytes per value
 *   L1 -> regs:  (ceil(n / e) m k + ceil(m / e) n k + m n) bytes per value
 *   registers:   3 operand accesses per MAC,
 * and a streaming kernel (norm, activation, attention's K/V) moves its bytes once through each level. Charged only
 * under the assumption gpuOnChipEnergy; papi's default counts FLOP and HBM energy only (docs/assumptions.md).
 */
export function gpuGemmOnChipJoules(gpu: GpuSpec, g: { m: number; k: number; n: number; dtypeBytes: number; tileM: number; tileN: number }): number {
  const { m, k, n, dtypeBytes: b } = g;
  if (!(m > 0 && k > 0 && n > 0)) return 0;
  const e = gpu.registerTileEdge;
  const l2Bytes = (Math.ceil(n / g.tileN) * m * k + Math.ceil(m / g.tileM) * n * k + m * n) * b;
  const l1Bytes = (Math.ceil(n / e) * m * k + Math.ceil(m / e) * n * k + m * n) * b;
  return l2Bytes * gpu.l2EnergyPerByteJoules + l1Bytes * gpu.l1EnergyPerByteJoules + 3 * m * k * n * gpu.registerEnergyPerAccessJoules;
}

/** On-chip energy of a kernel that streams `bytes` through L2, L1 and the registers once, doing `macs` MACs. */
export function gpuStreamingOnChipJoules(gpu: GpuSpec, bytes: number, macs = 0): number {
  return bytes * (gpu.l2EnergyPerByteJoules + gpu.l1EnergyPerByteJoules) + (bytes + 3 * macs) * gpu.registerEnergyPerAccessJoules;
}
