import { z } from "zod";
import { UserError } from "../core/errors.ts";
import { deepMerge } from "../core/merge.ts";
import { GpuBlock, resolveGpu } from "../hardware/gpu/presets.ts";
import { LinkBlock, resolveLink } from "../hardware/links/presets.ts";
import { HbmBlock, resolveHbm } from "../hardware/pim/hbm-presets.ts";
import { PimDesignBlock, resolvePimDesign } from "../hardware/pim/presets.ts";
import { resolveSystemDescription } from "./presets.ts";
import { systemRuleViolations, type SystemSpec } from "./schema.ts";

/**
 * Overrides a run applies on top of its system's devices (`hardware:` in a run config). Each is a block: a preset
 * name replaces the device, `{ preset, ... }` replaces it with overrides, an object without `preset` patches the
 * device the system already has. `hbm` patches every stack of the system (plain, FC-PIM and attention).
 */
export const HardwareOverrides = z
  .object({
    gpu: GpuBlock.shape.optional().describe("the system's GPU: preset name, { preset, ... } or a patch of its GPU"),
    fcPim: PimDesignBlock.shape.optional().describe("the FC stacks' PIM design: preset name, { preset, ... } or a patch"),
    attnPim: PimDesignBlock.shape.optional().describe("the attention stacks' PIM design: preset name, { preset, ... } or a patch"),
    hbm: HbmBlock.shape.optional().describe("HBM of every stack (plain, FC-PIM, attention): preset name, { preset, ... } or a patch"),
    links: z
      .object({
        gpuGpu: LinkBlock.shape.optional(),
        attention: LinkBlock.shape.optional(),
        pimPim: LinkBlock.shape.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type HardwareOverrides = z.output<typeof HardwareOverrides>;

/** Device counts a run may set directly (`gpus`, `fcStacks`, `attnStacks`, or the CLI flags). */
export interface DeviceCounts {
  numGpus?: number;
  numFcStacks?: number;
  numAttnStacks?: number;
}

/**
 * Resolves a system block (preset name, preset + overrides, or full description) with a run's device counts and
 * hardware overrides into a SystemSpec whose every device is a full spec. Errors are one line naming the field.
 */
export function resolveSystem(value: unknown, hardware: HardwareOverrides = {}, counts: DeviceCounts = {}): SystemSpec {
  const d = resolveSystemDescription(value);
  const numGpus = counts.numGpus ?? d.gpu.numGpus;
  const fcCount = counts.numFcStacks ?? d.fcStacks.numStacks;
  const attnCount = counts.numAttnStacks ?? d.attnStacks.numStacks;
  const withHbm = (patch: unknown) => (hardware.hbm === undefined ? patch : deepMerge(patch ?? {}, { hbm: hardware.hbm }));

  const gpu = hardware.gpu === undefined ? resolveGpu(d.gpu.device, undefined, "system.gpu.device") : resolveGpu(hardware.gpu, d.gpu.device, "hardware.gpu");
  const plainHbm = hardware.hbm === undefined ? resolveHbm(d.fcStacks.hbm, "system.fcStacks.hbm") : resolveHbm(hardware.hbm, "hardware.hbm", d.fcStacks.hbm);
  const design = (which: "fcStacks" | "attnStacks", base: unknown, patch: unknown, label: string) => {
    if (base === null) {
      if (patch !== undefined) throw new UserError(`${label}: system ${d.name} has no PIM design on its ${which} (${which}.design is null)`);
      return null;
    }
    const p = withHbm(patch);
    return p === undefined ? resolvePimDesign(base, undefined, `system.${which}.design`) : resolvePimDesign(p, base, label);
  };
  const fcPim = design("fcStacks", d.fcStacks.design, hardware.fcPim, "hardware.fcPim");
  const attnPim = attnCount === 0 && hardware.attnPim === undefined && d.attnStacks.design === null ? null : design("attnStacks", d.attnStacks.design, hardware.attnPim, "hardware.attnPim");
  const link = (which: "gpuGpu" | "attention" | "pimPim") => {
    const patch = hardware.links?.[which];
    return patch === undefined ? resolveLink(d.links[which], undefined, `system.links.${which}`) : resolveLink(patch, d.links[which], `hardware.links.${which}`);
  };
  const spec: SystemSpec = {
    name: d.name,
    description: d.description,
    gpu: { device: gpu, numGpus },
    fcStacks: { design: fcPim, hbm: plainHbm, numStacks: fcCount },
    attnStacks: { design: attnPim, numStacks: attnCount },
    fcUnits: [...d.fcUnits],
    hostUnit: d.hostUnit,
    links: { gpuGpu: link("gpuGpu"), attention: link("attention"), numAttentionLinks: d.links.numAttentionLinks, pimPim: link("pimPim"), numPimPimLinks: d.links.numPimPimLinks },
    schedulerOverheadSec: d.schedulerOverheadSec,
  };
  const bad = systemRuleViolations(spec);
  if (bad.length > 0) throw new UserError(bad.map((v) => `system ${d.name}: ${v.path} ${v.message}`).join("; "));
  return spec;
}
