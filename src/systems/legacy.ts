import { formatIssues } from "../core/blocks.ts";
import { UserError } from "../core/errors.ts";
import { deepMerge, isPlainObject } from "../core/merge.ts";
import { LegacySystemDescription, LegacySystemDescriptionChecked } from "./legacy-schema.ts";
import type { FcRole, SystemDescription, SystemDescriptionInput } from "./schema.ts";

/**
 * papi 0.2's system shape (gpu, fcStacks, attnStacks, fcUnits, hostUnit, links) is still accepted: it describes
 * the standard layout of the paper's systems (GPUs, stacks that hold the weights, attention stacks), and converts to
 * units, roles and fabrics one to one. Unit names of the conversion: "gpu", "fc-pim" (PIM FC stacks) or "hbm"
 * (plain stacks), "attn-pim".
 */
export const LEGACY_KEYS = ["gpu", "fcStacks", "attnStacks", "fcUnits", "hostUnit", "links"] as const;
const NEW_KEYS = ["units", "roles", "fabrics", "tensorParallel", "overlap"] as const;

/** Units, roles and fabrics of a 0.2 description (resolved or not: blocks are carried over as they are). */
export function fromLegacy(d: LegacySystemDescription): SystemDescriptionInput {
  const hasGpu = d.gpu.numGpus > 0;
  const hasAttn = d.attnStacks.numStacks > 0;
  const fc = d.fcStacks.design === null ? "hbm" : "fc-pim";
  const units: Record<string, unknown> = {};
  if (hasGpu) units.gpu = { kind: "gpu", device: d.gpu.device, count: d.gpu.numGpus };
  units[fc] = d.fcStacks.design === null ? { kind: "hbm", hbm: d.fcStacks.hbm, count: d.fcStacks.numStacks } : { kind: "pim", design: d.fcStacks.design, count: d.fcStacks.numStacks };
  if (hasAttn) units["attn-pim"] = { kind: "pim", design: d.attnStacks.design, count: d.attnStacks.numStacks };
  const reduceOn = hasGpu ? "gpuGpu" : "pimPim";
  const gpuHost = d.hostUnit === "gpu";
  return {
    name: d.name,
    description: d.description,
    units: units as SystemDescriptionInput["units"],
    roles: {
      fc: d.fcUnits.map((u): FcRole => ({ unit: u === "gpu" ? "gpu" : fc, reduceOn })),
      attention: hasAttn ? "attn-pim" : "gpu",
      attentionVia: hasAttn ? (hasGpu ? ["attention"] : ["attention", "pimPim"]) : [],
      kv: hasAttn ? "attn-pim" : fc,
      weights: fc,
      elementwise: gpuHost ? "gpu" : fc,
      prefill: gpuHost ? { fc: "gpu", attention: "gpu" } : { fc, attention: hasAttn ? "attn-pim" : fc },
    },
    tensorParallel: hasGpu ? d.gpu.numGpus : d.links.numPimPimLinks,
    fabrics: {
      gpuGpu: { link: d.links.gpuGpu },
      attention: { link: d.links.attention, numLinks: d.links.numAttentionLinks },
      pimPim: { link: d.links.pimPim, numLinks: d.links.numPimPimLinks },
      host: { ...HOST_FABRIC, numLinks: hasGpu ? d.gpu.numGpus : d.links.numPimPimLinks },
    },
    schedulerOverheadSec: d.schedulerOverheadSec,
  };
}

/**
 * The host fabric of the paper's systems: each tensor-parallel group (a GPU, or a group of FC stacks) reaches the host
 * CPU over its own PCIe 5.0 x16 link (ASSUMPTION: PAPI §4.1 puts the host over PCIe/CXL; no figure is given), and the
 * host, as the root of every link, can reduce what the groups send it (a switch topology with in-switch reduction).
 * Used only when FC-PIM's partial sums are reduced by the host (assumptions.pimPartialSums: host).
 */
export const HOST_FABRIC = { link: "pcie5", topology: "switch", collective: { algorithm: "in-switch" } } as const;

const unitName = (r: FcRole) => (typeof r === "string" ? r : r.unit);

/**
 * The 0.2 shape of a description, when it has one: the standard layout, and converting back gives the same
 * description. null otherwise (a system of other units, roles or fabrics has no 0.2 shape).
 */
export function toLegacy(s: SystemDescription): LegacySystemDescription | null {
  const entries = Object.entries(s.units);
  const gpus = entries.filter(([, u]) => u.kind === "gpu");
  const weights = s.units[s.roles.weights];
  const attn = s.roles.kv !== s.roles.weights ? s.units[s.roles.kv] : undefined;
  const f = s.fabrics;
  if (gpus.length > 1 || weights === undefined || !f.gpuGpu || !f.attention || !f.pimPim) return null;
  if (weights.kind !== "pim" && weights.kind !== "hbm") return null;
  if (attn !== undefined && attn.kind !== "pim") return null;
  const gpu = gpus[0];
  const legacy: LegacySystemDescription = {
    name: s.name,
    description: s.description,
    gpu: { device: gpu ? (gpu[1] as { device: unknown }).device : "a100-hbm3", numGpus: gpu ? gpu[1].count : 0 },
    fcStacks: {
      design: weights.kind === "pim" ? weights.design : null,
      hbm: weights.kind === "hbm" ? weights.hbm : "hbm3-5.2",
      numStacks: weights.count,
    },
    attnStacks: { design: attn?.kind === "pim" ? attn.design : null, numStacks: attn?.count ?? 0 },
    fcUnits: s.roles.fc.map((r) => (gpu && unitName(r) === gpu[0] ? "gpu" : "pim")),
    hostUnit: gpu && s.roles.elementwise === gpu[0] ? "gpu" : "pim",
    links: {
      gpuGpu: f.gpuGpu.link,
      attention: f.attention.link,
      numAttentionLinks: f.attention.numLinks,
      pimPim: f.pimPim.link,
      numPimPimLinks: f.pimPim.numLinks,
    },
    schedulerOverheadSec: s.schedulerOverheadSec,
  };
  const back = fromLegacy(legacy);
  return JSON.stringify(normalized(back)) === JSON.stringify(normalized(s)) ? legacy : null;
}

/** A description with its defaults filled and its keys sorted, for comparing two of them. */
function normalized(d: unknown): unknown {
  const withDefaults = structuredClone(d) as Record<string, unknown>;
  for (const [k, v] of Object.entries({ overlap: "none", description: "" })) if (withDefaults[k] === undefined) withDefaults[k] = v;
  if (isPlainObject(withDefaults.fabrics)) {
    for (const fab of Object.values(withDefaults.fabrics)) {
      if (!isPlainObject(fab)) continue;
      for (const [k, v] of Object.entries({ numLinks: 1, topology: "point-to-point", switchLatencySec: 0, collective: { algorithm: "ring" }, transfers: "alpha-beta" })) if (fab[k] === undefined) fab[k] = v;
    }
  }
  return sorted(withDefaults);
}

function sorted(d: unknown): unknown {
  if (Array.isArray(d)) return d.map(sorted);
  if (!isPlainObject(d)) return d;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(d).sort()) if (d[k] !== undefined) out[k] = sorted(d[k]);
  return out;
}

/**
 * A system block value in 0.2 shape (a full description, or `{ preset, ...0.2 overrides }` of a preset that has a
 * 0.2 shape) converted to a full description in the current shape; any other value unchanged. Mixing the two
 * shapes in one block is a one-line error.
 */
export function normalizeSystemValue(value: unknown, presets: () => Readonly<Record<string, SystemDescription>>, path = "system"): unknown {
  if (!isPlainObject(value)) return value;
  const legacy = LEGACY_KEYS.filter((k) => k in value);
  if (legacy.length === 0) return value;
  const mixed = NEW_KEYS.filter((k) => k in value);
  if (mixed.length > 0) throw new UserError(`${path}: mixes papi 0.2 keys (${legacy.join(", ")}) with ${mixed.join(", ")}; write one shape (docs/configuration.md, "Systems")`);
  const { preset, ...rest } = value;
  let raw: unknown = rest;
  if (typeof preset === "string") {
    const base = presets()[preset];
    if (base === undefined) return value; // the block's own check names the unknown preset
    const old = toLegacy(base);
    if (old === null) throw new UserError(`${path}: ${legacy.join(", ")} (papi 0.2 keys) cannot patch system "${preset}", which has no 0.2 shape; patch its units, roles or fabrics`);
    raw = deepMerge(old, rest);
  }
  const r = LegacySystemDescriptionChecked.safeParse(raw);
  if (!r.success) throw Object.assign(new UserError(formatIssues(r.error.issues, path, LegacySystemDescription)), { issues: r.error.issues, root: LegacySystemDescription });
  return fromLegacy(r.data);
}
