import { UserError } from "../core/errors.ts";
import { UNIT_KINDS } from "../units/index.ts";
import type { SystemDescription } from "./schema.ts";

/**
 * Device counts a run may set directly (`gpus`, `fcStacks`, `attnStacks` in a run config, or the CLI flags
 * `--gpus`, `--fc-stacks`, `--attn-stacks`), in terms of roles so that they mean the same in every system:
 * - numGpus: the count of every GPU unit (units with a GPU block), and the tensor-parallel groups where they were
 *   one GPU per group;
 * - numFcStacks: the count of the unit that holds the weights;
 * - numAttnStacks: the count of the unit that holds the KV cache apart from the weights; 0 removes it, and attention
 *   then runs on the elementwise unit with the KV cache beside the weights (papi 0.2's `--attn-stacks 0`).
 */
export interface DeviceCounts {
  numGpus?: number;
  numFcStacks?: number;
  numAttnStacks?: number;
}

const COUNT_KEYS = ["numGpus", "numFcStacks", "numAttnStacks"] as const;

/** The description with the counts applied; a one-line UserError where a count has nothing to apply to. */
export function applyDeviceCounts(d: SystemDescription, counts: DeviceCounts): SystemDescription {
  for (const k of Object.keys(counts)) {
    if (!(COUNT_KEYS as readonly string[]).includes(k)) throw new UserError(`device counts: unknown key "${k}"; known: ${COUNT_KEYS.join(", ")}`);
  }
  let s: SystemDescription = { ...d, units: { ...d.units }, roles: { ...d.roles } };
  if (counts.numGpus !== undefined) s = withGpus(s, counts.numGpus);
  if (counts.numFcStacks !== undefined) s.units[s.roles.weights] = { ...s.units[s.roles.weights], count: counts.numFcStacks };
  if (counts.numAttnStacks !== undefined) s = withAttentionStacks(s, counts.numAttnStacks);
  return s;
}

function withGpus(s: SystemDescription, n: number): SystemDescription {
  const gpus = Object.keys(s.units).filter((u) => Object.values(UNIT_KINDS.get(s.units[u].kind).blocks).some((b) => b.role === "gpu"));
  if (gpus.length === 0) {
    if (n === 0) return s;
    throw new UserError(`gpus: system ${s.name} has no GPUs (its units: ${Object.keys(s.units).join(", ")}); choose a system with GPUs or describe one`);
  }
  if (n === 0) throw new UserError(`gpus: 0 would remove the GPUs of system ${s.name} (units ${gpus.join(", ")}), which its roles use; choose a system without GPUs`);
  const oneGpuPerGroup = gpus.every((u) => s.units[u].count === s.tensorParallel);
  for (const u of gpus) s.units[u] = { ...s.units[u], count: n };
  if (oneGpuPerGroup) {
    // the host fabric has one link per group
    const host = s.fabrics.host;
    if (host !== undefined && host.numLinks === s.tensorParallel) s.fabrics = { ...s.fabrics, host: { ...host, numLinks: n } };
    s.tensorParallel = n;
  }
  return s;
}

function withAttentionStacks(s: SystemDescription, n: number): SystemDescription {
  const kv = s.roles.kv;
  if (kv === s.roles.weights) {
    if (n === 0) return s;
    throw new UserError(`attnStacks: system ${s.name} keeps its KV cache beside the weights (units.${kv}); it has no attention stacks to count`);
  }
  if (n > 0) {
    s.units[kv] = { ...s.units[kv], count: n };
    return s;
  }
  // 0: attention moves to the elementwise unit, the KV cache next to the weights
  const { [kv]: _gone, ...rest } = s.units;
  const host = s.roles.elementwise;
  s.units = rest;
  s.roles = {
    ...s.roles,
    attention: host,
    attentionVia: [],
    kv: s.roles.weights,
    prefill: { ...s.roles.prefill, attention: s.roles.prefill.attention === kv ? host : s.roles.prefill.attention },
  };
  return s;
}
