import { z } from "zod";
import { blockJsonSchema, blockOf } from "../core/blocks.ts";
import { SCHEDULER_NAMES } from "../scheduling/policy.ts";
import { HardwareOverrides, resolveSystem } from "../systems/resolve.ts";
import { SystemBlock } from "../systems/presets.ts";
import { roleDevices } from "../systems/devices.ts";
import { PROFILE_NAMES } from "../systems/profiles.ts";
import { Assumptions } from "../units/assumptions.ts";
import { MAX_GPUS, MAX_STACKS } from "../systems/schema.ts";
import { BATCHING, BATCHING_NAMES } from "./batching/index.ts";
import { ServingConfig, SloConfig } from "./serving-config.ts";
import { MAX_ALPHA, MAX_BATCH, MAX_RATE_PER_SEC, MAX_REQUESTS, MAX_SEED, MAX_TLP } from "./limits.ts";

/**
 * A run, as data: what `papi run` takes from flags, `--set path=value` and a YAML/JSON file (`--config`), nested
 * the way the system is (system, then devices, then per-device overrides). Parsed once, at the edge (cli, web).
 * Every object is strict: an unknown key is an error naming the nearest valid key.
 */
/** An integer field; every way of missing it (not a finite number, a fraction, out of range) says the whole range. */
const int = (f: string, min: number, max: number) => {
  const m = `${f} must be an integer in [${min}, ${max}]`;
  return z.number({ error: m }).int(m).min(min, m).max(max, m);
};

export { MAX_BATCH, MAX_TLP } from "./limits.ts";

export const SpecConfig = z
  .union([
    int("spec", 1, MAX_TLP),
    z.array(int("spec", 1, MAX_TLP)).min(1).max(1024),
    z.object({ targetTokens: int("spec.targetTokens", 1, MAX_BATCH * MAX_TLP), maxTlp: int("spec.maxTlp", 1, MAX_TLP) }).strict(),
  ], { error: `must be an integer in [1, ${MAX_TLP}], a list of them (cycled per iteration) or { targetTokens, maxTlp } (adaptive), both integers` })
  .describe("speculation length (TLP); a list cycles per iteration; {targetTokens, maxTlp} retunes TLP each iteration to keep RLP x TLP near the target");

export const RunConfig = z
  .object({
    system: SystemBlock.shape.default("papi").describe("system: preset name (gpu-only, a100-attacc, a100-hbmpim, attacc-only, papi, pim-only-papi), { preset, ...overrides } or a full description"),
    model: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .default("llama-65b")
      .describe("model preset name, path to a Hugging Face config.json (relative to the config file), or the config object itself"),
    trace: z.string().min(1).default("dolly-creative").describe("dolly-creative, dolly-openqa, azure-conv, azure-code, fixed:LIN:LOUT, uniform:..., lognormal:..., or a CSV path (relative to the config file)"),
    requests: int("requests", 1, MAX_REQUESTS).optional().describe("take the first N requests of the trace (default: all; 64 for synthetic traces)"),
    ratePerSec: z.number().gt(0, "ratePerSec must be > 0").max(MAX_RATE_PER_SEC, `ratePerSec must be <= ${MAX_RATE_PER_SEC}`).optional().describe("Poisson arrival rate (requests per second), replacing the trace's arrival times"),
    batching: z.enum(BATCHING_NAMES).default("static").describe(`batching policy: ${BATCHING_NAMES.map((n) => `${n} (${BATCHING.entries[n].description})`).join("; ")}`),
    batch: int("batch", 1, MAX_BATCH).default(16).describe("batch size (static) or the most requests in flight per replica (vLLM's max_num_seqs, whose default is 256: vllm/engine/arg_utils.py)"),
    spec: SpecConfig.default(4),
    acceptanceRate: z.number().gt(0, "acceptanceRate must be in (0, 1]").max(1, "acceptanceRate must be in (0, 1]").optional().describe("per-token draft acceptance probability; omitted = ideal (all accepted)"),
    draft: z
      .object({
        timePerTokenSec: z.number().min(0).max(1, "draft.timePerTokenSec must be <= 1 s").default(0).describe("draft-model time per drafted token, seconds"),
        energyPerTokenJoules: z.number().min(0).max(1000, "draft.energyPerTokenJoules must be <= 1000 J").default(0).describe("draft-model energy per drafted token, joules"),
      })
      .strict()
      .default({ timePerTokenSec: 0, energyPerTokenJoules: 0 })
      .describe("cost of the draft model (the paper leaves it unspecified; default free)"),
    scheduler: z.enum(SCHEDULER_NAMES).optional().describe("papi, oracle, static-gpu, static-pim; default: papi where FC can run on both units, else the fixed mapping"),
    alpha: z.number({ error: `alpha must be a number in [0, ${MAX_ALPHA}]` }).min(0, `alpha must be a number in [0, ${MAX_ALPHA}]`).max(MAX_ALPHA, `alpha must be a number in [0, ${MAX_ALPHA}]`).optional().describe("PAPI threshold on RLP x TLP; default: calibrated by the offline sweep"),
    serving: ServingConfig.default({}),
    slo: SloConfig.optional(),
    seed: int("seed", 0, MAX_SEED).default(1).describe("seed of sampled lengths, arrivals and acceptance"),
    gpus: int("gpus", 0, MAX_GPUS).optional().describe("number of GPUs (overrides the system's)"),
    fcStacks: int("fcStacks", 1, MAX_STACKS).optional().describe("number of FC stacks (overrides the system's)"),
    attnStacks: int("attnStacks", 0, MAX_STACKS).optional().describe("number of attention stacks (overrides the system's)"),
    hardware: HardwareOverrides.default({}).describe("overrides of the system's devices, e.g. fcPim: { numFpus: 2} or gpu: h100-sxm"),
    profile: z.enum(PROFILE_NAMES).default("papi").describe("assumption profile: papi (papi's best physical estimate) or attacc-toolchain (the paper's toolchain as reconstructed from AttAcc's simulator)"),
    assumptions: Assumptions.partial().default({}).describe("structural assumptions overriding the profile's one at a time (docs/assumptions.md, \"Structural choices\")"),
  })
  .strict();
export type RunConfig = z.output<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;

/** JSON Schema of a run config (for editors): every field with its range, default, unit (in its name) and description. */
export function runConfigJsonSchema(): unknown {
  const toJson = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any", override: overrideBlocks }) as Record<string, unknown>;
  function overrideBlocks(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
    const kind = blockOf(ctx.zodSchema as z.ZodType);
    if (!kind) return;
    for (const k of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[k];
    Object.assign(ctx.jsonSchema, blockJsonSchema(kind, toJson));
  }
  const schema = { ...toJson(RunConfig), title: "papi run config" } as Record<string, unknown>;
  addHardwareDefaults(schema);
  return schema;
}

/**
 * Shows every hardware field's default in the JSON Schema: a field left out keeps the value of the system's device,
 * so the default shown is the default system's (papi), and the description says so. Walks the object branch of
 * each `hardware` block and sets `default` from the resolved device, recursing into nested objects (timing, energy).
 */
function addHardwareDefaults(schema: Record<string, unknown>): void {
  const ref = resolveSystem(RunConfig.parse({}).system);
  const d = roleDevices(ref);
  const devices: Record<string, unknown> = {
    gpu: d.gpu, fcPim: d.fcPim, attnPim: d.attnPim, hbm: d.hbm,
    "links.gpuGpu": ref.fabrics.gpuGpu?.link, "links.attention": ref.fabrics.attention?.link, "links.pimPim": ref.fabrics.pimPim?.link,
  };
  // a fabric's collective fields left unset take the link's latency, no call overhead and the full bandwidth
  for (const [name, f] of Object.entries(ref.fabrics)) {
    devices[`fabrics.${name}`] = { ...f, name, collective: { messageLatencySec: f!.link.latencySec, callOverheadSec: 0, bandwidthEfficiency: 1, ...f!.collective } };
  }
  const props = (node: unknown): Record<string, Record<string, unknown>> | undefined =>
    (node as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  const objectBranch = (node: Record<string, unknown>) => (node.anyOf as Record<string, unknown>[] | undefined)?.find((b) => b.type === "object") ?? node;
  const fill = (node: Record<string, unknown>, value: unknown, preset: string): void => {
    const p = props(objectBranch(node));
    if (!p || value === null || typeof value !== "object") return;
    for (const [k, field] of Object.entries(p)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      if (typeof v === "object" && v !== null && !Array.isArray(v)) fill(field, v, preset);
      else if (field.default === undefined) {
        field.default = v;
        field.description = `${field.description ?? k}; default: the system's device (papi: ${preset})`;
      }
    }
  };
  const hardware = props(schema)?.hardware;
  for (const [path, device] of Object.entries(devices)) {
    const node = path.split(".").reduce<Record<string, unknown> | undefined>((n, k) => props(n)?.[k], hardware);
    if (node && device) fill(node, device, (device as { name: string }).name);
  }
}
