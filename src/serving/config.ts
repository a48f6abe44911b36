import { z } from "zod";
import { SCHEDULER_NAMES } from "../scheduling/policy.ts";

/**
 * A run, as data: what `papi run` takes from flags or a YAML/JSON file (`--config`), nested the way the system is
 * (system preset, then device counts, then per-device overrides). Parsed once, at the edge (cli).
 */
const posInt = (f: string) => z.number().int(`${f} must be an integer`).min(1, `${f} must be >= 1`);

export const RunConfig = z
  .object({
    system: z.string().default("papi").describe("system preset: gpu-only, a100-attacc, a100-hbmpim, attacc-only, papi, pim-only-papi"),
    model: z.string().default("llama-65b").describe("model preset name or path to a Hugging Face config.json"),
    trace: z.string().default("dolly-creative").describe("dolly-creative, dolly-openqa, azure-conv, azure-code, fixed:LIN:LOUT, uniform:..., or a CSV path"),
    requests: posInt("requests").optional().describe("take the first N requests of the trace (default: all)"),
    ratePerSec: z.number().positive().optional().describe("Poisson arrival rate for traces without arrival times"),
    batching: z.enum(["static", "continuous"]).default("static"),
    batch: posInt("batch").default(16).describe("batch size (static) or max requests in flight (continuous)"),
    spec: z
      .union([
        posInt("spec"),
        z.array(posInt("spec")).min(1),
        z.object({ targetTokens: posInt("spec.targetTokens"), maxTlp: posInt("spec.maxTlp") }).strict(),
      ])
      .default(4)
      .describe("speculation length (TLP); a list cycles per iteration; {targetTokens, maxTlp} retunes TLP each iteration to keep RLP x TLP near the target"),
    acceptanceRate: z.number().gt(0).max(1).optional().describe("per-token draft acceptance probability; omitted = ideal (all accepted)"),
    draft: z
      .object({ timePerTokenSec: z.number().min(0).default(0), energyPerTokenJoules: z.number().min(0).default(0) })
      .default({ timePerTokenSec: 0, energyPerTokenJoules: 0 }),
    scheduler: z.enum(SCHEDULER_NAMES).optional().describe("default: papi where FC can run on both units, else the fixed mapping"),
    alpha: z.number().min(0).optional().describe("PAPI threshold; default: calibrated by the offline sweep"),
    seed: z.number().int().min(0).default(1),
    gpus: z.number().int().min(0).optional(),
    fcStacks: posInt("fcStacks").optional(),
    attnStacks: z.number().int().min(0).optional(),
    hardware: z
      .object({
        gpu: z.record(z.string(), z.unknown()).optional(),
        fcPim: z.record(z.string(), z.unknown()).optional(),
        attnPim: z.record(z.string(), z.unknown()).optional(),
        links: z
          .object({
            gpuGpu: z.record(z.string(), z.unknown()).optional(),
            attention: z.record(z.string(), z.unknown()).optional(),
            pimPim: z.record(z.string(), z.unknown()).optional(),
          })
          .optional(),
      })
      .default({})
      .describe("partial overrides of the hardware specs, e.g. gpu: { hbmBandwidthBytesPerSec: 4.8e12 }"),
  })
  .strict();
export type RunConfig = z.infer<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;

export function runConfigJsonSchema(): unknown {
  return z.toJSONSchema(RunConfig, { io: "input" });
}
