import type { Command } from "commander";
import { UserError } from "../core/errors.ts";
import { MAX_ALPHA, MAX_BATCH, MAX_RATE_PER_SEC, MAX_REQUESTS, MAX_SEED, MAX_TLP } from "../serving/limits.ts";
import { MAX_GPUS, MAX_STACKS } from "../systems/limits.ts";
import { collect, decimalValue, parseInteger, parseNumber, parsePositiveIntList } from "./args.ts";

/**
 * The flags every command that builds a run config shares (`run`, `calibrate`, `reproduce --config`): a config
 * file, `--set path=value` overrides, and shortcuts for the common fields. Light: no simulator code is loaded.
 */
export function addSystemFlags(cmd: Command): Command {
  return cmd
    .option("--config <file>", "run config (YAML or JSON; `papi schema` prints its JSON Schema); flags and --set override it")
    .option("--set <path=value>", "override one config field, e.g. hardware.fcPim.numFpus=2 (repeatable; the value is YAML)", collect, [])
    .option("--system <name>", "system preset (gpu-only, a100-attacc, a100-hbmpim, attacc-only, papi, pim-only-papi)")
    .option("--model <name|path>", "model preset or Hugging Face config.json")
    .option("--profile <name>", "assumption profile: papi (default: papi's best physical estimate) or attacc-toolchain (the paper's toolchain as reconstructed)")
    .option("--gpus <n>", "number of GPUs")
    .option("--fc-stacks <n>", "number of HBM stacks holding FC weights")
    .option("--attn-stacks <n>", "number of attention stacks");
}

export function addServingFlags(cmd: Command): Command {
  return cmd
    .option("--trace <name|path>", "dolly-creative, dolly-openqa, azure-conv, azure-code, fixed:LIN:LOUT, uniform:..., lognormal:..., or a CSV file")
    .option("--requests <n>", "take the first N requests (default: all)")
    .option("--rate <perSec>", "Poisson arrivals for traces without arrival times")
    .option("--batching <kind>", "static (the paper's), continuous (vLLM's), chunked (Sarathi-Serve), disaggregated (Splitwise/DistServe) or continuous-v02")
    .option("--batch <n>", "batch size / max requests in flight per replica (vLLM's max_num_seqs)")
    .option("--spec <n[,n...]|adaptive:T:M>", "speculation length (TLP); a list cycles per iteration; adaptive:T:M keeps RLP x TLP near T (TLP <= M)")
    .option("--acceptance <p>", "draft-token acceptance probability (default: ideal, all accepted)")
    .option("--scheduler <name>", "papi | oracle | static-gpu | static-pim")
    .option("--alpha <n>", "PAPI threshold (default: calibrated)")
    .option("--seed <n>", "random seed");
}

type Flags = Record<string, unknown>;

/**
 * Flag values as run config fields (typed; ranges are checked again by the schema, so flags and files give the
 * same messages). Only the flags the user gave appear.
 */
export function flagsToConfig(o: Flags): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  const s = (k: string) => (typeof o[k] === "string" ? (o[k] as string) : undefined);
  const int = (k: string, flag: string, min: number, max: number) => {
    const v = s(k);
    if (v !== undefined) return parseInteger(flag, v, min, max);
    return undefined;
  };
  const set = (field: string, v: unknown) => {
    if (v !== undefined) c[field] = v;
  };
  set("system", s("system"));
  set("model", s("model"));
  set("profile", s("profile"));
  set("trace", s("trace"));
  set("requests", int("requests", "--requests", 1, MAX_REQUESTS));
  if (s("rate") !== undefined) c.ratePerSec = parseNumber("--rate", s("rate"), Number.MIN_VALUE, MAX_RATE_PER_SEC);
  set("batching", s("batching"));
  set("batch", int("batch", "--batch", 1, MAX_BATCH));
  const spec = s("spec");
  if (spec !== undefined) {
    const m = /^adaptive:(.*):(.*)$/.exec(spec);
    if (!m && /^adaptive\b/.test(spec)) throw new UserError(`--spec adaptive:T:M needs a target T and a largest TLP M (e.g. adaptive:64:8), got "${spec}"`);
    if (m) c.spec = { targetTokens: parseInteger("--spec adaptive TARGET", m[1], 1, MAX_BATCH * MAX_TLP), maxTlp: parseInteger("--spec adaptive MAX", m[2], 1, MAX_TLP) };
    else {
      const list = parsePositiveIntList("--spec", spec, MAX_TLP, 1024);
      c.spec = list.length === 1 ? list[0] : list;
    }
  }
  if (s("acceptance") !== undefined) {
    const a = decimalValue(s("acceptance"));
    if (!(a > 0 && a <= 1)) throw new UserError(`--acceptance must be a number in (0, 1], got "${s("acceptance")}"`);
    c.acceptanceRate = a;
  }
  set("scheduler", s("scheduler"));
  if (s("alpha") !== undefined) c.alpha = parseNumber("--alpha", s("alpha"), 0, MAX_ALPHA);
  set("seed", int("seed", "--seed", 0, MAX_SEED));
  set("gpus", int("gpus", "--gpus", 0, MAX_GPUS));
  set("fcStacks", int("fcStacks", "--fc-stacks", 1, MAX_STACKS));
  set("attnStacks", int("attnStacks", "--attn-stacks", 0, MAX_STACKS));
  return c;
}

/** The config sources of a command's options, for node/run-config.ts's loadRunConfig. */
export function configSources(o: Flags): { configPath?: string; flags: Record<string, unknown>; sets: string[] } {
  return {
    configPath: typeof o.config === "string" ? o.config : undefined,
    flags: flagsToConfig(o),
    sets: Array.isArray(o.set) ? (o.set as string[]) : [],
  };
}
