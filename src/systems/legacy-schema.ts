import { z } from "zod";
import { MAX_GPUS, MAX_LINKS, MAX_STACKS } from "./limits.ts";
import { GpuBlock } from "../hardware/gpu/presets.ts";
import { LinkBlock } from "../hardware/links/presets.ts";
import { HbmBlock } from "../hardware/pim/hbm-presets.ts";
import { PimDesignBlock } from "../hardware/pim/presets.ts";

/**
 * The system description of papi <= 0.2 (still accepted; src/systems/legacy.ts converts it to units, roles and
 * fabrics). A system is a composition of devices, as data (a Ramulator-style tree): GPUs, the HBM stacks that hold the FC
 * weights (plain HBM for the GPU baselines, FC-PIM for PAPI), the stacks that serve attention, and the links
 * between them. Which unit may run each kind of kernel is part of the system; which one actually runs FC in a
 * given iteration is the scheduler's decision. Every device is a block (a preset name, a preset with overrides,
 * or a full description), so a new system is a config file, not code.
 */
export const FcUnit = z.enum(["gpu", "pim"]);
export type FcUnit = z.infer<typeof FcUnit>;


const count = (what: string, max: number) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be an integer`).min(0, `${what} must be >= 0`).max(max, `${what} must be <= ${max}`);

/** The description of a system: what a config writes and what `papi systems --json` prints (round-trips). */
export const LegacySystemDescription = z
  .object({
    name: z.string().min(1).describe("system name (shown in reports)"),
    description: z.string().default("").describe("one line about the system"),
    gpu: z
      .object({
        device: GpuBlock.field("GPU: a preset name (papi presets gpu), { preset, ...overrides } or a full spec"),
        numGpus: count("gpu.numGpus", MAX_GPUS).describe("number of GPUs; 0 = a PIM-only system"),
      })
      .strict(),
    fcStacks: z
      .object({
        design: PimDesignBlock.shape.nullable().describe("PIM design of the stacks that hold the FC weights; null = plain HBM (the GPUs' memory)"),
        hbm: HbmBlock.shape.default("hbm3-5.2").describe("HBM of plain (design: null) stacks; PIM designs name their own"),
        numStacks: count("fcStacks.numStacks", MAX_STACKS).min(1, "fcStacks.numStacks must be >= 1").describe("stacks holding every FC weight"),
      })
      .strict(),
    attnStacks: z
      .object({
        design: PimDesignBlock.shape.nullable().describe("PIM design of the attention stacks (KV cache); null with numStacks 0 = attention on the GPUs"),
        numStacks: count("attnStacks.numStacks", MAX_STACKS).describe("attention stacks; 0 = KV cache in GPU memory"),
      })
      .strict(),
    fcUnits: z.array(FcUnit).min(1).describe("units allowed to run FC kernels; the scheduler chooses among them"),
    hostUnit: FcUnit.describe("where prefill, norms, activations and the LM head's elementwise work run"),
    links: z
      .object({
        gpuGpu: LinkBlock.field("GPU <-> GPU (tensor-parallel collectives); the one source of NVLink bandwidth and latency"),
        attention: LinkBlock.field("host/GPUs <-> attention stacks (Q/K/V out, attention results back)"),
        numAttentionLinks: count("links.numAttentionLinks", MAX_LINKS).min(1, "links.numAttentionLinks must be >= 1").describe("parallel attention links (one per attention device)"),
        pimPim: LinkBlock.field("between FC stack groups of a PIM-only system, through the host/switch"),
        numPimPimLinks: count("links.numPimPimLinks", MAX_LINKS).min(1, "links.numPimPimLinks must be >= 1").describe("parallel PIM-PIM links"),
      })
      .strict(),
    schedulerOverheadSec: z.number().min(0).max(1, "schedulerOverheadSec must be <= 1 s").describe("host bookkeeping per iteration (count finished requests, compare RLP x TLP with alpha), seconds"),
  })
  .strict();
export type LegacySystemDescription = z.output<typeof LegacySystemDescription>;
export type LegacySystemDescriptionInput = z.input<typeof LegacySystemDescription>;

/** Consistency rules of a system (after counts and overrides); each is a (path, message) on failure. */
export function legacyRuleViolations(s: {
  gpu: { numGpus: number };
  fcStacks: { design: unknown; numStacks: number };
  attnStacks: { design: unknown; numStacks: number };
  fcUnits: readonly FcUnit[];
  hostUnit: FcUnit;
  links: { numPimPimLinks: number };
}): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (s.fcUnits.includes("gpu") && s.gpu.numGpus === 0) out.push({ path: "gpu.numGpus", message: "must be >= 1 when FC may run on the GPU (fcUnits has gpu)" });
  if (s.fcUnits.includes("pim") && s.fcStacks.design === null) out.push({ path: "fcStacks.design", message: "FC on PIM (fcUnits has pim) needs a PIM design on the FC stacks" });
  if (s.attnStacks.numStacks > 0 && s.attnStacks.design === null) out.push({ path: "attnStacks.design", message: "attention stacks need a PIM design" });
  if (s.attnStacks.numStacks === 0 && s.gpu.numGpus === 0) out.push({ path: "attnStacks.numStacks", message: "must be >= 1 in a system without GPUs" });
  if (s.hostUnit === "gpu" && s.gpu.numGpus === 0) out.push({ path: "hostUnit", message: "is gpu but the system has no GPUs" });
  if (s.hostUnit === "pim" && s.fcStacks.design === null) out.push({ path: "hostUnit", message: "is pim but the FC stacks have no PIM design" });
  if (s.hostUnit === "pim" && s.attnStacks.numStacks === 0) out.push({ path: "hostUnit", message: "is pim but the system has no attention stacks" });
  // FC weights are split over the GPUs (or the PIM-PIM port groups without GPUs); each group needs its own FC stack
  const groups = s.gpu.numGpus > 0 ? s.gpu.numGpus : s.links.numPimPimLinks;
  if (s.fcStacks.numStacks < groups) {
    const what = s.gpu.numGpus > 0 ? `gpu.numGpus (${groups})` : `links.numPimPimLinks (${groups})`;
    out.push({ path: "fcStacks.numStacks", message: `must be >= ${what}: every tensor-parallel group needs its own FC stacks` });
  }
  return out;
}

/** The legacy description plus its consistency rules. */
export const LegacySystemDescriptionChecked = LegacySystemDescription.superRefine((s, ctx) => {
  for (const v of legacyRuleViolations(s)) ctx.addIssue({ code: "custom", path: v.path.split("."), message: v.message });
});
