import { z } from "zod";

/**
 * A system is a composition of devices, as data (ramulator-style tree): GPUs, the HBM stacks that hold the FC
 * weights (plain HBM3 for the GPU baselines, FC-PIM for PAPI), the stacks that serve attention, and the links
 * between them. Which unit may run each kind of kernel is part of the system; which one actually runs FC in a
 * given iteration is the scheduler's decision.
 */
export const FcUnit = z.enum(["gpu", "pim"]);
export type FcUnit = z.infer<typeof FcUnit>;

const count = (what: string) => z.number().int(`${what} must be an integer`).min(0, `${what} must be >= 0`);

export const SystemSpec = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    /** GPU preset and how many; numGpus 0 means a PIM-only system. */
    gpu: z.object({ preset: z.string(), numGpus: count("gpu.numGpus") }),
    /** Stacks that hold all FC weights. `design: null` = plain HBM3 (no PIM units), the GPUs' main memory. */
    fcStacks: z.object({
      design: z.string().nullable(),
      numStacks: count("fcStacks.numStacks").min(1),
      /** Capacity of one plain (design: null) stack. */
      plainCapacityBytesPerStack: z.number().positive(),
    }),
    /** Stacks that hold the KV cache and run attention. numStacks 0 = KV cache in GPU memory, attention on GPU. */
    attnStacks: z.object({ design: z.string().nullable(), numStacks: count("attnStacks.numStacks") }),
    /** Units allowed to run FC kernels; the scheduler chooses among them. */
    fcUnits: z.array(FcUnit).min(1),
    /** Where prefill (and the LM head, norms, activations) runs. */
    hostUnit: FcUnit,
    links: z.object({
      /** GPU <-> GPU, for tensor-parallel all-reduce. */
      gpuGpu: z.string(),
      /** Host/GPUs <-> attention stacks (Q/K/V out, attention results back). */
      attention: z.string(),
      /** Number of parallel attention links (one per attention device group). */
      numAttentionLinks: count("links.numAttentionLinks").min(1),
      /** Between PIM stacks of a PIM-only system (partial-sum reduction of FC), through the host/switch. */
      pimPim: z.string(),
      numPimPimLinks: count("links.numPimPimLinks").min(1),
    }),
    /** Host-side bookkeeping per iteration (count finished requests, compare RLP x TLP with alpha, move FC). */
    schedulerOverheadSec: z.number().min(0),
  })
  .superRefine((s, ctx) => {
    if (s.fcUnits.includes("gpu") && s.gpu.numGpus === 0) {
      ctx.addIssue({ code: "custom", path: ["gpu", "numGpus"], message: "must be >= 1 when FC may run on the GPU" });
    }
    if (s.fcUnits.includes("pim") && s.fcStacks.design === null) {
      ctx.addIssue({ code: "custom", path: ["fcStacks", "design"], message: "FC on PIM needs a PIM design on the FC stacks" });
    }
    if (s.attnStacks.numStacks > 0 && s.attnStacks.design === null) {
      ctx.addIssue({ code: "custom", path: ["attnStacks", "design"], message: "attention stacks need a PIM design" });
    }
    if (s.attnStacks.numStacks === 0 && s.gpu.numGpus === 0) {
      ctx.addIssue({ code: "custom", path: ["attnStacks", "numStacks"], message: "must be >= 1 in a system without GPUs" });
    }
    if (s.hostUnit === "gpu" && s.gpu.numGpus === 0) {
      ctx.addIssue({ code: "custom", path: ["hostUnit"], message: "is gpu but the system has no GPUs" });
    }
    if (s.hostUnit === "pim" && s.fcStacks.design === null) {
      ctx.addIssue({ code: "custom", path: ["hostUnit"], message: "is pim but the FC stacks have no PIM design (fcStacks.design is null)" });
    }
    if (s.hostUnit === "pim" && s.attnStacks.numStacks === 0) {
      ctx.addIssue({ code: "custom", path: ["hostUnit"], message: "is pim but there are no attention stacks to run prefill attention (attnStacks.numStacks is 0)" });
    }
    // FC weights are split over the GPUs (or the PIM-PIM ports without GPUs); each group needs >= 1 FC stack.
    const groups = s.gpu.numGpus > 0 ? s.gpu.numGpus : s.links.numPimPimLinks;
    if (s.fcStacks.numStacks < groups) {
      const what = s.gpu.numGpus > 0 ? `gpu.numGpus (${groups})` : `links.numPimPimLinks (${groups})`;
      ctx.addIssue({ code: "custom", path: ["fcStacks", "numStacks"], message: `must be >= ${what}: every tensor-parallel group needs its own FC stacks` });
    }
  });
export type SystemSpec = z.infer<typeof SystemSpec>;
